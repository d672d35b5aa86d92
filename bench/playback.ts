// Playback benchmark: `npx tsx bench/playback.ts` alone, or `npm run bench -- playback`.
//
// The real app served over HTTP (test/support/server.ts: its own database, the worker running),
// a real track through the real pipeline, and a fan who bought it.
//   1. Signed stream URL issuance: GET /api/play/<file> as that fan — the entitlement check in the
//      ledger, the ready file and its renditions, the storage check, the play row, the HMAC — in
//      requests per second under autocannon, against GET /healthz of the same server in the same
//      run (before and after; the mean is the baseline).
//   2. Range serving by the local backend: random 1 MiB ranges of a large object (256 MB; 64 MB
//      with --smoke) through its signed /storage/ URL, against Node's own fs.createReadStream in a
//      minimal http server serving the same file's bytes, in the same run (target ≥ 0.7).
// Budgets: bench/budgets.ts (playback.*). Env: BENCH_CONNECTIONS (10), BENCH_DURATION (s).
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { isMain, MB, runAlone, startDatabase, type Bench, type Figure } from './lib.ts';

const RANGE = 1024 * 1024;

async function rps(url: string, headers: Record<string, string>, connections: number, seconds: number) {
  const r = await autocannon({ url, headers, connections, duration: seconds });
  const bad = r.errors + r.timeouts + r.non2xx;
  if (bad) throw new Error(`${url}: ${bad} failed requests of ${r.requests.total}`);
  return r.requests.average;
}

/** MB/s of `requests` random Range GETs, `parallel` at a time; every body is read to the end. */
async function rangeThroughput(url: (start: number) => string, size: number, requests: number, parallel: number) {
  const starts = Array.from({ length: requests }, () => Math.floor(Math.random() * (size - RANGE)));
  let next = 0;
  let bytes = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < starts.length) {
      const start = starts[next++]!;
      const res = await fetch(url(start), { headers: { range: `bytes=${start}-${start + RANGE - 1}` } });
      if (res.status !== 206) throw new Error(`range request answered ${res.status}`);
      bytes += (await res.arrayBuffer()).byteLength;
    }
  }));
  return bytes / MB / ((performance.now() - t0) / 1000);
}

/** The baseline: a minimal Node server that streams byte ranges of a file with fs.createReadStream. */
async function bareRangeServer(file: string) {
  const size = fs.statSync(file).size;
  const server = http.createServer((req, res) => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!m) { res.writeHead(416).end(); return; }
    const start = Number(m[1]);
    const end = Math.min(Number(m[2]), size - 1);
    res.writeHead(206, { 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}`, 'content-type': 'application/octet-stream' });
    fs.createReadStream(file, { start, end }).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export const run: Bench = async ({ smoke }) => {
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
  const seconds = Number(process.env.BENCH_DURATION ?? (smoke ? 3 : 10));
  const database = await startDatabase('bench_template');
  process.env.TEST_PG_URL = database.server.url;
  process.env.TEST_TEMPLATE_DB = 'bench_template';
  const figures: Figure[] = [];
  try {
    // Imported after the environment is set: the test harness reads it.
    const { startTestServer } = await import('../test/support/server.ts');
    const { publishedProject, signUpCreator, signUpUser } = await import('../test/support/factories.ts');
    const { checkoutKey } = await import('../test/support/commerce.ts');
    const { uploadThroughPipeline } = await import('../test/support/uploads.ts');
    const { WESNOTH_MUSIC_DIR } = await import('../src/modules/media/processing/fixtures.ts');
    const server = await startTestServer({ LOG_LEVEL: 'warn' });
    try {
      // ---- 1. signed URL issuance ----
      const creator = await signUpCreator(server);
      const fan = await signUpUser(server);
      const { itemIds: [itemId = ''] } = await publishedProject(server, creator, 'Bench album', [
        { type: 'audio', title: 'Bench track', fields: { price_kind: 'fixed', price_amount: '1.00' } }]);
      await creator.client.get('/dashboard');
      const fileId = await uploadThroughPipeline(server, creator, itemId, path.join(WESNOTH_MUSIC_DIR, 'defeat.ogg'));
      await fan.client.get(`/i/${itemId}`);
      const checkout = await fan.client.post(`/i/${itemId}/checkout`, { checkout_key: checkoutKey() });
      await fan.client.post(checkout.headers.get('location')!, { outcome: 'pay' });
      const cookie = [...fan.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const probe = await fetch(`${server.url}/api/play/${fileId}`, { headers: { cookie } });
      const grant = await probe.json() as { mode?: string };
      if (probe.status !== 200 || grant.mode !== 'full') throw new Error(`the fan cannot stream: ${probe.status} ${JSON.stringify(grant)}`);

      await rps(`${server.url}/healthz`, {}, connections, 1); // warm-up
      await rps(`${server.url}/api/play/${fileId}`, { cookie }, connections, 1);
      const bare1 = await rps(`${server.url}/healthz`, {}, connections, seconds);
      const issue = await rps(`${server.url}/api/play/${fileId}`, { cookie }, connections, seconds);
      const bare2 = await rps(`${server.url}/healthz`, {}, connections, seconds);
      console.log(`playback: /api/play ${issue.toFixed(0)} req/s; /healthz ${bare1.toFixed(0)} and ${bare2.toFixed(0)} req/s`);
      figures.push({ budget: 'playback.issue', value: issue, baseline: (bare1 + bare2) / 2 });

      // ---- 2. Range serving: the local backend against Node's fs stream ----
      const size = (smoke ? 64 : 256) * MB;
      const file = path.join(database.dir, 'large.bin');
      const out = fs.openSync(file, 'w');
      for (let written = 0; written < size; written += 4 * MB) fs.writeSync(out, randomBytes(Math.min(4 * MB, size - written)));
      fs.closeSync(out);
      const key = 'bench/large.bin';
      await server.deps.store.put(key, fs.createReadStream(file), { contentLength: size, contentType: 'application/octet-stream' });
      const signed = await server.deps.store.presignGet(key, { expiresInSeconds: 3600, viewerId: 'bench' });
      const bare = await bareRangeServer(file);
      try {
        const requests = smoke ? 64 : 256;
        await rangeThroughput(() => bare.url, size, 16, 4); // warm-up, page cache
        await rangeThroughput(() => server.url + signed, size, 16, 4);
        const ours: number[] = [];
        const node: number[] = [];
        for (let round = 0; round < 3; round++) { // alternated, so drift hits both alike
          node.push(await rangeThroughput(() => bare.url, size, requests, 4));
          ours.push(await rangeThroughput(() => server.url + signed, size, requests, 4));
        }
        const best = (xs: number[]) => Math.max(...xs);
        console.log(`playback: ranges ${ours.map((x) => x.toFixed(0)).join('/')} MB/s ours, ${node.map((x) => x.toFixed(0)).join('/')} MB/s bare fs stream`);
        figures.push({ budget: 'playback.range', value: best(ours), baseline: best(node), detail: `${requests} random 1 MiB ranges × 3 rounds, 4 in parallel, of a ${size / MB} MB object` });
      } finally {
        await bare.close();
      }
    } finally {
      await server.close();
    }
  } finally {
    await database.stop();
  }
  return figures;
};

if (isMain(import.meta.url)) await runAlone('playback', run);
