// Covers and avatars through the upload pipeline: WebP thumbnails with camera and location data
// removed, bombs refused, the image in use replaced (the old one deleted from storage), the
// public thumbnail route (cacheable, content-keyed, no cookies; image items' previews capped),
// removal, and the pages.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { signUpCreator } from '../../../test/support/factories.ts';
import { creatorWithItem, uploadBytes } from '../../../test/support/uploads.ts';
import { createItem } from '../catalog/items-service.ts';
import { createProject } from '../catalog/projects-service.ts';
import { makePngBomb } from './processing/fixtures-archives.ts';
import { readyMediaOfItems } from './ready-media.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

const gpsJpeg = (w: number, h: number, background = '#3a6ea5') => sharp({ create: { width: w, height: h, channels: 3, background } }).jpeg()
  .withExif({ IFD0: { Make: 'SecretCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' } })
  .toBuffer();
const fileRow = (id: string) => t.deps.db.selectFrom('media_files').selectAll().where('id', '=', id).executeTakeFirst();
const projectCover = async (id: string) => (await t.deps.db.selectFrom('projects').select('cover_key').where('id', '=', id).executeTakeFirstOrThrow()).cover_key;

async function projectOf() {
  const creator = await signUpCreator(t);
  const project = await createProject(t.deps, creator.viewer, { title: 'Covered', description: '' });
  await creator.client.get(`/dashboard/projects/${project.id}`);
  return { creator, projectId: project.id };
}

test('a project cover: thumbnails without EXIF/GPS, served publicly with long caching keyed by the file', async () => {
  const { creator, projectId } = await projectOf();
  const up = await uploadBytes(t, creator, { target: 'project_cover', projectId }, 'holiday photo.jpg', await gpsJpeg(1500, 1000));
  const pending = await creator.client.get(`/dashboard/projects/${projectId}`);
  assert.match(pending.html, /Processing holiday photo\.jpg…/);
  assert.match(pending.html, /hx-trigger="every 2s, media-changed from:body"/, 'the slot polls while the image is processed');
  await t.drainJobs();
  const row = (await fileRow(up.id))!;
  assert.equal(row.state, 'ready', row.state_reason ?? '');
  assert.equal(await projectCover(projectId), row.object_key);

  const page = await creator.client.get(`/dashboard/projects/${projectId}`);
  const src = new RegExp(`/media/images/${up.id}/320\\.webp`);
  assert.match(page.html, src, 'the project page shows the cover');
  assert.doesNotMatch(page.html, /Processing holiday/);
  assert.match((await creator.client.get('/dashboard')).html, new RegExp(`<img class="cover cover-thumb" src="/media/images/${up.id}/320\\.webp"`), 'and the dashboard lists it');

  for (const [w, expected] of [[320, 320], [640, 640], [1280, 1280]] as const) {
    const res = await t.app.request(`/media/images/${up.id}/${w}.webp`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/webp');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(res.headers.get('set-cookie'), null, 'shared caches may keep it: no cookie');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    assert.deepEqual([meta.format, meta.width], ['webp', expected]);
    assert.equal(meta.exif, undefined, 'no camera or GPS data');
    const etag = res.headers.get('etag')!;
    assert.equal((await t.app.request(`/media/images/${up.id}/${w}.webp`, { headers: { 'if-none-match': etag } })).status, 304);
  }
  for (const bad of [`/media/images/${up.id}/500.webp`, `/media/images/${up.id}/320.png`, '/media/images/00000000-0000-0000-0000-000000000000/320.webp', '/media/images/nope/320.webp']) {
    assert.equal((await t.app.request(bad)).status, 404, bad);
  }
});

test('a small image is never enlarged: every width serves the one thumbnail there is', async () => {
  const { creator, projectId } = await projectOf();
  const up = await uploadBytes(t, creator, { target: 'project_cover', projectId }, 'tiny.png', await sharp({ create: { width: 200, height: 200, channels: 3, background: '#aa0000' } }).png().toBuffer());
  await t.drainJobs();
  const res = await t.app.request(`/media/images/${up.id}/1280.webp`);
  assert.equal(res.status, 200);
  assert.equal((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width, 200);
});

test('replacing a cover deletes the old one and its stored objects', async () => {
  const { creator, projectId } = await projectOf();
  const first = await uploadBytes(t, creator, { target: 'project_cover', projectId }, 'one.jpg', await gpsJpeg(700, 700, '#ff0000'));
  await t.drainJobs();
  const old = (await fileRow(first.id))!;
  assert.ok((await t.deps.store.list(`media/${creator.viewer.id}/${first.id}/`)).length >= 2);
  const second = await uploadBytes(t, creator, { target: 'project_cover', projectId }, 'two.jpg', await gpsJpeg(700, 700, '#00ff00'));
  await t.drainJobs(); // processing, then the purge it queued
  await t.drainJobs();
  assert.equal(await projectCover(projectId), (await fileRow(second.id))!.object_key);
  assert.equal(await fileRow(first.id), undefined, 'the replaced cover is deleted');
  assert.deepEqual(await t.deps.store.list(`media/${creator.viewer.id}/${first.id}/`), [], 'and its objects are purged');
  assert.equal(await t.deps.store.head(old.object_key!), null);
  assert.equal((await t.app.request(`/media/images/${first.id}/320.webp`)).status, 404);

  const removed = await creator.client.post(`/dashboard/media/image-slot/remove?target=project_cover&projectId=${projectId}`, {});
  assert.equal(removed.status, 303);
  await t.drainJobs();
  assert.equal(await projectCover(projectId), null);
  assert.deepEqual(await t.deps.store.list(`media/${creator.viewer.id}/${second.id}/`), []);
  assert.match((await creator.client.get(`/dashboard/projects/${projectId}`)).html, /No cover yet\./);
});

test('a decompression bomb or a non-image is refused with the reason on the page; the old cover stays', async () => {
  const { creator, projectId } = await projectOf();
  const good = await uploadBytes(t, creator, { target: 'project_cover', projectId }, 'good.jpg', await gpsJpeg(400, 400));
  await t.drainJobs();
  const bomb = await uploadBytes(t, creator, { target: 'project_cover', projectId }, 'bomb.png', makePngBomb(100_000, 100_000));
  await t.drainJobs();
  const row = (await fileRow(bomb.id))!;
  assert.equal(row.state, 'failed');
  assert.match(row.state_reason ?? '', /100000 × 100000 pixels.*decompression bomb/);
  assert.equal(await projectCover(projectId), (await fileRow(good.id))!.object_key, 'the cover in use is kept');
  const text = await uploadBytes(t, creator, { target: 'project_cover', projectId }, 'cover.jpg', Buffer.from('not an image at all'));
  await t.drainJobs();
  assert.match((await fileRow(text.id))!.state_reason ?? '', /not a supported image file/);
  const page = await creator.client.get(`/dashboard/projects/${projectId}`);
  assert.match(page.html, /cover\.jpg could not be used: not a supported image file/);
});

test('an item cover and an avatar, through their pages; the no-JavaScript form works too', async () => {
  const { creator, itemId } = await creatorWithItem(t, { type: 'audio' });
  const item = await uploadBytes(t, creator, { target: 'item_cover', itemId }, 'item.jpg', await gpsJpeg(640, 640));
  await creator.client.get('/dashboard/settings');
  const avatar = await uploadBytes(t, creator, { target: 'avatar' }, 'me.jpg', await gpsJpeg(512, 512));
  await t.drainJobs();
  const itemPage = await creator.client.get(`/dashboard/items/${itemId}/edit?step=details`);
  assert.match(itemPage.html, new RegExp(`/media/images/${item.id}/320\\.webp`));
  const settings = await creator.client.get('/dashboard/settings');
  assert.match(settings.html, new RegExp(`/media/images/${avatar.id}/320\\.webp`));
  const avatarKey = (await t.deps.db.selectFrom('creators').select('avatar_key').where('user_id', '=', creator.viewer.id).executeTakeFirstOrThrow()).avatar_key;
  assert.equal(avatarKey, (await fileRow(avatar.id))!.object_key);
  assert.doesNotMatch(itemPage.html, /item\.jpg<\/bdi>/, "a cover is not one of the item's files");
  assert.deepEqual(await readyMediaOfItems(t.deps, [itemId]), [], 'nor does playback offer it');

  // Without JavaScript: one multipart request to the form's action.
  const boundary = '----cover-boundary';
  const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#123456' } }).png().toBuffer();
  const body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${creator.client.csrf}\r\n`
    + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="plain form.png"\r\nContent-Type: image/png\r\n\r\n`), png, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const res = await creator.client.send('/dashboard/media/upload?target=avatar', { method: 'POST', body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/dashboard/settings#avatar');
  await t.drainJobs();
  await t.drainJobs();
  const files = await t.deps.db.selectFrom('media_files').select(['original_name', 'state']).where('creator_id', '=', creator.viewer.id).where('purpose', '=', 'avatar').execute();
  assert.deepEqual(files, [{ original_name: 'plain form.png', state: 'ready' }], 'the new avatar replaced the old one');

  // An image item's own image (for sale at full size) is served only as its preview: at most 640 px.
  const project = await createProject(t.deps, creator.viewer, { title: 'Prints', description: '' });
  const print = await createItem(t.deps, creator.viewer, project.id, { type: 'image', title: 'Print' });
  const forSale = await uploadBytes(t, creator, { itemId: print }, 'print.jpg', await gpsJpeg(1400, 1000));
  await t.drainJobs();
  assert.equal((await fileRow(forSale.id))!.state, 'ready');
  const preview = await t.app.request(`/media/images/${forSale.id}/1280.webp`);
  assert.equal(preview.status, 200);
  const meta = await sharp(Buffer.from(await preview.arrayBuffer())).metadata();
  assert.deepEqual([meta.width, meta.exif], [640, undefined], 'capped, and without camera or GPS data');
});
