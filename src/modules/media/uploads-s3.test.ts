// What only the S3 backend has (the shared upload suite in uploads.test.ts runs on both):
// the store's origin in the CSP, signatures checked by the store itself, and storage outages.
import assert from 'node:assert/strict';
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

test('S3 only: the browser may PUT to the store, and storage itself refuses a forged part URL', async () => {
  assert.equal(t.deps.store.kind, 's3');
  const { creator, itemId } = await creatorWithItem(t, { tier: 'big_files' });
  const page = await creator.client.get(`/dashboard/items/${itemId}/edit?step=details`);
  assert.match(page.headers.get('content-security-policy') ?? '', new RegExp(`connect-src 'self' ${s3.endpoint}`), 'the browser may PUT parts to the store');
  const start = await api(creator, 'POST', '/api/uploads', { fileName: 'take 2.wav', size: 1000, type: 'audio/wav', itemId });
  const { parts } = (await api(creator, 'POST', `/api/uploads/${start.json.id}/part-urls`, { partNumbers: [1] })).json;
  // The first hex digit of the signature changed to another one (never the same digit).
  const forgedUrl = parts[0].url.replace(/X-Amz-Signature=(.)/, (_: string, d: string) => `X-Amz-Signature=${d === '0' ? '1' : '0'}`);
  const forged = await fetch(forgedUrl, { method: 'PUT', body: 'x' });
  assert.equal(forged.status, 403, 'a forged part URL is refused by storage');
  const expired = await fetch(parts[0].url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=1'), { method: 'PUT', body: 'x' });
  assert.equal(expired.status, 403, 'changing the expiry breaks the signature');
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
