// The same upload protocol on the S3 backend, against a real S3 protocol server that checks
// SigV4: parts go straight to storage through presigned URLs; the worker moves the original.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { startS3, type TestS3 } from '../../../test/support/s3.ts';
import { api, creatorWithItem } from '../../../test/support/uploads.ts';

let s3: TestS3;
let t: TestApp;
before(async () => {
  s3 = await startS3();
  t = await createTestApp(s3.env);
});
after(async () => {
  await t.close();
  await s3.close();
});

test('S3: presigned part PUTs, complete, processed to ready; wrong sizes refused', async () => {
  assert.equal(t.deps.store.kind, 's3');
  const { creator, itemId } = await creatorWithItem(t, { tier: 'big_files' });
  const page = await creator.client.get(`/dashboard/items/${itemId}/edit?step=details`);
  assert.match(page.headers.get('content-security-policy') ?? '', new RegExp(`connect-src 'self' ${s3.endpoint}`), 'the browser may PUT parts to the store');
  const data = randomBytes(8 * 1024 * 1024 + 777);
  const start = await api(creator, 'POST', '/api/uploads', { fileName: 'take 2.wav', size: data.length, type: 'audio/wav', itemId });
  assert.equal(start.status, 201, JSON.stringify(start.json));
  const { id, partSize } = start.json;
  const { parts } = (await api(creator, 'POST', `/api/uploads/${id}/part-urls`, { partNumbers: [1, 2] })).json;
  assert.ok(parts[0].url.startsWith(s3.endpoint), 'parts go straight to storage');
  const etags: string[] = [];
  for (const [i, p] of (parts as { url: string }[]).entries()) {
    const body = data.subarray(i * partSize, (i + 1) * partSize);
    const res = await fetch(p.url, { method: 'PUT', body });
    assert.equal(res.status, 200, await res.text());
    etags.push(res.headers.get('etag')!);
  }
  const forged = await fetch(parts[0].url.replace(/X-Amz-Signature=./, 'X-Amz-Signature=0'), { method: 'PUT', body: 'x' });
  assert.equal(forged.status, 403, 'a forged part URL is refused by storage');
  const missing = await api(creator, 'POST', `/api/uploads/${id}/complete`, { parts: [{ partNumber: 1, etag: etags[0] }] });
  assert.equal(missing.status, 409);
  const done = await api(creator, 'POST', `/api/uploads/${id}/complete`, { parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) });
  assert.equal(done.status, 200, JSON.stringify(done.json));
  await t.drainJobs();
  const row = await t.deps.db.selectFrom('media_files').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  assert.equal(row.state, 'ready');
  assert.equal(row.sha256, createHash('sha256').update(data).digest('hex'));
  assert.equal(await t.deps.store.head(row.incoming_key), null);
  assert.equal((await t.deps.store.head(row.object_key!))?.size, data.length);

  // A short last part: storage assembles it, the size check refuses it and keeps nothing.
  const short = await api(creator, 'POST', '/api/uploads', { fileName: 'short.bin', size: 1000, itemId });
  const [sp] = (await api(creator, 'POST', `/api/uploads/${short.json.id}/part-urls`, { partNumbers: [1] })).json.parts;
  const put = await fetch(sp.url, { method: 'PUT', body: randomBytes(999) });
  const refused = await api(creator, 'POST', `/api/uploads/${short.json.id}/complete`, { parts: [{ partNumber: 1, etag: put.headers.get('etag') }] });
  assert.equal(refused.status, 422);
  assert.match(refused.json.error, /999 bytes, not the 1 KB/);
  assert.equal(await t.deps.db.selectFrom('media_files').select('id').where('id', '=', short.json.id).executeTakeFirst(), undefined);
  assert.deepEqual((await t.deps.store.list(`incoming/${creator.viewer.id}/`)).map((o) => o.key), []);

  assert.deepEqual(await (await t.app.request('/readyz')).json(), { status: 'ready', database: 'up', storage: 'up' });
});

test('storage down: readyz says so and pages still render', async () => {
  const down = await createTestApp({ ...s3.env, S3_ENDPOINT: 'http://127.0.0.1:9' });
  try {
    assert.deepEqual(await (await down.app.request('/readyz')).json(), { status: 'ready', database: 'up', storage: 'down' });
    const { creator, itemId } = await creatorWithItem(down);
    const page = await creator.client.get(`/dashboard/items/${itemId}/edit?step=details`);
    assert.equal(page.status, 200);
    assert.equal((await down.app.request('/')).status, 200);
    const start = await api(creator, 'POST', '/api/uploads', { fileName: 'x.bin', size: 10, itemId });
    assert.equal(start.status, 503);
    assert.match(start.json.error, /storage is unreachable/);
    assert.equal(await down.deps.db.selectFrom('media_files').select('id').executeTakeFirst(), undefined);
  } finally {
    await down.close();
  }
});
