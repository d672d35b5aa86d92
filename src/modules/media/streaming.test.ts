// Large bodies stream: 50 MB through the no-JavaScript one-request form and 50 MB as a single
// part through a signed part URL, while this process's memory stays far below the file size
// (a buffering implementation would hold the whole 50 MB at once).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { creatorWithItem } from '../../../test/support/uploads.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

const MB = 1024 * 1024;
const TOTAL = 50 * MB;
const chunk = randomBytes(MB); // the same 1 MB sent 50 times: only a copy could grow memory
const expectedSha = (() => { const h = createHash('sha256'); for (let i = 0; i < 50; i++) h.update(chunk); return h.digest('hex'); })();

function streamOf(prefix: Buffer, suffix: Buffer) {
  let i = -1;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i === -1) controller.enqueue(new Uint8Array(prefix));
      else if (i < 50) controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      else if (i === 50) controller.enqueue(new Uint8Array(suffix));
      else controller.close();
      i++;
    },
  });
}

/** Peak growth of heap + buffers over the baseline while `work` runs. */
async function peakGrowth(work: () => Promise<void>) {
  const used = () => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
  const base = used();
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, used()); }, 5);
  try { await work(); } finally { clearInterval(timer); }
  return Math.max(peak, used()) - base;
}

test('the one-request form streams a 50 MB file to storage', async () => {
  const { creator, itemId } = await creatorWithItem(t, { tier: 'big_files' });
  const boundary = '----makenot-test-boundary';
  const prefix = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${creator.client.csrf}\r\n`
    + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Live: 🎸 حفلة.wav"\r\nContent-Type: audio/wav\r\n\r\n`);
  const suffix = Buffer.from(`\r\n--${boundary}--\r\n`);
  let res!: Response;
  const growth = await peakGrowth(async () => {
    res = await creator.client.send(`/dashboard/items/${itemId}/files/upload`, {
      method: 'POST', body: streamOf(prefix, suffix), duplex: 'half',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(prefix.length + TOTAL + suffix.length) },
    } as RequestInit & { headers: Record<string, string> });
  });
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location') ?? '', new RegExp(`/dashboard/items/${itemId}/edit`));
  assert.ok(growth < 24 * MB, `memory grew by ${Math.round(growth / MB)} MB for a 50 MB upload`);
  const row = await t.deps.db.selectFrom('media_files').selectAll().where('item_id', '=', itemId).executeTakeFirstOrThrow();
  assert.equal(row.original_name, 'Live: 🎸 حفلة.wav');
  assert.equal(row.state, 'uploaded');
  assert.equal(row.bytes, TOTAL);
  await t.drainJobs();
  const ready = await t.deps.db.selectFrom('media_files').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
  assert.equal(ready.state, 'ready');
  assert.equal(ready.sha256, expectedSha);
});

test('the one-request form checks the CSRF field and the tier limit before storing anything', async () => {
  const { creator, itemId } = await creatorWithItem(t); // basic: 10 MB per file
  const post = async (token: string, size: number) => {
    const boundary = 'b0undary';
    const prefix = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n`);
    const suffix = Buffer.from(`\r\n--${boundary}--\r\n`);
    const body = Buffer.concat([prefix, randomBytes(size), suffix]);
    const res = await creator.client.send(`/dashboard/items/${itemId}/files/upload`, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    const page = await creator.client.get(res.headers.get('location')!);
    return page.html;
  };
  assert.match(await post('forged', 100), /This form has expired or was sent from another site/);
  assert.match(await post(creator.client.csrf, 10_000_100), /up to 10 MB per file/);
  assert.equal(await t.deps.db.selectFrom('media_files').select('id').where('item_id', '=', itemId).executeTakeFirst(), undefined);
  assert.deepEqual(await t.deps.store.list(`incoming/${creator.viewer.id}/`), []);
  assert.match(await post(creator.client.csrf, 100), /Uploaded \(100 bytes\)/);
});

test('a 50 MB part streams through its signed part URL to disk', async () => {
  const id = await t.deps.store.createMultipart('stream/part.bin', { partSize: 64 * MB });
  const url = await t.deps.store.presignPart('stream/part.bin', id, 1, { expiresInSeconds: 60 });
  let res!: Response;
  const growth = await peakGrowth(async () => {
    res = await t.app.request(url, { method: 'PUT', body: streamOf(Buffer.alloc(0), Buffer.alloc(0)), duplex: 'half', headers: { 'content-length': String(TOTAL) } } as RequestInit);
  });
  assert.equal(res.status, 200);
  assert.ok(growth < 24 * MB, `memory grew by ${Math.round(growth / MB)} MB for a 50 MB part`);
  const [part] = await t.deps.store.listParts('stream/part.bin', id);
  assert.equal(part?.size, TOTAL);
  await t.deps.store.completeMultipart('stream/part.bin', id, [{ partNumber: 1, etag: part!.etag }]);
  const h = createHash('sha256');
  for await (const c of (await t.deps.store.get('stream/part.bin')).body) h.update(c as Buffer);
  assert.equal(h.digest('hex'), expectedSha);
});
