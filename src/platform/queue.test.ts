// Graceful worker stop with the real graphile-worker on a real database: a running job may
// finish; one that outlives the grace period is handed back to the queue (unlocked, run by
// the next worker at once) instead of staying locked for hours.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Task } from 'graphile-worker';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase } from '../../test/support/db.ts';
import { createKysely, createPool } from './db.ts';
import { createLogger } from './log.ts';
import { enqueueJob, runDueJobs, startWorker, stopWorker } from './queue.ts';

const log = createLogger('silent');
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: ReturnType<typeof createPool>;
let db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

before(async () => {
  database = await createTestDatabase();
  pool = createPool(database.url, 6); // cloned from the migrated template: the queue schema is there
  db = createKysely(pool);
});
after(async () => {
  await db.destroy();
  await database.drop();
});

/** A task that signals when it starts and finishes only when released. */
function gate() {
  let started!: () => void;
  let release!: () => void;
  const running = new Promise<void>((r) => { started = r; });
  const released = new Promise<void>((r) => { release = r; });
  let finished = false;
  const task: Task = async () => { started(); await released; finished = true; };
  return { task, running, release, finished: () => finished };
}

const jobRow = async (task: string) => (await sql<{ attempts: number; locked_at: Date | null; last_error: string | null }>`
  SELECT attempts, locked_at, last_error FROM graphile_worker.jobs WHERE task_identifier = ${task}`.execute(db)).rows;

test('a running job finishes during the grace period, then the worker stops', async () => {
  const g = gate();
  const runner = await startWorker({ pool, tasks: { slow_finish: g.task }, concurrency: 1, log });
  await enqueueJob(db, 'slow_finish', {});
  await g.running;
  const stopping = stopWorker(runner, { pool, graceMs: 60_000, log });
  setTimeout(g.release, 300); // the job is still running when stop is called
  assert.equal(await stopping, 'finished');
  assert.ok(g.finished(), 'the handler ran to the end');
  assert.deepEqual(await jobRow('slow_finish'), [], 'a completed job leaves the queue');
});

test('a job still running after the grace period is handed back, and another worker completes it', async () => {
  const g = gate();
  const runner = await startWorker({ pool, tasks: { stuck: g.task }, concurrency: 1, log });
  await enqueueJob(db, 'stuck', { fileId: 'x' });
  await g.running;
  assert.equal(await stopWorker(runner, { pool, graceMs: 200, log }), 'handed back');
  const [row] = await jobRow('stuck');
  assert.ok(row, 'the job is still queued');
  assert.equal(row.locked_at, null, 'not locked by the stopped worker');
  assert.equal(row.attempts, 1, 'the interrupted run counts as an attempt');

  // Another worker (here: a one-off run) picks it up at once and completes it.
  let ran = 0;
  await runDueJobs({ pool, tasks: { stuck: async () => { ran += 1; } }, log });
  assert.equal(ran, 1);
  assert.deepEqual(await jobRow('stuck'), []);
  g.release();
});

test('a runner that stops by itself (as graphile-worker does when the database vanishes mid-job) is replaced and work goes on', async () => {
  let ran = 0;
  const worker = await startWorker({ pool, tasks: { after_restart: async () => { ran += 1; } }, concurrency: 1, log });
  const first = worker.runner;
  await first.stop(); // not through stopWorker: the supervisor did not ask for this
  for (let i = 0; i < 300 && worker.runner === first; i++) await new Promise((r) => setTimeout(r, 100));
  assert.notEqual(worker.runner, first, 'a new runner took over');
  assert.equal(worker.restarts, 1);
  await enqueueJob(db, 'after_restart', {});
  for (let i = 0; i < 300 && ran === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(ran, 1, 'the new runner runs jobs');
  assert.equal(await stopWorker(worker, { pool, graceMs: 30_000, log }), 'finished');
  assert.equal(worker.restarts, 1, 'a requested stop is not restarted');
});
