// The demo content: seeded once through the real services, and its media through the real
// upload pipeline (incoming object → media_process job → ready), never as finished rows.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ensureDemoContent } from '../src/seed.ts';
import { createTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

test('demo content is seeded once through the real services and pipeline, and is browsable', async () => {
  await ensureDemoContent(t.deps);
  await ensureDemoContent(t.deps); // a restart must not duplicate anything
  const items = await t.deps.db.selectFrom('items').select(['id', 'type', 'status', 'title']).execute();
  assert.equal(items.length, 8);
  assert.deepEqual([...new Set(items.map((i) => i.type))].sort(), ['audio', 'download', 'image', 'text', 'video']);
  assert.ok(items.every((i) => i.status === 'published'));

  // Queued, not finished: the seed only stored the uploads.
  const queued = await t.deps.db.selectFrom('media_files').select(['state', 'purpose', 'original_name']).execute();
  assert.equal(queued.length, 8, 'seven item files and the project cover');
  assert.ok(queued.every((f) => f.state === 'uploaded'), JSON.stringify(queued));

  await t.drainJobs();
  await ensureDemoContent(t.deps);
  const files = await t.deps.db.selectFrom('media_files').select(['id', 'state', 'state_reason', 'kind', 'purpose', 'item_id', 'metadata']).execute();
  assert.equal(files.length, 8);
  for (const f of files) assert.equal(f.state, 'ready', `${f.kind}: ${f.state_reason}`);
  const kinds = (kind: string) => files.filter((f) => f.kind === kind && f.purpose === 'item');
  assert.equal(kinds('audio').length, 4);
  assert.equal(kinds('video').length, 1);
  assert.equal(kinds('archive').length, 1);
  const cover = files.find((f) => f.purpose === 'project_cover')!;
  const project = await t.deps.db.selectFrom('projects').select(['cover_key', 'slug']).executeTakeFirstOrThrow();
  assert.ok(project.cover_key?.includes(cover.id), 'the cover is the project cover');
  for (const track of kinds('audio')) {
    const m = track.metadata as { embeddedCoverKey?: string; audio?: { duration: number } };
    assert.equal(m.embeddedCoverKey, project.cover_key, 'every track embeds the project cover');
    assert.ok((m.audio?.duration ?? 0) >= 19);
  }
  const derived = await t.deps.db.selectFrom('media_derivatives').select(['media_file_id', 'kind']).execute();
  const flacTrack = kinds('audio').find((f) => (f.metadata as { format?: string }).format === 'flac')!;
  assert.ok(derived.some((d) => d.media_file_id === flacTrack.id && d.kind === 'download-flac'), 'the lossless track offers FLAC');
  assert.ok(derived.some((d) => d.media_file_id === kinds('video')[0]!.id && d.kind === 'poster-webp'));

  const profile = await t.app.request('/@demo');
  assert.equal(profile.status, 200);
  assert.match(await profile.text(), /Night Buses/);
  const page = await t.app.request('/@demo/night-buses');
  const html = await page.text();
  assert.match(html, /Café Mélancolie/);
  assert.match(html, new RegExp(`<img class="cover cover-page" src="/media/images/${cover.id}/640\\.webp"`), 'the album shows cover.jpg');
  assert.match(html, new RegExp(`<img class="cover cover-thumb" src="/media/images/${cover.id}/320\\.webp"`), 'and so do its tracks');
  const image = await t.app.request(`/media/images/${cover.id}/640.webp`);
  assert.deepEqual([image.status, image.headers.get('content-type')], [200, 'image/webp']);
  // The print (an image item) shows its own image on discover.
  const print = kinds('image')[0]!;
  assert.match(await (await t.app.request('/discover')).text(), new RegExp(`/media/images/${print.id}/320\\.webp`));
});
