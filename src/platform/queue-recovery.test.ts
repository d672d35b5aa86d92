// Crashed-worker recovery with several workers: a live pool's old locks are never released,
// a dead pool's are.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { enqueueJob, startWorker } from './queue.ts';
import { recoverCrashedJobs } from './queue-recovery.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

const lockOf = async (id: string) => (await sql<{ locked_by: string | null }>`SELECT locked_by FROM graphile_worker._private_jobs WHERE id = ${id}`.execute(t.deps.db)).rows[0];

test('a live worker keeps its jobs however old the lock; a dead one loses them', async () => {
  let release!: () => void;
  const blocked = new Promise<void>((r) => { release = r; });
  let started!: () => void;
  const running = new Promise<void>((r) => { started = r; });
  const worker = await startWorker({
    pool: t.deps.pool, concurrency: 1, log: t.deps.log, recovery: { everyMs: 3_600_000 },
    tasks: { slow_test_job: async () => { started(); await blocked; } },
  });
  try {
    await enqueueJob(t.deps.db, 'slow_test_job', {});
    await running;
    const [live] = (await sql<{ id: string; locked_by: string }>`SELECT id::text, locked_by FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL`.execute(t.deps.db)).rows;
    assert.ok(live, 'the live worker holds the job');
    // Its lock looks ancient, and a second (dead) pool holds another job.
    await sql`UPDATE graphile_worker._private_jobs SET locked_at = now() - interval '1 hour' WHERE id = ${live.id}`.execute(t.deps.db);
    await enqueueJob(t.deps.db, 'other_test_job', {}, { runAt: new Date(Date.now() + 3_600_000) }); // no handler runs it here
    const other = (await sql<{ id: string }>`SELECT id::text FROM graphile_worker.jobs WHERE task_identifier = 'other_test_job'`.execute(t.deps.db)).rows[0]!;
    await sql`UPDATE graphile_worker._private_jobs SET locked_by = 'pool-deadbeefdeadbeefde', locked_at = now() - interval '1 minute', attempts = 1 WHERE id = ${other.id}`.execute(t.deps.db);

    assert.deepEqual(await recoverCrashedJobs(t.deps.pool, t.deps.log, 15_000), ['pool-deadbeefdeadbeefde']);
    assert.equal((await lockOf(live.id))?.locked_by, live.locked_by, 'the live pool keeps its job');
    assert.equal((await lockOf(other.id))?.locked_by, null, "the dead pool's job is free to run again");

    // A fresh lock is left alone even if its pool is unknown (it may still be taking its lock).
    await sql`UPDATE graphile_worker._private_jobs SET locked_by = 'pool-newbornnewbornne', locked_at = now() WHERE id = ${other.id}`.execute(t.deps.db);
    assert.deepEqual(await recoverCrashedJobs(t.deps.pool, t.deps.log, 15_000), []);
  } finally {
    release();
    await worker.stop();
  }
});
