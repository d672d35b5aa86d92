// Ingest benchmark: `npx tsx bench/ingest.ts`.
//
// Starts an embedded PostgreSQL and the real web process (src/main.ts, local storage backend,
// worker off so only ingest is measured), signs up a creator over HTTP, then uploads a
// generated BENCH_INGEST_MB (default 1024) file through the upload API exactly as the uploader
// does: start, signed part URLs, parts PUT in parallel (3 at a time), complete. Baseline in the
// same run: `cp` of the same file on the same filesystem. Budget: cp time / upload time ≥ 0.5.
// Also reports the web process's peak RSS (VmHWM) during the upload, which must stay flat:
// parts are streamed to disk, never buffered. Exits 1 when the budget fails.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Database } from '../src/deps.ts';
import { createItem } from '../src/modules/catalog/items-service.ts';
import { createProject } from '../src/modules/catalog/projects-service.ts';
import { parseConfig } from '../src/platform/config.ts';
import { createKysely, createPool } from '../src/platform/db.ts';
import { startEmbeddedPostgres } from '../src/platform/embedded-postgres.ts';
import { createLogger } from '../src/platform/log.ts';
import { migrate } from '../src/platform/migrate.ts';

const SIZE = Number(process.env.BENCH_INGEST_MB ?? 1024) * 1024 * 1024;
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 4);
const log = createLogger('warn');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => { const { port } = srv.address() as net.AddressInfo; srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

const vm = (pid: number, field: 'VmRSS' | 'VmHWM') => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
};
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'makenot-ingest-'));
fs.chmodSync(dir, 0o755); // as root, the postgres user must be able to reach it
const pgServer = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), log });
let web: ReturnType<typeof spawn> | null = null;
let code = 1;
try {
  const admin = new pg.Client({ connectionString: pgServer.url });
  await admin.connect();
  await admin.query('CREATE DATABASE ingest');
  await admin.end();
  const dbUrl = pgServer.url.replace(/\/postgres$/, '/ingest');
  const pool = createPool(dbUrl, 2);
  await migrate(pool, log);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, APP_ENV: 'development', DATABASE_URL: dbUrl, DATA_DIR: path.join(dir, 'data'), PORT: String(port), BASE_URL: base, RUN_WORKER: 'false', SEED_DEMO: 'false', LOG_LEVEL: 'warn', STORAGE_BACKEND: 'local' };
  web = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    web!.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('is running at')) resolve(); });
    web!.on('exit', (c) => reject(new Error(`web process exited (${c})`)));
  });

  // A browser-like session: cookies and the page's CSRF token.
  const cookies = new Map<string, string>();
  let csrf = '';
  const send = async (p: string, init: RequestInit & { headers?: Record<string, string> } = {}) => {
    const go = () => fetch(base + p, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    // A pooled connection the server closed while idle (keep-alive timeout, e.g. during the file
    // generation) fails before anything is processed: try once more on a fresh one.
    const res = await go().catch((err: { cause?: { code?: string } }) => { if (err.cause?.code === 'UND_ERR_SOCKET') return go(); throw err; });
    for (const line of res.headers.getSetCookie()) { const [pair = ''] = line.split(';'); const i = pair.indexOf('='); cookies.set(pair.slice(0, i), pair.slice(i + 1)); }
    return res;
  };
  const page = async (p: string) => { const html = await (await send(p)).text(); csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? csrf; };
  const form = (p: string, f: Record<string, string>) => send(p, { method: 'POST', body: new URLSearchParams({ _csrf: csrf, ...f }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  await page('/signup');
  await form('/signup', { username: 'bench_ingest', email: 'bench@example.com', password: 'a long enough password' });
  await page('/creator/start');
  await form('/creator/start', { tier: 'big_files', currency: 'EUR' });
  const db = createKysely<Database>(pool);
  const user = await db.selectFrom('users').selectAll().where('username', '=', 'bench_ingest').executeTakeFirstOrThrow();
  const viewer = { id: user.id, username: user.username, displayName: user.display_name, email: user.email, emailVerified: false, isCreator: true, isAdmin: false, sessionId: '' };
  const deps = { config: parseConfig({ APP_ENV: 'development', DATABASE_URL: dbUrl }), pool, db, log, clock: { now: () => new Date() } } as never;
  const project = await createProject(deps, viewer, { title: 'Bench', description: '' });
  const itemId = await createItem(deps, viewer, project.id, { type: 'download', title: 'One gigabyte' });
  await page(`/dashboard/items/${itemId}/edit?step=details`);
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await send(p, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' } });
    const json = await res.json() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  // The file, on the same filesystem as DATA_DIR/storage, so cp and ingest write to the same disk.
  const file = path.join(dir, 'source.bin');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(8 * 1024 * 1024);
  for (let written = 0; written < SIZE; written += block.length) {
    for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
    fs.writeSync(fd, block, 0, Math.min(block.length, SIZE - written));
  }
  fs.closeSync(fd);
  execFileSync('sync');

  let t0 = performance.now();
  execFileSync('cp', [file, path.join(dir, 'copy.bin')]);
  execFileSync('sync');
  const cpMs = performance.now() - t0;
  fs.rmSync(path.join(dir, 'copy.bin'));

  const rssBefore = vm(web.pid!, 'VmRSS');
  t0 = performance.now();
  const started = await api('POST', '/api/uploads', { fileName: 'bench.bin', size: SIZE, type: 'application/octet-stream', itemId });
  const todo = Array.from({ length: started.partCount as number }, (_, i) => i + 1);
  const worker = async () => {
    for (let n = todo.shift(); n !== undefined; n = todo.shift()) {
      const [part] = (await api('POST', `/api/uploads/${started.id}/part-urls`, { partNumbers: [n] })).parts;
      const start = (n - 1) * started.partSize;
      const end = Math.min(start + started.partSize, SIZE);
      // node:http rather than fetch: a browser's PUT costs the server the same either way, and
      // undici's streaming request bodies would make the client, not the server, the bottleneck.
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(base + part.url, { method: 'PUT', headers: { 'content-length': String(end - start) } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
        req.on('error', reject);
        fs.createReadStream(file, { start, end: end - 1, highWaterMark: 1024 * 1024 }).pipe(req);
      });
      if (status !== 200) throw new Error(`part ${n}: ${status}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  await api('POST', `/api/uploads/${started.id}/complete`, {});
  execFileSync('sync');
  const ingestMs = performance.now() - t0;
  const peak = vm(web.pid!, 'VmHWM');

  const ratio = cpMs / ingestMs;
  console.log(`file: ${mb(SIZE)}, ${started.partCount} parts of ${mb(started.partSize)}, ${PARALLEL} in parallel`);
  console.log(`cp:     ${cpMs.toFixed(0)} ms (${(SIZE / 1024 / 1024 / (cpMs / 1000)).toFixed(0)} MB/s)`);
  console.log(`ingest: ${ingestMs.toFixed(0)} ms (${(SIZE / 1024 / 1024 / (ingestMs / 1000)).toFixed(0)} MB/s), start → parts → complete`);
  console.log(`web process RSS: ${mb(rssBefore)} before, peak ${mb(peak)} (VmHWM, whole process lifetime)`);
  console.log(`${ratio >= 0.5 ? 'PASS' : 'FAIL'} ingest vs cp throughput ratio ${ratio.toFixed(2)} (budget ≥ 0.5)`);
  const flat = peak - rssBefore < Math.min(128 * 1024 * 1024, 0.25 * SIZE);
  console.log(`${flat ? 'PASS' : 'FAIL'} peak RSS growth ${mb(Math.max(0, peak - rssBefore))} (budget < 128 MB or a quarter of the file: streaming, not buffering)`);
  code = ratio >= 0.5 && flat ? 0 : 1;
  await db.destroy();
} finally {
  web?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await pgServer.stop().catch(() => {});
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
