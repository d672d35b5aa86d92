// The operator CLI as an operator runs it (`npm run admin -- …`, a child process against a real
// database): reprocess a failed upload, reconcile, and backup → restore into a fresh database
// → every row of every table equal, the restored database serving the app. pg_dump/pg_restore
// must match the server's major version (deploy/build-pg-client.sh builds them where the
// distribution's are older; .ci/run does).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { createApp } from '../src/app.tsx';
import { createKysely, createPool } from '../src/platform/db.ts';
import { createTestApp, type TestApp } from './support/app.ts';
import { TestClient } from './support/client.ts';
import { checkoutKey } from './support/commerce.ts';
import { publishedProject, signUpCreator, signUpUser, type TestUser } from './support/factories.ts';
import { api } from './support/uploads.ts';

const exec = promisify(execFile);
let t: TestApp;
let creator: TestUser;
let fan: TestUser;
let itemId = '';
let fileId = '';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'makenot-admin-'));
const fresh = `restore_${Date.now().toString(36)}`;
const freshUrl = () => process.env.TEST_PG_URL!.replace(/\/postgres$/, `/${fresh}`);

async function admin(databaseUrl: string, ...args: string[]) {
  const env = { ...process.env, APP_ENV: 'development', DATABASE_URL: databaseUrl, DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'warn' };
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', ...args], { env });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

async function adminQuery(text: string) {
  const c = new pg.Client({ connectionString: process.env.TEST_PG_URL });
  await c.connect();
  try { await c.query(text); } finally { await c.end(); }
}

/** Every table of ours and the job queue's, each as one hash of all its rows. */
async function contents(url: string) {
  const pool = createPool(url, 1);
  try {
    const { rows: tables } = await pool.query<{ s: string; t: string }>(
      `SELECT schemaname AS s, tablename AS t FROM pg_tables WHERE schemaname IN ('public', 'graphile_worker') ORDER BY 1, 2`);
    const out: Record<string, string> = {};
    for (const { s, t: name } of tables) {
      const { rows } = await pool.query<{ n: number; h: string }>(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${s}"."${name}" x`);
      out[`${s}.${name}`] = `${rows[0]!.n}:${rows[0]!.h}`;
    }
    return out;
  } finally {
    await pool.end();
  }
}

before(async () => {
  t = await createTestApp();
  creator = await signUpCreator(t);
  fan = await signUpUser(t);
  ({ itemIds: [itemId = ''] } = await publishedProject(t, creator, 'Backed up', [{ type: 'audio', title: 'Précieux — 宝物 🎵', fields: { price_kind: 'fixed', price_amount: '3.50', tags: 'music/ambient' } }]));
  await fan.client.get(`/i/${itemId}`);
  const checkout = await fan.client.post(`/i/${itemId}/checkout`, { checkout_key: checkoutKey() });
  await fan.client.post(checkout.headers.get('location')!, { outcome: 'pay' });
  await creator.client.get(`/dashboard/items/${itemId}/edit?step=details`);
  const started = await api(creator, 'POST', '/api/uploads', { fileName: 'broken.wav', size: 1000, type: 'audio/wav', itemId });
  fileId = started.json.id as string;
  // What a worker leaves after the last failed attempt.
  await t.deps.db.updateTable('media_files').set({ state: 'failed', state_reason: 'ffmpeg exited 1' }).where('id', '=', fileId).execute();
});
after(async () => {
  await t.close();
  await adminQuery(`DROP DATABASE IF EXISTS ${fresh} WITH (FORCE)`);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run admin', () => {
  test('reprocess <file-id> queues a failed upload again; refuses other states and unknown ids', async () => {
    const url = t.deps.config.databaseUrl!;
    const ok = await admin(url, 'reprocess', fileId);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /Queued "broken\.wav"/);
    const file = await t.deps.db.selectFrom('media_files').select(['state', 'state_reason']).where('id', '=', fileId).executeTakeFirstOrThrow();
    assert.equal(file.state, 'uploaded');
    const { rows } = await t.deps.pool.query(`SELECT 1 FROM graphile_worker.jobs WHERE task_identifier = 'media_process' AND key = $1`, [`media_process:${fileId}`]);
    assert.equal(rows.length, 1, 'a processing job is queued');

    const again = await admin(url, 'reprocess', fileId);
    assert.equal(again.code, 1);
    assert.match(again.out, /Only files that failed/);
    const unknown = await admin(url, 'reprocess', '00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.code, 1);
    assert.match(unknown.out, /no file with that id/);
    assert.equal((await admin(url, 'reprocess')).code, 2, 'usage');
  });

  test('reconcile runs the commerce reconciliation', async () => {
    const res = await admin(t.deps.config.databaseUrl!, 'reconcile');
    assert.equal(res.code, 0, res.out);
    assert.match(res.out, /Test mode/);
  });

  test('backup → restore into a fresh database: every row equal, and the app runs on it', async () => {
    const source = t.deps.config.databaseUrl!;
    const file = path.join(dir, 'makenot.dump');
    const before = await contents(source);
    assert.ok(Number(before['public.items']!.split(':')[0]) >= 1 && Number(before['public.payments']!.split(':')[0]) >= 1);

    const backup = await admin(source, 'backup', file);
    assert.equal(backup.code, 0, backup.out);
    assert.ok(fs.statSync(file).size > 10_000);
    assert.ok(!fs.existsSync(`${file}.partial`));

    await adminQuery(`CREATE DATABASE ${fresh}`);
    const restore = await admin(freshUrl(), 'restore', file);
    assert.equal(restore.code, 0, restore.out);
    assert.deepEqual(await contents(freshUrl()), before, 'every table, every row');

    // The restored database serves the app: the item page, and the fan logs in with their password.
    const pool = createPool(freshUrl(), 2);
    try {
      const app = createApp({ ...t.deps, pool, db: createKysely(pool) });
      const visitor = new TestClient(app);
      assert.equal((await visitor.get(`/i/${itemId}`)).status, 200);
      await visitor.get('/login');
      assert.equal((await visitor.post('/login', { identifier: fan.viewer.username, password: fan.password })).status, 303);
      assert.match((await visitor.get('/library')).html, /Précieux — 宝物 🎵/);
    } finally {
      await pool.end();
    }

    // A database that is not empty is refused, and left alone.
    const snapshot = await contents(freshUrl());
    const twice = await admin(freshUrl(), 'restore', file);
    assert.equal(twice.code, 1);
    assert.match(twice.out, /Refusing to restore: the target database already has \d+ tables/);
    assert.deepEqual(await contents(freshUrl()), snapshot);
  });

  test('a backup that cannot be written fails with pg_dump\'s reason and leaves no file', async () => {
    const target = path.join(dir, 'missing-dir', 'x.dump');
    const res = await admin(t.deps.config.databaseUrl!, 'backup', target);
    assert.equal(res.code, 1);
    assert.match(res.out, /pg_dump failed: .*could not open output file/);
    assert.ok(!fs.existsSync(target) && !fs.existsSync(`${target}.partial`));
    const missing = await admin(t.deps.config.databaseUrl!, 'restore', path.join(dir, 'nope.dump'));
    assert.equal(missing.code, 1);
  });
});
