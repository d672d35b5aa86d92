// Ingest benchmark: `npx tsx bench/ingest.ts` alone, or `npm run bench -- ingest`.
//
// Starts an embedded PostgreSQL and the real web process (src/main.ts, local storage backend,
// worker off so only ingest is measured), signs up a creator over HTTP, then uploads a
// generated BENCH_INGEST_MB (default 1024; 64 with --smoke) file through the upload API exactly
// as the uploader does: start, signed part URLs, parts PUT in parallel, complete. Baseline in
// the same run: `cp` of the same file on the same filesystem. Also reports the web process's
// peak RSS during the upload, which must stay flat: parts are streamed to disk, never buffered.
// Budgets: bench/budgets.ts (ingest.*).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../src/deps.ts';
import { createItem } from '../src/modules/catalog/items-service.ts';
import { createProject } from '../src/modules/catalog/projects-service.ts';
import { parseConfig } from '../src/platform/config.ts';
import { createKysely, createPool } from '../src/platform/db.ts';
import { createLogger } from '../src/platform/log.ts';
import { HttpSession, isMain, MB, rssOf, runAlone, sampleRss, startDatabase, startWeb, type Bench } from './lib.ts';

const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;

export const run: Bench = async ({ smoke }) => {
  const SIZE = Number(process.env.BENCH_INGEST_MB ?? (smoke ? 64 : 1024)) * MB;
  const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 4);
  const database = await startDatabase('bench_ingest');
  const dir = database.dir;
  const pool = createPool(database.url, 2);
  const db = createKysely<Database>(pool);
  const web = await startWeb(database).catch(async (err) => { await db.destroy(); await database.stop(); throw err; });
  try {
    const base = web.base;
    const browser = new HttpSession(base);
    await browser.page('/signup');
    await browser.form('/signup', { username: 'bench_ingest', email: 'bench@example.com', password: 'a long enough password' });
    await browser.page('/creator/start');
    await browser.form('/creator/start', { tier: 'big_files', currency: 'EUR' });
    const user = await db.selectFrom('users').selectAll().where('username', '=', 'bench_ingest').executeTakeFirstOrThrow();
    const viewer = { id: user.id, username: user.username, displayName: user.display_name, email: user.email, emailVerified: false, isCreator: true, isAdmin: false, sessionId: '' };
    const deps = { config: parseConfig({ APP_ENV: 'development', DATABASE_URL: database.url }), pool, db, log: createLogger('warn'), clock: { now: () => new Date() } } as never;
    const project = await createProject(deps, viewer, { title: 'Bench', description: '' });
    const itemId = await createItem(deps, viewer, project.id, { type: 'download', title: 'One gigabyte' });
    await browser.page(`/dashboard/items/${itemId}/edit?step=details`);
    const api = async (method: string, p: string, body?: unknown) => {
      const res = await browser.send(p, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'x-csrf-token': browser.csrf, 'content-type': 'application/json' } });
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

    const rssBefore = rssOf(web.pid);
    const rss = sampleRss(web.pid);
    t0 = performance.now();
    const started = await api('POST', '/api/uploads', { fileName: 'bench.bin', size: SIZE, type: 'application/octet-stream', itemId });
    // As uploader.js does: a part's URL is asked for with the next 19 parts'.
    const urls = new Map<number, string>();
    await putParts(file, SIZE, started.partSize, PARALLEL, async (n, todo) => {
      if (!urls.has(n)) {
        for (const p of (await api('POST', `/api/uploads/${started.id}/part-urls`, { partNumbers: [n, ...todo.slice(0, 19)] })).parts) urls.set(p.partNumber, base + p.url);
      }
      return urls.get(n)!;
    });
    await api('POST', `/api/uploads/${started.id}/complete`, {});
    execFileSync('sync');
    const ingestMs = performance.now() - t0;
    const peak = rss.stop();
    const bareMs = await bareNodeIngest(file, SIZE, started.partSize, PARALLEL, path.join(dir, 'bare.bin'));

    const ratio = cpMs / ingestMs;
    console.log(`ingest: file ${mb(SIZE)}, ${started.partCount} parts of ${mb(started.partSize)}, ${PARALLEL} in parallel`);
    console.log(`ingest: cp ${cpMs.toFixed(0)} ms, upload start → parts → complete ${ingestMs.toFixed(0)} ms (ratio ${ratio.toFixed(2)})`);
    console.log(`ingest: web process RSS ${mb(rssBefore)} before, peak ${mb(peak)} during the upload`);
    const rate = (ms: number) => SIZE / MB / (ms / 1000);
    const bare = `a bare node:http server writing the same parts to a file: ${rate(bareMs).toFixed(0)} MB/s (${(cpMs / bareMs).toFixed(2)} of cp)`;
    console.log(`ingest: ${bare}`);
    return [
      { budget: 'ingest.throughput', value: rate(ingestMs), baseline: rate(cpMs), detail: `${mb(SIZE)} in ${started.partCount} parts, ${PARALLEL} in parallel; ${bare}` },
      { budget: 'ingest.rss-growth', value: Math.max(0, peak - rssBefore) / MB, detail: `RSS ${mb(rssBefore)} before, peak ${mb(peak)}` },
    ];
  } finally {
    await web.stop();
    await db.destroy();
    await database.stop();
  }
};

/**
 * PUTs the file's parts, `parallel` at a time, to the URL `urlOf` gives for each. node:http
 * rather than fetch: a browser's PUT costs the server the same either way, and undici's
 * streaming request bodies would make the client, not the server, the bottleneck.
 */
async function putParts(file: string, size: number, partSize: number, parallel: number, urlOf: (n: number, todo: number[]) => Promise<string>) {
  const todo = Array.from({ length: Math.ceil(size / partSize) }, (_, i) => i + 1);
  const worker = async () => {
    for (let n = todo.shift(); n !== undefined; n = todo.shift()) {
      const url = await urlOf(n, todo);
      const start = (n - 1) * partSize;
      const end = Math.min(start + partSize, size);
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(url, { method: 'PUT', headers: { 'content-length': String(end - start) } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
        req.on('error', reject);
        fs.createReadStream(file, { start, end: end - 1, highWaterMark: MB }).pipe(req);
      });
      if (status !== 200) throw new Error(`part ${n}: ${status}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/**
 * What Node's HTTP server alone reaches on this machine: the same parts, the same client, into
 * one file at each part's offset, then sync. Context for the ingest figure, not its baseline.
 */
async function bareNodeIngest(file: string, size: number, partSize: number, parallel: number, target: string) {
  fs.writeFileSync(target, '');
  const server = http.createServer((req, res) => {
    const n = Number(req.url!.slice(1));
    pipeline(req, fs.createWriteStream(target, { flags: 'r+', start: (n - 1) * partSize, highWaterMark: MB })).then(() => res.end(), (err: Error) => res.writeHead(500).end(err.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    const t0 = performance.now();
    await putParts(file, size, partSize, parallel, async (n) => `http://127.0.0.1:${port}/${n}`);
    execFileSync('sync');
    return performance.now() - t0;
  } finally {
    server.close();
    fs.rmSync(target, { force: true });
  }
}

if (isMain(import.meta.url)) await runAlone('ingest', run);
