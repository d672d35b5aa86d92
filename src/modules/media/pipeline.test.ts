// What processing is told about the item: the catalog's title, creator, project and track
// number are written into every download format, the cover (item's, else project's, else the
// file's own picture) is embedded, and the item type decides what content is accepted.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { signUpCreator, type TestUser } from '../../../test/support/factories.ts';
import { uploadBytes } from '../../../test/support/uploads.ts';
import { createItem } from '../catalog/items-service.ts';
import { createProject } from '../catalog/projects-service.ts';
import { makeZip } from './processing/fixtures-archives.ts';

let t: TestApp;
let dir: string;
before(async () => { t = await createTestApp(); dir = mkdtempSync(path.join(os.tmpdir(), 'makenot-pipeline-')); });
after(async () => { await t.close(); rmSync(dir, { recursive: true, force: true }); });

const ff = (...args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
/** A 2 s tone as WAV, tagged with a title of its own (which the catalog's must override). */
function toneWav(title = 'Title in the file', track = '') {
  ff('-f', 'lavfi', '-i', 'sine=frequency=330:duration=2', '-metadata', `title=${title}`, ...(track ? ['-metadata', `track=${track}`] : []),
    '-f', 'wav', path.join(dir, 'tone.wav'));
  return execFileSync('cat', [path.join(dir, 'tone.wav')]);
}
const solid = (w: number, h: number, background: string) => sharp({ create: { width: w, height: h, channels: 3, background } }).jpeg().toBuffer();

async function ffprobeObject(key: string) {
  const file = path.join(dir, `probe-${Math.random().toString(36).slice(2)}`);
  const got = await t.deps.store.get(key);
  const chunks: Buffer[] = [];
  for await (const c of got.body as AsyncIterable<Buffer>) chunks.push(c);
  writeFileSync(file, Buffer.concat(chunks));
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]).toString()) as {
    format: { tags?: Record<string, string> }; streams: { codec_type: string; width?: number; disposition?: { attached_pic?: number } }[];
  };
}

async function fileRow(id: string) {
  return t.deps.db.selectFrom('media_files').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
async function derivativeKey(fileId: string, kind: string) {
  return (await t.deps.db.selectFrom('media_derivatives').select('object_key').where('media_file_id', '=', fileId).where('kind', '=', kind).executeTakeFirstOrThrow()).object_key;
}

async function creatorNamed(displayName: string): Promise<TestUser> {
  const creator = await signUpCreator(t, { tier: 'small_files' });
  await t.deps.db.updateTable('users').set({ display_name: displayName }).where('id', '=', creator.viewer.id).execute();
  return { ...creator, viewer: { ...creator.viewer, displayName } };
}

test('catalog tags and the project cover are written into the downloads; the item cover wins over it', async () => {
  const creator = await creatorNamed('Ada Lovelace 🎹');
  const project = await createProject(t.deps, creator.viewer, { title: 'Night Buses', description: '' });
  await createItem(t.deps, creator.viewer, project.id, { type: 'video', title: 'Not a track' });
  await createItem(t.deps, creator.viewer, project.id, { type: 'audio', title: 'First track' });
  const second = await createItem(t.deps, creator.viewer, project.id, { type: 'audio', title: 'Café at 3 a.m.' });
  await creator.client.get(`/dashboard/projects/${project.id}`);

  // The project cover goes through the same pipeline as an image; it becomes the project's.
  const cover = await uploadBytes(t, creator, { target: 'project_cover', projectId: project.id }, 'cover.jpg', await solid(500, 500, '#2040c0'));
  await t.drainJobs();
  assert.equal((await fileRow(cover.id)).state, 'ready');
  const coverKey = (await t.deps.db.selectFrom('projects').select('cover_key').where('id', '=', project.id).executeTakeFirstOrThrow()).cover_key;
  assert.equal(coverKey, (await fileRow(cover.id)).object_key);

  const track = await uploadBytes(t, creator, { itemId: second }, 'take-7.wav', toneWav());
  await t.drainJobs();
  const row = await fileRow(track.id);
  assert.equal(row.state, 'ready', row.state_reason ?? '');
  for (const kind of ['download-mp3-320', 'download-flac', 'download-aac']) {
    const probe = await ffprobeObject(await derivativeKey(track.id, kind));
    const tags = Object.fromEntries(Object.entries(probe.format.tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    assert.equal(tags.title, 'Café at 3 a.m.', `${kind}: the item's title, not the file's`);
    assert.equal(tags.artist, 'Ada Lovelace 🎹', kind);
    assert.equal(tags.album, 'Night Buses', kind);
    assert.match(tags.track ?? '', /^2(\/|$)/, `${kind}: second audio item of the project (the video does not count)`);
    const pic = probe.streams.find((s) => s.disposition?.attached_pic === 1);
    assert.equal(pic?.width, 500, `${kind}: the project cover is embedded`);
  }

  // An item cover of its own wins over the project's.
  const itemCover = await uploadBytes(t, creator, { target: 'item_cover', itemId: second }, 'mine.jpg', await solid(300, 300, '#c02020'));
  await t.drainJobs();
  assert.equal((await fileRow(itemCover.id)).state, 'ready');
  const again = await uploadBytes(t, creator, { itemId: second }, 'take-8.wav', toneWav());
  await t.drainJobs();
  const probe = await ffprobeObject(await derivativeKey(again.id, 'download-mp3-320'));
  assert.equal(probe.streams.find((s) => s.disposition?.attached_pic === 1)?.width, 300);
});

test('without any cover the file\'s own picture is kept', async () => {
  const creator = await creatorNamed('Solo');
  const project = await createProject(t.deps, creator.viewer, { title: 'Bare', description: '' });
  const item = await createItem(t.deps, creator.viewer, project.id, { type: 'audio', title: 'Pictured' });
  await creator.client.get(`/dashboard/projects/${project.id}`);
  writeFileSync(path.join(dir, 'pic.jpg'), await solid(240, 240, '#20a040'));
  ff('-f', 'lavfi', '-i', 'sine=frequency=220:duration=2', '-i', path.join(dir, 'pic.jpg'), '-map', '0:a', '-map', '1:v', '-c:a', 'libmp3lame',
    '-c:v', 'copy', '-disposition:v:0', 'attached_pic', '-id3v2_version', '3', '-f', 'mp3', path.join(dir, 'pic.mp3'));
  const up = await uploadBytes(t, creator, { itemId: item }, 'pic.mp3', execFileSync('cat', [path.join(dir, 'pic.mp3')]));
  await t.drainJobs();
  assert.equal((await fileRow(up.id)).state, 'ready');
  const mp3 = await ffprobeObject(await derivativeKey(up.id, 'download-mp3-320'));
  assert.equal(mp3.streams.find((s) => s.disposition?.attached_pic === 1)?.width, 240);
});

test('the item type decides what is accepted: an audio item refuses a zip, a download item takes anything', async () => {
  const creator = await creatorNamed('Typed');
  const project = await createProject(t.deps, creator.viewer, { title: 'Kinds', description: '' });
  const audio = await createItem(t.deps, creator.viewer, project.id, { type: 'audio', title: 'A song' });
  const download = await createItem(t.deps, creator.viewer, project.id, { type: 'download', title: 'A pack' });
  await creator.client.get(`/dashboard/projects/${project.id}`);
  const zip = makeZip([{ name: 'readme.txt', data: 'hello' }]);
  const refused = await uploadBytes(t, creator, { itemId: audio }, 'song.mp3', zip);
  const accepted = await uploadBytes(t, creator, { itemId: download }, 'pack.zip', zip);
  const text = await uploadBytes(t, creator, { itemId: download }, 'notes.txt', Buffer.from('just text\n'));
  await t.drainJobs();
  const r = await fileRow(refused.id);
  assert.equal(r.state, 'failed');
  assert.match(r.state_reason ?? '', /expected audio but the file is archive \(zip\); upload MP3, WAV, FLAC.*or make this a download item/);
  assert.equal(await t.deps.db.selectFrom('media_derivatives').select('id').where('media_file_id', '=', refused.id).executeTakeFirst(), undefined);
  assert.deepEqual([(await fileRow(accepted.id)).state, (await fileRow(accepted.id)).kind], ['ready', 'archive']);
  assert.deepEqual([(await fileRow(text.id)).state, (await fileRow(text.id)).kind], ['ready', 'other']);
  const page = await creator.client.get(`/dashboard/items/${audio}/edit?step=details`);
  assert.match(page.html, /expected audio but the file is archive/, 'the creator sees the reason');
});
