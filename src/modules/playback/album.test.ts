// Album zips: built by the worker on first request with visible progress, cached, shared by
// buyers of the same set, rebuilt when a track changes, and unpacked by Info-ZIP's unzip with
// the right (Unicode) names and the stored bytes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { checkoutKey } from '../../../test/support/commerce.ts';
import { publishedProject, signUpCreator, signUpUser, type TestUser } from '../../../test/support/factories.ts';
import { uploadThroughPipeline } from '../../../test/support/uploads.ts';
import { WESNOTH_MUSIC_DIR } from '../media/processing/fixtures.ts';

let t: TestApp;
let creator: TestUser;
let projectId = '';
let items: string[] = [];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'album-test-'));

before(async () => {
  t = await createTestApp();
  creator = await signUpCreator(t, { currency: 'JPY' });
  await creator.client.get('/dashboard');
  const notes = path.join(scratch, 'Liner notes — ünïcode.txt');
  fs.writeFileSync(notes, 'Recorded live in the forest.\n');
  const upload = (file: string) => (id: string) => uploadThroughPipeline(t, creator, id, file);
  const made = await publishedProject(t, creator, 'Песни / Songs: 🌲 Forest', [
    { type: 'audio', title: 'Ouverture', fields: { price_kind: 'fixed', price_amount: '300' }, file: upload(path.join(WESNOTH_MUSIC_DIR, 'victory.ogg')) },
    { type: 'audio', title: 'Ночь: 🌙', fields: { price_kind: 'fixed', price_amount: '300' }, file: upload(path.join(WESNOTH_MUSIC_DIR, 'defeat.ogg')) },
    { type: 'download', title: 'Liner notes', fields: { price_kind: 'fixed', price_amount: '100' }, file: upload(notes) },
  ]);
  projectId = made.project.id;
  items = made.itemIds;
});
after(async () => {
  await t.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function buy(user: TestUser, itemId: string) {
  await user.client.get(`/i/${itemId}`);
  const res = await user.client.post(`/i/${itemId}/checkout`, { checkout_key: checkoutKey() });
  await user.client.post(res.headers.get('location')!, { outcome: 'pay' });
}

function unzipList(zip: Buffer): string[] {
  const file = path.join(scratch, `z${Date.now()}.zip`);
  fs.writeFileSync(file, zip);
  return execFileSync('unzip', ['-Z1', file], { env: { ...process.env, LC_ALL: 'C.UTF-8' } }).toString('utf8').trim().split('\n');
}
function unzipEntry(zip: Buffer, name: string): Buffer {
  const file = path.join(scratch, `e${Date.now()}.zip`);
  fs.writeFileSync(file, zip);
  // unzip treats the name as a wildcard pattern: escape its special characters.
  return execFileSync('unzip', ['-p', file, name.replace(/[[\]*?]/g, '\\$&')], { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
}

async function fetchZip(user: TestUser, format: string) {
  const start = await user.client.get(`/download/album/${projectId}/${format}`);
  let location = start.headers.get('location')!;
  let started: string | null = null;
  if (start.status === 303) {
    assert.match(location, /\/wait$/);
    const waiting = await user.client.get(location);
    assert.equal(waiting.status, 200);
    assert.match(waiting.html, /Preparing your download/);
    assert.match(waiting.html, /<progress max="[1-9]\d*" value="0"/);
    assert.match(waiting.html, /hx-trigger="every 2s"/, 'polled with htmx');
    assert.ok(waiting.html.includes('<noscript><meta http-equiv="refresh" content="3"></noscript>'), 'refreshed without JavaScript, and only then');
    assert.equal(waiting.html.match(/http-equiv="refresh"/g)?.length, 1);
    await t.drainJobs();
    const ready = await user.client.get(location);
    assert.match(ready.html, /Your download is ready/);
    // The browser starts the download once per zip (player.js), so the card names this one.
    started = /data-autostart-download="([0-9a-f-]{36})"/.exec(ready.html)?.[1] ?? null;
    assert.ok(started, 'the ready card names its zip');
    const again = await user.client.get(`/download/album/${projectId}/${format}`);
    assert.equal(again.status, 302);
    location = again.headers.get('location')!;
  } else {
    assert.equal(start.status, 302);
  }
  const res = await t.app.request(location);
  assert.equal(res.status, 200);
  return { res, zip: Buffer.from(await res.arrayBuffer()), started };
}

test('the owner downloads the album as a zip with safe Unicode names in track order', async () => {
  const { res, zip } = await fetchZip(creator, 'mp3-320');
  const disposition = res.headers.get('content-disposition')!;
  assert.match(decodeURIComponent(disposition), /Песни - Songs- 🌲 Forest \(MP3 320\)\.zip$/);
  const folder = `${creator.viewer.displayName} - Песни - Songs- 🌲 Forest`;
  assert.deepEqual(unzipList(zip), [`${folder}/01 Ouverture.mp3`, `${folder}/02 Ночь- 🌙.mp3`, `${folder}/Liner notes — ünïcode.txt`]);
  assert.equal(unzipEntry(zip, `${folder}/Liner notes — ünïcode.txt`).toString(), 'Recorded live in the forest.\n');
  const mp3 = unzipEntry(zip, `${folder}/01 Ouverture.mp3`);
  const row = await t.deps.db.selectFrom('media_derivatives as d').innerJoin('media_files as f', 'f.id', 'd.media_file_id')
    .select(['d.bytes']).where('f.item_id', '=', items[0]!).where('d.kind', '=', 'download-mp3-320').executeTakeFirstOrThrow();
  assert.equal(mp3.length, row.bytes);
  assert.equal(mp3.subarray(0, 3).toString('latin1'), 'ID3', 'a tagged MP3');
  // Cached: a second request redirects at once, to the same object.
  const cached = await creator.client.get(`/download/album/${projectId}/mp3-320`);
  assert.equal(cached.status, 302);
});

test('a buyer of one track gets a zip of what they own; visitors are refused', async () => {
  const visitor = await signUpUser(t);
  assert.equal((await visitor.client.get(`/download/album/${projectId}/original`)).status, 403);
  const page = await visitor.client.get(`/@${creator.viewer.username}/${(await t.deps.db.selectFrom('projects').select('slug').where('id', '=', projectId).executeTakeFirstOrThrow()).slug}`);
  assert.doesNotMatch(page.html, /\/download\/album\//, 'no album download offered to a visitor');
  await buy(visitor, items[1]!);
  const { zip } = await fetchZip(visitor, 'original');
  const names = unzipList(zip);
  assert.equal(names.length, 1);
  assert.match(names[0]!, /\/02 Ночь- 🌙\.ogg$/);
  assert.deepEqual(unzipEntry(zip, names[0]!), fs.readFileSync(path.join(WESNOTH_MUSIC_DIR, 'defeat.ogg')));
  assert.equal((await visitor.client.get(`/download/album/${projectId}/flac`)).status, 404, 'a format the album does not have');
});

test('a changed track means a new zip', async () => {
  const before = await t.deps.db.selectFrom('album_zips').select(['id', 'content_hash']).where('project_id', '=', projectId).where('format', '=', 'mp3-320').execute();
  await t.deps.db.updateTable('items').set({ title: 'Ouverture (remaster)' }).where('id', '=', items[0]!).execute();
  const { zip, started } = await fetchZip(creator, 'mp3-320');
  assert.match(unzipList(zip)[0]!, /01 Ouverture \(remaster\)\.mp3$/);
  const afterRows = await t.deps.db.selectFrom('album_zips').select(['id', 'content_hash']).where('project_id', '=', projectId).where('format', '=', 'mp3-320').execute();
  assert.equal(afterRows.length, before.length + 1);
  // Same address, new zip: the ready card names the new one, so the browser starts it again.
  const built = afterRows.find((r) => !before.some((b) => b.id === r.id))!;
  assert.equal(started, built.id);
});
