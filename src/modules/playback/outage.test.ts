// Object storage going away in the middle of a run (the S3 server is stopped, then started
// again): pages (with their cover images), search, sign-in and purchases keep working; the
// cover image route answers a plain uncached tile; streams, downloads and uploads
// say that storage is unavailable instead of failing silently; nothing answers 500; and
// everything works again once storage is back, without a restart.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { TestClient } from '../../../test/support/client.ts';
import { checkoutKey } from '../../../test/support/commerce.ts';
import { publishedProject, signUpCreator, signUpUser, type TestUser } from '../../../test/support/factories.ts';
import { startS3, type TestS3 } from '../../../test/support/s3.ts';
import { api, uploadBytes, uploadThroughPipeline } from '../../../test/support/uploads.ts';
import { WESNOTH_MUSIC_DIR } from '../media/processing/fixtures.ts';

let s3: TestS3;
let t: TestApp;
let creator: TestUser;
let fan: TestUser;
let itemId = '';
let other = '';
let fileId = '';
let slug = '';
let coverId = '';

before(async () => {
  s3 = await startS3();
  t = await createTestApp(s3.env);
  creator = await signUpCreator(t);
  fan = await signUpUser(t);
  const { project, itemIds } = await publishedProject(t, creator, 'Harbour Lights', [
    { type: 'audio', title: 'Lighthouse', fields: { price_kind: 'fixed', price_amount: '1.00' } },
    { type: 'download', title: 'Sheet music', fields: { price_kind: 'fixed', price_amount: '2.00' } },
  ]);
  [itemId = '', other = ''] = itemIds;
  slug = project.slug;
  await creator.client.get('/dashboard');
  fileId = await uploadThroughPipeline(t, creator, itemId, path.join(WESNOTH_MUSIC_DIR, 'defeat.ogg'));
  const cover = await sharp({ create: { width: 700, height: 700, channels: 3, background: '#335577' } }).jpeg().toBuffer();
  coverId = (await uploadBytes(t, creator, { target: 'project_cover', projectId: project.id }, 'cover.jpg', cover)).id;
  await t.drainJobs();
  await fan.client.get(`/i/${itemId}`);
  const res = await fan.client.post(`/i/${itemId}/checkout`, { checkout_key: checkoutKey() });
  await fan.client.post(res.headers.get('location')!, { outcome: 'pay' });
});
after(async () => {
  await t.close();
  await s3.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function playUrl(client: TestClient) {
  const res = await client.get(`/api/play/${fileId}`);
  return { status: res.status, json: JSON.parse(res.html) as { url?: string; error?: string } };
}

test('storage down: browsing, search, sign-in and buying work; streams and downloads say why; storage back: all works', async () => {
  const ok = await playUrl(fan.client);
  assert.equal(ok.status, 200);
  assert.equal((await fetch(ok.json.url!)).status, 200, 'streams straight from the S3 server');

  await s3.stop();
  await sleep(5_200); // the cached "storage is up" answer lasts five seconds
  const seen: number[] = [];
  const get = async (client: TestClient, p: string) => { const r = await client.get(p); seen.push(r.status); return r; };

  const ready = await t.app.request('/readyz');
  assert.equal(ready.status, 200, 'the app is ready: only storage is down');
  assert.equal((await ready.json() as { storage: string }).storage, 'down');
  const page = await get(fan.client, `/i/${itemId}`);
  assert.equal(page.status, 200);
  assert.match(page.html, /Streaming and downloads are temporarily unavailable/);
  const coverImg = new RegExp(`<img class="cover cover-page" src="/media/images/${coverId}/640\\.webp"`);
  assert.match(page.html, coverImg, 'the cover is still on the page: its URL needs no storage');
  assert.match((await get(new TestClient(t.app), `/@${creator.viewer.username}/${slug}`)).html, coverImg);
  assert.match((await get(new TestClient(t.app), '/discover')).html, new RegExp(`/media/images/${coverId}/320\\.webp`));
  // The image itself: a plain tile an <img> can show, not cached, with when to try again.
  const tile = await t.app.request(`/media/images/${coverId}/640.webp`);
  seen.push(tile.status);
  assert.equal(tile.status, 503);
  assert.deepEqual([tile.headers.get('content-type'), tile.headers.get('cache-control'), tile.headers.get('retry-after')], ['image/svg+xml', 'no-store', '30']);
  assert.match(await tile.text(), /^<svg /);
  assert.match((await get(new TestClient(t.app), '/search?q=lighthouse')).html, /Lighthouse/);

  const down = await playUrl(fan.client);
  assert.equal(down.status, 503);
  assert.match(down.json.error!, /temporarily unavailable/);
  const noJs = await get(fan.client, `/play/${fileId}`);
  assert.equal(noJs.status, 503);
  assert.match(noJs.html, /temporarily unavailable/);
  const download = await get(fan.client, `/download/${fileId}/mp3-320`);
  assert.equal(download.status, 503);
  assert.match(download.html, /temporarily unavailable/);
  const upload = await api(creator, 'POST', '/api/uploads', { fileName: 'new.wav', size: 1000, itemId });
  assert.equal(upload.status, 503);
  assert.match(upload.json.error, /storage is unreachable/);

  // Sign-in and a purchase complete while storage is down.
  const visitor = new TestClient(t.app);
  await visitor.get('/login');
  const login = await visitor.post('/login', { identifier: fan.viewer.username, password: fan.password });
  assert.equal(login.status, 303);
  await get(visitor, `/i/${other}`);
  const checkout = await visitor.post(`/i/${other}/checkout`, { checkout_key: checkoutKey() });
  assert.equal(checkout.status, 303);
  const paid = await visitor.post(checkout.headers.get('location')!, { outcome: 'pay' });
  assert.equal(paid.status, 303);
  assert.match(paid.followed!.html, /Sheet music/, 'the purchase is in the library');
  assert.ok(!seen.includes(500), `no 500s: ${seen.join(',')}`);

  await s3.start();
  await sleep(2_200); // "down" is re-checked every two seconds
  const back = await playUrl(fan.client);
  assert.equal(back.status, 200);
  assert.equal((await fetch(back.json.url!)).status, 200, 'streams again, no restart needed');
  assert.doesNotMatch((await fan.client.get(`/i/${itemId}`)).html, /temporarily unavailable/);
  assert.equal((await fan.client.get(`/download/${fileId}/mp3-320`)).status, 302);
  const back2 = await t.app.request(`/media/images/${coverId}/640.webp`);
  assert.deepEqual([back2.status, back2.headers.get('content-type')], [200, 'image/webp'], 'the cover is served again');
});
