// A worker killed in the middle of a transcode (SIGKILL to its process group, as an OOM kill or
// a lost machine does): another worker releases the dead worker's job within seconds (not
// graphile-worker's 4 hours), removes its scratch directory, processes the file again, and the
// file ends ready with exactly one set of objects and rows.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { creatorWithItem, uploadBytes } from '../../../test/support/uploads.ts';
import { WESNOTH_MUSIC_DIR } from './processing/fixtures.ts';

let t: TestApp;
const children: ChildProcess[] = [];
before(async () => { t = await createTestApp(); });
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, 'SIGKILL');
  await t.close();
});

/** `npm run worker` in its own process group, on the test's database and storage. */
function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    detached: true, stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DATABASE_URL: t.deps.config.databaseUrl!, DATA_DIR: t.deps.config.dataDir, APP_ENV: 'development', LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '1' },
  });
  child.stderr!.on('data', () => {}); // drained; shown only if the test fails below
  children.push(child);
  return child;
}

async function until<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Partial renditions an ffmpeg of this worker is writing right now. */
function encodingNow(pid: number, fileId: string): string | null {
  for (const dir of readdirSync(os.tmpdir()).filter((d) => d.startsWith(`media-${pid}-${fileId}-`))) {
    const tmp = path.join(os.tmpdir(), dir, 'work', '.tmp');
    try {
      const partial = readdirSync(tmp).find((f) => /\.(m4a|mp3|opus|flac)$/.test(f) && statSync(path.join(tmp, f)).size > 0);
      if (partial) return path.join(tmp, partial);
    } catch { /* not there yet */ }
  }
  return null;
}

test('SIGKILL mid-transcode: another worker finishes the file; no duplicate objects or rows', { timeout: 420_000 }, async () => {
  const { creator, itemId } = await creatorWithItem(t, { type: 'audio' });
  const track = path.join(WESNOTH_MUSIC_DIR, 'the_deep_path.ogg'); // a real 4-minute recording
  const up = await uploadBytes(t, creator, { itemId }, 'The Deep Path.ogg', readFileSync(track));

  const first = startWorkerProcess();
  const partial = await until('the first worker to start encoding', () => encodingNow(first.pid!, up.id), 180_000);
  const row = await t.deps.db.selectFrom('media_files').select(['state']).where('id', '=', up.id).executeTakeFirstOrThrow();
  assert.equal(row.state, 'processing');
  process.kill(-first.pid!, 'SIGKILL'); // the worker and its ffmpeg, mid-write
  await until('the first worker to die', () => first.signalCode === 'SIGKILL', 10_000);
  const scratch = path.dirname(path.dirname(path.dirname(partial)));
  const locked = await sql<{ locked_by: string | null; attempts: number }>`SELECT locked_by, attempts FROM graphile_worker._private_jobs
    WHERE payload->>'fileId' = ${up.id}`.execute(t.deps.db);
  assert.ok(locked.rows[0]?.locked_by, 'the dead worker still holds the job');

  const second = startWorkerProcess();
  const done = await until('the file to be processed again', async () => {
    const r = await t.deps.db.selectFrom('media_files').selectAll().where('id', '=', up.id).executeTakeFirstOrThrow();
    return ['ready', 'failed', 'quarantined'].includes(r.state) ? r : null;
  }, 300_000);
  assert.equal(done.state, 'ready', done.state_reason ?? '');
  assert.throws(() => statSync(scratch), /ENOENT/, "the dead worker's scratch directory was removed");

  const derivatives = await t.deps.db.selectFrom('media_derivatives').select(['kind', 'object_key', 'bytes']).where('media_file_id', '=', up.id).execute();
  assert.deepEqual(derivatives.map((d) => d.kind).sort(),
    ['download-aac', 'download-mp3-320', 'download-mp3-v0', 'download-opus', 'stream', 'waveform']);
  const stored = await t.deps.store.list(`media/${creator.viewer.id}/`);
  assert.deepEqual(stored.map((o) => o.key).sort(), [done.object_key!, ...derivatives.map((d) => d.object_key)].sort(), 'one object per row, nothing else');
  for (const d of derivatives) assert.equal(stored.find((o) => o.key === d.object_key)?.size, d.bytes);
  assert.deepEqual(await t.deps.store.list(`incoming/${creator.viewer.id}/`), []);
  assert.equal((await t.deps.db.selectFrom('media_files').select('id').where('item_id', '=', itemId).execute()).length, 1);
  // The job's completion is written just after the handler returns (batched by the worker).
  await until('the job to complete', async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs
    WHERE payload->>'fileId' = ${up.id}`.execute(t.deps.db)).rows[0]!.n === 0, 10_000);
  assert.equal(done.reserved_bytes, 0);

  second.kill('SIGTERM');
  await until('the second worker to stop', () => second.exitCode !== null, 30_000);
  assert.equal(second.exitCode, 0, 'a clean stop');
});
