// Every job runs with its own child logger: each line a handler logs, and the closing
// "job done" line, carry the job's id, task and attempt (structured JSON, as the worker logs).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { createTestApp, type TestApp } from '../test/support/app.ts';
import { taskList } from './jobs.ts';
import { createPool } from './platform/db.ts';
import { enqueueJob, runDueJobs } from './platform/queue.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

test('job log lines carry jobId, task and attempt', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l)); done(); } });
  const log = pino({ level: 'info' }, sink);
  const deps = { ...t.deps, log };
  await enqueueJob(t.deps.db, 'rate_limits_prune', {});
  await enqueueJob(t.deps.db, 'accounts_prune', {});
  await runDueJobs({ pool: t.deps.pool, tasks: taskList(deps), log });
  const done = lines.filter((l) => l.msg === 'job done');
  assert.deepEqual(done.map((l) => l.task).sort(), ['accounts_prune', 'rate_limits_prune']);
  for (const l of done) {
    assert.match(String(l.jobId), /^\d+$/);
    assert.equal(l.attempt, 1);
    assert.equal(typeof l.ms, 'number');
  }
  assert.notEqual(done[0]!.jobId, done[1]!.jobId);
});

test('a failing job logs its error with the job id, and the queue keeps it for a retry', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l)); done(); } });
  const log = pino({ level: 'info' }, sink);
  // The handler's database is unreachable (the queue's is fine): the prune job really fails.
  const unreachable = createPool('postgres://nobody@127.0.0.1:1/none', 1);
  try {
    await enqueueJob(t.deps.db, 'rate_limits_prune', {}, { maxAttempts: 3 });
    await runDueJobs({ pool: t.deps.pool, tasks: taskList({ ...t.deps, pool: unreachable, log }), log });
  } finally {
    await unreachable.end();
  }
  const failed = lines.find((l) => l.msg === 'job failed; the queue retries it with backoff');
  assert.ok(failed, JSON.stringify(lines));
  assert.equal(failed.task, 'rate_limits_prune');
  assert.match(String(failed.jobId), /^\d+$/);
  assert.equal(failed.maxAttempts, 3);
  assert.match(JSON.stringify(failed.err), /ECONNREFUSED/);
  const { rows } = await t.deps.pool.query(`SELECT attempts, last_error FROM graphile_worker.jobs WHERE id = $1`, [failed.jobId]);
  assert.equal(rows[0]?.attempts, 1, 'still queued for a retry');
});
