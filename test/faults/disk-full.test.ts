// Disk full: storage refuses writes during uploads and processing. Every disk here is a real
// small tmpfs (mounted for this file, unmounted at the end), filled with a filler file to the
// byte count each step needs; nothing is simulated. Three set-ups:
//  - the local backend behind a real HTTP server (worker running): resumable parts over HTTP and
//    from Chromium's uploader, the no-JavaScript form, the start pre-check;
//  - the local backend in-process: processing whose streaming and download formats do not fit;
//  - an S3 server (s3rver) whose data directory is on the small disk.
// The contract (docs/decisions/0012): the creator is told in words that storage is full (507) or
// may be (503), nothing half-written is recorded or left visible in storage, parts already sent
// are kept, and once there is room again the same upload finishes and processes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Hono } from 'hono';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { storageUsed } from '../../src/modules/media/uploads-service.ts';
import { refusedProcessing } from '../../src/modules/media/write-refusals.ts';
import { WriteRefused } from '../../src/platform/storage/index.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { launchBrowser, snap } from '../support/browser.ts';
import { TestClient } from '../support/client.ts';
import type { TestUser } from '../support/factories.ts';
import { startS3, type TestS3 } from '../support/s3.ts';
import { ensureMayMount } from '../support/mount-namespace.ts';
import { startTestServer, type RunningServer } from '../support/server.ts';
import { api, creatorWithItem, uploadBytes } from '../support/uploads.ts';

ensureMayMount(import.meta.url);

const MiB = 1024 * 1024;

interface SmallDisk {
  dir: string;
  free(): number;
  /** Writes a filler file so that `leave` bytes stay free (0: until the disk refuses). */
  fill(leave: number): void;
  /** Deletes every filler file: room again. */
  unfill(): void;
  unmount(): void;
}

function smallDisk(mib: number): SmallDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'makenot-diskfull-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', dir]);
  let fillers = 0;
  const free = () => { const s = fs.statfsSync(dir); return s.bavail * s.bsize; };
  const disk: SmallDisk = {
    dir, free,
    fill(leave) {
      const file = path.join(dir, `filler-${++fillers}`);
      const fd = fs.openSync(file, 'w');
      try {
        const chunk = Buffer.alloc(MiB, 0xab);
        for (let left = free() - leave; left > 0;) {
          const n = Math.min(left, chunk.length);
          try { fs.writeSync(fd, chunk, 0, n); } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOSPC' && leave === 0) break;
            throw err;
          }
          left -= n;
        }
      } finally { fs.closeSync(fd); }
      if (leave === 0) assert.equal(free(), 0, 'the disk is full');
    },
    unfill() {
      for (const f of fs.readdirSync(dir)) if (f.startsWith('filler-')) fs.rmSync(path.join(dir, f));
    },
    unmount() {
      // Lazily if a file on it is still open (s3rver leaks the part files of a failed
      // completion): detached now, its memory freed when this process ends.
      try { execFileSync('umount', [dir], { stdio: 'ignore' }); } catch { execFileSync('umount', ['--lazy', dir]); }
      fs.rmdirSync(dir);
    },
  };
  return disk;
}

/** Files under a local store's temporary and multipart directories (nothing may linger there). */
const filesUnder = (dir: string): string[] => (fs.existsSync(dir)
  ? fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
  : []);

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function fileRows(t: TestApp, creatorId: string) {
  return t.deps.db.selectFrom('media_files').select(['id', 'state', 'bytes', 'sha256', 'uploaded_at', 'state_reason', 'object_key'])
    .where('creator_id', '=', creatorId).orderBy('created_at').execute();
}
async function derivativeRows(t: TestApp, fileId: string) {
  return t.deps.db.selectFrom('media_derivatives').select(['kind', 'object_key', 'bytes']).where('media_file_id', '=', fileId).orderBy('kind').execute();
}
async function jobsOf(t: TestApp, fileId: string) {
  const r = await sql<{ attempts: number; max_attempts: number }>`SELECT attempts, max_attempts FROM graphile_worker._private_jobs WHERE payload->>'fileId' = ${fileId}`.execute(t.deps.db);
  return r.rows;
}
async function waitForState(t: TestApp, fileId: string, states: string[], ms = 120_000) {
  for (const end = Date.now() + ms; Date.now() < end;) {
    const row = await t.deps.db.selectFrom('media_files').select('state').where('id', '=', fileId).executeTakeFirst();
    if (row && states.includes(row.state)) return row.state;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`file ${fileId} did not reach ${states.join('/')} in time`);
}

/** The same creator over real HTTP: their session cookies and CSRF token, fetch for transport. */
function overHttp(server: RunningServer, user: TestUser): TestUser {
  const transport = { request: (p: string, init: RequestInit) => fetch(new URL(p, server.url), { ...init, redirect: 'manual' }) };
  const client = new TestClient(transport as unknown as Hono, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0' });
  client.cookies = new Map(user.client.cookies);
  client.csrf = user.client.csrf;
  return { ...user, client };
}

/** PUT of one part to its signed URL: relative (the local backend, on our server) or absolute (S3). */
async function putPart(base: string, url: string, body: Uint8Array) {
  const res = await fetch(new URL(url, base), { method: 'PUT', body: new Uint8Array(body), headers: { 'content-length': String(body.length) } });
  return { status: res.status, text: await res.text(), etag: res.headers.get('etag') ?? '', retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type') };
}

/** The no-JavaScript form: the CSRF field first, then the file, as the form sends them. */
async function postForm(client: TestClient, action: string, name: string, data: Uint8Array) {
  const form = new FormData();
  form.append('_csrf', client.csrf);
  form.append('file', new Blob([new Uint8Array(data)]), name);
  return client.send(action, { method: 'POST', body: form });
}

const FULL_PART = /^The server's file storage is full, so this part could not be saved\. The parts already sent are kept: try again later to continue where the upload stopped\.$/;

describe('local backend over HTTP', () => {
  let disk: SmallDisk;
  let server: RunningServer;
  let browser: Browser | undefined;
  let storageDir: string;
  before(async () => {
    disk = smallDisk(64);
    server = await startTestServer({ DATA_DIR: disk.dir });
    storageDir = path.join(disk.dir, 'storage');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    disk?.unmount();
  });

  test('resumable upload: parts the disk refuses answer 507, nothing is recorded, and the same upload finishes once there is room', async () => {
    const { creator: local, itemId } = await creatorWithItem(server, { tier: 'big_files' });
    const creator = overHttp(server, local);
    const id0 = creator.viewer.id;
    const usedBefore = await storageUsed(server.deps, id0);

    // A file larger than the free space is refused before a byte is sent (the statfs pre-check).
    const huge = await api(creator, 'POST', '/api/uploads', { fileName: 'huge.bin', size: 100 * MiB, itemId });
    assert.equal(huge.status, 507, JSON.stringify(huge.json));
    assert.match(huge.json.error, /^The server's file storage has no room for this file right now, so the upload cannot start\. This is not your storage allowance/);
    assert.deepEqual(await fileRows(server, id0), []);
    assert.deepEqual(filesUnder(path.join(storageDir, 'multipart')), [], 'no upload directory is left');

    const data = randomBytes(12 * MiB); // parts of 8 MiB and 4 MiB
    const start = await api(creator, 'POST', '/api/uploads', { fileName: 'big.bin', size: data.length, itemId });
    assert.equal(start.status, 201, JSON.stringify(start.json));
    const { id, partSize, partCount } = start.json as { id: string; partSize: number; partCount: number };
    assert.deepEqual([partSize, partCount], [8 * MiB, 2]);
    const usedOpen = await storageUsed(server.deps, id0);
    assert.equal(usedOpen, usedBefore + data.length, 'an open upload holds its declared size');
    const urls = (await api(creator, 'POST', `/api/uploads/${id}/part-urls`, { partNumbers: [1, 2] })).json.parts as { url: string }[];
    const part = (n: number) => data.subarray((n - 1) * partSize, n * partSize);

    // Someone else's writes take the room: 5 MiB left, less than part 1.
    disk.fill(5 * MiB);
    for (const n of [1, 2]) {
      const res = await putPart(server.url, urls[n - 1]!.url, part(n));
      assert.equal(res.status, 507, `part ${n}: ${res.text}`);
      assert.match(res.text, FULL_PART);
      assert.match(res.type ?? '', /^text\/plain/);
      assert.ok(Number(res.retryAfter) > 0, 'says when to try again');
    }
    const status = await api(creator, 'GET', `/api/uploads/${id}`);
    assert.deepEqual(status.json.parts, [], 'a refused part is never listed as stored');
    const early = await api(creator, 'POST', `/api/uploads/${id}/complete`, { parts: [] });
    assert.equal(early.status, 409);
    assert.match(early.json.error, /parts 1, 2 still to send/);
    const [row] = await fileRows(server, id0);
    assert.equal(row!.state, 'uploading');
    assert.equal(row!.uploaded_at, null);
    assert.deepEqual(await jobsOf(server, id), [], 'nothing is queued for processing');
    assert.equal(await storageUsed(server.deps, id0), usedOpen, 'the refusals change no accounting');
    assert.deepEqual(await server.deps.store.list(`incoming/${id0}/`), []);
    assert.deepEqual(await server.deps.store.list(`media/${id0}/`), []);
    assert.deepEqual(filesUnder(path.join(storageDir, 'tmp')), [], 'no temporary file is left');

    // Room again: the same parts go through; then the disk fills up before completing.
    disk.unfill();
    const etags: string[] = [];
    for (const n of [1, 2]) {
      const res = await putPart(server.url, urls[n - 1]!.url, part(n));
      assert.equal(res.status, 200, res.text);
      etags.push(res.etag);
    }
    disk.fill(0);
    const refused = await api(creator, 'POST', `/api/uploads/${id}/complete`, { parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) });
    assert.equal(refused.status, 507, JSON.stringify(refused.json));
    assert.match(refused.json.error, /^The server's file storage is full, so the parts you sent could not be put together into your file\. They are kept: press Try again later/);
    assert.equal((await fileRows(server, id0))[0]!.state, 'uploading');
    assert.deepEqual(await jobsOf(server, id), []);
    assert.deepEqual(await server.deps.store.list(`incoming/${id0}/`), [], 'no half-assembled object');
    assert.deepEqual((await api(creator, 'GET', `/api/uploads/${id}`)).json.parts.map((p: { partNumber: number }) => p.partNumber), [1, 2], 'the parts are kept');

    disk.unfill();
    const done = await api(creator, 'POST', `/api/uploads/${id}/complete`, { parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) });
    assert.equal(done.status, 200, JSON.stringify(done.json));
    assert.equal(done.json.state, 'uploaded');
    assert.equal(await waitForState(server, id, ['ready', 'failed']), 'ready');
    const ready = (await fileRows(server, id0))[0]!;
    assert.equal(ready.sha256, sha256(data));
    assert.deepEqual((await server.deps.store.list(`media/${id0}/`)).map((o) => [o.key, o.size]), [[ready.object_key, data.length]]);
    assert.deepEqual(await server.deps.store.list(`incoming/${id0}/`), []);
    assert.equal(await storageUsed(server.deps, id0), usedBefore + data.length);
  });

  test('no-JavaScript form on a full disk: the message on the form page, nothing recorded, no object left', async () => {
    const { creator: local, itemId } = await creatorWithItem(server, { tier: 'big_files' });
    const creator = overHttp(server, local);
    const id0 = creator.viewer.id;
    await creator.client.get(`/dashboard/items/${itemId}/edit?step=details`);
    const usedBefore = await storageUsed(server.deps, id0);
    const data = randomBytes(6 * MiB);

    disk.fill(2 * MiB);
    const res = await postForm(creator.client, `/dashboard/items/${itemId}/files/upload`, 'form.bin', data);
    // The form's refusals (413s as well) come back as a message on the page the form is on.
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/dashboard/items/${itemId}/edit?step=details#files`);
    const page = await creator.client.get(res.headers.get('location')!);
    assert.match(page.html, /The server&#39;s file storage is full, so this file could not be saved, and nothing of it was kept\. This is not your storage allowance/);
    assert.deepEqual(await fileRows(server, id0), []);
    assert.deepEqual(await server.deps.store.list(`incoming/${id0}/`), []);
    assert.deepEqual(filesUnder(path.join(storageDir, 'tmp')), []);
    assert.equal(await storageUsed(server.deps, id0), usedBefore);

    disk.unfill();
    const ok = await postForm(creator.client, `/dashboard/items/${itemId}/files/upload`, 'form.bin', data);
    assert.equal(ok.status, 303);
    assert.match((await creator.client.get(ok.headers.get('location')!)).html, /Uploaded \(6291456 bytes\)/);
    const [row] = await fileRows(server, id0);
    assert.equal(await waitForState(server, row!.id, ['ready', 'failed']), 'ready');
  });

  test("Chromium's uploader: the server's message at once (no retrying a full disk), Try again finishes it, progress never drops", async () => {
    browser = await launchBrowser();
    const { creator, itemId } = await creatorWithItem(server, { tier: 'big_files' });
    const file = path.join(disk.dir, '..', `chromium-${process.pid}.bin`); // on the big disk
    const data = randomBytes(12 * MiB);
    fs.writeFileSync(file, data);
    const context = await browser.newContext();
    try {
      await context.addCookies([...creator.client.cookies].map(([name, value]) => ({ name, value, url: server.url })));
      await context.addInitScript(`window.__progress = []; setInterval(() => { const p = document.querySelector('.upload progress');
        if (p && window.__progress[window.__progress.length - 1] !== p.value) window.__progress.push(p.value); }, 10);`);
      const page = await context.newPage();
      const partPuts: number[] = [];
      page.on('response', (r) => { if (r.request().method() === 'PUT' && r.url().includes('/storage/')) partPuts.push(r.status()); });
      await page.goto(`${server.url}/dashboard/items/${itemId}/edit?step=details`);
      await page.getByText('Choose files').waitFor();

      // Someone else's writes take the room just after the upload starts (so the start's
      // free-space check passes): the start's answer reaches the page once the disk is full.
      await page.route('**/api/uploads', async (route) => {
        const response = await route.fetch();
        disk.fill(3 * MiB);
        await route.fulfill({ response });
      }, { times: 1 });
      const began = Date.now();
      await page.locator('#uploader-files').setInputFiles(file);
      const row = page.locator('.upload', { hasText: path.basename(file) });
      await row.getByText(/^Failed: The server's file storage is full, so this part could not be saved\. The parts already sent are kept/).waitFor({ timeout: 30_000 });
      const failedAfter = Date.now() - began;
      await row.getByRole('button', { name: 'Try again' }).waitFor();
      await new Promise((r) => setTimeout(r, 1500)); // a retry loop would have sent more by now
      assert.deepEqual(partPuts, [507, 507], 'each part was tried once: a full disk is not retried automatically');
      assert.ok(failedAfter < 15_000, `told within ${failedAfter} ms`);
      await snap(page, 'disk-full', 'uploader-refused');
      const [open] = await fileRows(server, creator.viewer.id);
      assert.equal(open!.state, 'uploading');

      disk.unfill();
      // Part 2 is held back a second, so the bar has a value between 0 and 100 to show (and to
      // keep) however fast the disk takes part 1.
      await page.route((url) => url.pathname.startsWith('/storage/') && url.searchParams.get('n') === '2', async (route) => {
        await new Promise((r) => setTimeout(r, 1000));
        await route.continue();
      });
      await row.getByRole('button', { name: 'Try again' }).click();
      await row.getByText('Uploaded — processing…').waitFor({ timeout: 60_000 });
      assert.deepEqual(partPuts, [507, 507, 200, 200]);
      const progress = await page.evaluate(() => (window as unknown as { __progress: number[] }).__progress);
      assert.ok(progress.length > 2, `progress was seen: ${progress}`);
      for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!, `progress dropped: ${progress.join(', ')}`);
      assert.equal(progress[progress.length - 1], 100);
      assert.equal(await waitForState(server, open!.id, ['ready', 'failed']), 'ready', (await fileRows(server, creator.viewer.id))[0]!.state_reason ?? '');
      assert.equal((await fileRows(server, creator.viewer.id))[0]!.sha256, sha256(data));
    } finally {
      await context.close();
      fs.rmSync(file, { force: true });
    }
  });
});

describe('local backend: processing whose formats do not fit', () => {
  let disk: SmallDisk;
  let t: TestApp;
  let wav: Buffer;
  before(async () => {
    disk = smallDisk(40);
    t = await createTestApp({ DATA_DIR: disk.dir });
    // 20 s of stereo noise: its FLAC is about as big as the WAV, so all its formats together
    // are far bigger than the original.
    const file = path.join(os.tmpdir(), `makenot-diskfull-${process.pid}.wav`);
    const noise = (seed: number) => `anoisesrc=d=20:c=white:a=0.9:r=44100:s=${seed}`;
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-filter_complex', `${noise(1)}[l];${noise(2)}[r];[l][r]amerge=inputs=2`, '-f', 'wav', file]);
    wav = fs.readFileSync(file);
    fs.rmSync(file);
  });
  after(async () => {
    await t?.close();
    disk?.unmount();
  });

  test('no half set of formats, the original safe, the reason after the last attempt; Reprocess makes them all once there is room', async () => {
    // The same audio once with room, to know what its formats weigh.
    const { creator, itemId: firstItem } = await creatorWithItem(t, { tier: 'big_files', type: 'audio' });
    const first = await uploadBytes(t, creator, { itemId: firstItem }, 'noise.wav', wav, 'audio/wav');
    await t.drainJobs();
    assert.equal((await t.deps.db.selectFrom('media_files').select('state').where('id', '=', first.id).executeTakeFirstOrThrow()).state, 'ready');
    const formats = await derivativeRows(t, first.id);
    const total = formats.reduce((s, d) => s + d.bytes, 0);
    const largest = Math.max(...formats.map((d) => d.bytes));
    assert.ok(formats.length >= 5 && total > Math.max(wav.length, largest) + MiB, `formats: ${formats.map((d) => `${d.kind} ${d.bytes}`).join(', ')}`);

    // The second file: uploaded, then the disk fills up so that the original's copy and the
    // first formats fit, but not all of them.
    const { creator: c2, itemId } = await creatorWithItem(t, { tier: 'big_files', type: 'audio' });
    const up = await uploadBytes(t, c2, { itemId }, 'noise.wav', wav, 'audio/wav');
    const leave = Math.max(wav.length, largest) + MiB / 4;
    assert.ok(leave < total, 'the formats cannot all fit');
    disk.fill(leave);
    await t.drainJobs();

    const check = async () => {
      const row = (await fileRows(t, c2.viewer.id))[0]!;
      assert.notEqual(row.state, 'ready');
      assert.deepEqual(await derivativeRows(t, up.id), [], 'no derivative rows');
      const objects = await t.deps.store.list(`media/${c2.viewer.id}/`);
      assert.deepEqual(objects.map((o) => o.key), [row.object_key], 'only the original is stored');
      assert.equal(sha256(await readAll(t, row.object_key!)), sha256(wav), 'the original is intact');
      assert.deepEqual(filesUnder(path.join(disk.dir, 'storage', 'tmp')), []);
      return row;
    };
    const afterFirst = await check();
    assert.equal(afterFirst.state, 'processing', 'the queue retries it');
    assert.equal(afterFirst.state_reason, null);
    assert.deepEqual((await jobsOf(t, up.id)).map((j) => j.attempts), [1]);

    // The queue's later attempts (made due now rather than after their backoff) meet the same disk.
    for (let attempt = 2; attempt <= 5; attempt++) {
      await sql`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE payload->>'fileId' = ${up.id}`.execute(t.deps.db);
      await t.drainJobs();
      assert.deepEqual((await jobsOf(t, up.id)).map((j) => j.attempts), [attempt]);
    }
    const failed = await check();
    assert.equal(failed.state, 'failed');
    assert.equal(failed.state_reason, refusedProcessing(new WriteRefused(true, 'no space left on the storage disk'), 5));
    const page = await c2.client.get(`/dashboard/items/${itemId}/edit?step=details`);
    assert.match(page.html, /The server&#39;s file storage was full while processing this file \(tried 5 times\)\. Nothing half-made was kept and your original is safe: press Reprocess/);

    disk.unfill();
    const again = await c2.client.post(`/dashboard/media/${up.id}/reprocess`, {});
    assert.equal(again.status, 303);
    await t.drainJobs();
    assert.equal((await fileRows(t, c2.viewer.id))[0]!.state, 'ready');
    assert.deepEqual((await derivativeRows(t, up.id)).map((d) => d.kind), formats.map((d) => d.kind), 'the whole set, once');
  });
});

describe('S3 backend on a full disk (s3rver)', () => {
  let disk: SmallDisk;
  let s3: TestS3;
  let t: TestApp;
  before(async () => {
    // Room for s3rver's own leak: a completion it failed keeps its parts' files open (read
    // streams never closed), so their space stays taken until the process ends.
    disk = smallDisk(48);
    s3 = await startS3('makenot-test', disk.dir);
    t = await createTestApp(s3.env);
  });
  after(async () => {
    await t?.close();
    await s3?.close();
    disk?.unmount();
  });

  test('the one-request form: a clear message, nothing recorded, and not even an empty object left', async () => {
    const { creator, itemId } = await creatorWithItem(t, { tier: 'big_files' });
    const id0 = creator.viewer.id;
    disk.fill(MiB);
    const res = await postForm(creator.client, `/dashboard/items/${itemId}/files/upload`, 'form.bin', randomBytes(4 * MiB));
    assert.equal(res.status, 303);
    const page = await creator.client.get(res.headers.get('location')!);
    // s3rver answers a full disk with a bare 500 InternalError: storage may be full, or down.
    assert.match(page.html, /File storage could not save this file \(storage answered 500 InternalError\), and nothing of it was kept\. It may be full or briefly unavailable/);
    assert.deepEqual(await fileRows(t, id0), []);
    assert.deepEqual(await t.deps.store.list(`incoming/${id0}/`), [], 'the store wrote in place: what it left is deleted');
    disk.unfill();
  });

  test('resumable: a part refused by the store, then a completion refused; nothing recorded, no half object; it completes once there is room', async () => {
    const { creator, itemId } = await creatorWithItem(t, { tier: 'big_files' });
    const id0 = creator.viewer.id;
    const data = randomBytes(12 * MiB);
    const start = await api(creator, 'POST', '/api/uploads', { fileName: 's3.bin', size: data.length, itemId });
    assert.equal(start.status, 201, JSON.stringify(start.json));
    const { id, partSize } = start.json as { id: string; partSize: number };
    const urls = (await api(creator, 'POST', `/api/uploads/${id}/part-urls`, { partNumbers: [1, 2] })).json.parts as { url: string }[];
    const part = (n: number) => data.subarray((n - 1) * partSize, n * partSize);

    // Parts go straight to the store, which answers for itself (the uploader shows its status).
    disk.fill(2 * MiB);
    const refusedPart = await putPart(t.deps.config.baseUrl, urls[0]!.url, part(1));
    assert.equal(refusedPart.status, 500, refusedPart.text);
    assert.match(refusedPart.text, /<Code>InternalError<\/Code>/);
    disk.unfill();

    const etags: string[] = [];
    for (const n of [1, 2]) {
      const res = await putPart(t.deps.config.baseUrl, urls[n - 1]!.url, part(n));
      assert.equal(res.status, 200, res.text);
      etags.push(res.etag);
    }
    const parts = etags.map((etag, i) => ({ partNumber: i + 1, etag }));
    disk.fill(MiB);
    const refused = await api(creator, 'POST', `/api/uploads/${id}/complete`, { parts });
    assert.equal(refused.status, 503, JSON.stringify(refused.json));
    assert.match(refused.json.error, /^File storage could not put your file together just now \(storage answered 500 InternalError\)\. It may be full or briefly unavailable\. The parts you sent are kept: press Try again/);
    const [row] = await fileRows(t, id0);
    assert.equal(row!.state, 'uploading');
    assert.deepEqual(await jobsOf(t, id), []);
    assert.deepEqual(await t.deps.store.list(`incoming/${id0}/`), [], 'the half-assembled object is deleted');

    disk.unfill();
    const done = await api(creator, 'POST', `/api/uploads/${id}/complete`, { parts });
    assert.equal(done.status, 200, JSON.stringify(done.json));
    await t.drainJobs();
    const ready = (await fileRows(t, id0))[0]!;
    assert.equal(ready.state, 'ready', JSON.stringify(await sql`SELECT last_error FROM graphile_worker._private_jobs WHERE payload->>'fileId' = ${id}`.execute(t.deps.db)) + execFileSync('du', ['-ab', disk.dir]).toString());
    assert.equal(ready.sha256, sha256(data));
  });
});

async function readAll(t: TestApp, key: string) {
  const got = await t.deps.store.get(key);
  const chunks: Buffer[] = [];
  for await (const c of got.body as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}
