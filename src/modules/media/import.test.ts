// `npm run import`: a folder becomes a draft project through the real pipeline. The demo folder
// (made by scripts/make-demo-media.ts) and a folder of real recorded music (Debian's
// wesnoth-1.16-music) with tags, a cover, a video, a zip and a stray text file.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { signUpCreator } from '../../../test/support/factories.ts';
import { DEMO_MEDIA_DIR } from '../../seed.ts';
import { importFolder, planImport } from './import.ts';
import { WESNOTH_MUSIC_DIR, wesnothTracks } from './processing/fixtures.ts';

let t: TestApp;
let dir: string;
before(async () => { t = await createTestApp(); dir = mkdtempSync(path.join(os.tmpdir(), 'makenot-import-')); });
after(async () => { await t.close(); rmSync(dir, { recursive: true, force: true }); });

const items = (projectId: string) => t.deps.db.selectFrom('items').select(['id', 'title', 'type', 'position', 'status'])
  .where('project_id', '=', projectId).orderBy('position').execute();

test('the plan goes by content, not names: a cover, tracks in order, then the rest', async () => {
  const folder = path.join(dir, 'plan');
  mkdirSync(path.join(folder, 'CD2'), { recursive: true });
  const [victory, defeat] = wesnothTracks();
  copyFileSync(defeat!, path.join(folder, 'CD2', '10 - defeat.ogg'));
  copyFileSync(victory!, path.join(folder, '2 - victory.mp3')); // an Ogg named .mp3: still a track
  copyFileSync(path.join(DEMO_MEDIA_DIR, 'cover.jpg'), path.join(folder, 'Folder.JPG'));
  writeFileSync(path.join(folder, '.DS_Store'), 'junk');
  writeFileSync(path.join(folder, 'notes.flac'), 'actually text');
  const plan = await planImport(folder);
  assert.deepEqual(plan.map((p) => [p.name, p.role]), [
    ['Folder.JPG', 'project_cover'], ['2 - victory.mp3', 'track'], ['10 - defeat.ogg', 'track'], ['notes.flac', 'download']]);
});

test('real tagged music: titles and order come from the tags, the album tag names the project', async () => {
  const creator = await signUpCreator(t, { tier: 'small_files' });
  const folder = path.join(dir, 'wesnoth');
  mkdirSync(folder);
  // Tagged TITLE, ALBUM and the OST's track numbers (14 and 5): named so that the file names'
  // order is the opposite of the tracks'.
  const [sad, elfLand] = [path.join(WESNOTH_MUSIC_DIR, 'sad.ogg'), path.join(WESNOTH_MUSIC_DIR, 'elf-land.ogg')];
  copyFileSync(sad, path.join(folder, 'a.ogg'));
  copyFileSync(elfLand, path.join(folder, 'b.ogg'));
  copyFileSync(path.join(DEMO_MEDIA_DIR, 'cover.jpg'), path.join(folder, 'cover.jpg'));
  const result = await importFolder(t.deps, creator.viewer, folder);
  assert.equal(result.projectTitle, 'The Battle for Wesnoth OST');
  assert.deepEqual(result.files.map((f) => [f.name, f.role, f.error]), [['cover.jpg', 'project_cover', undefined], ['a.ogg', 'track', undefined], ['b.ogg', 'track', undefined]]);
  await t.drainJobs();
  const states = await t.deps.db.selectFrom('media_files').select(['state', 'state_reason']).where('creator_id', '=', creator.viewer.id).execute();
  assert.ok(states.every((s) => s.state === 'ready'), JSON.stringify(states));
  const tracks = await items(result.projectId);
  const tagOf = async (file: string) => {
    const { execFileSync } = await import('node:child_process');
    const out = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', file]).toString()) as { streams: { tags?: Record<string, string> }[] };
    const tags = Object.fromEntries(Object.entries(out.streams[0]?.tags ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return { title: tags.title!, track: Number.parseInt(tags.track ?? tags.tracknumber ?? '0', 10) };
  };
  const expected = [await tagOf(sad), await tagOf(elfLand)].sort((x, y) => x.track - y.track);
  assert.deepEqual(expected.map((e) => e.track), [5, 14]);
  assert.deepEqual(tracks.map((i) => [i.title, i.position, i.type, i.status]), expected.map((e) => [e.title, e.track, 'audio', 'draft']));
});

test('the demo folder imports as a whole: four tracks, a video, downloads and the cover', async () => {
  const creator = await signUpCreator(t, { tier: 'small_files' });
  const result = await importFolder(t.deps, creator.viewer, DEMO_MEDIA_DIR, { title: 'Imported demo' });
  assert.ok(result.files.every((f) => !f.error), JSON.stringify(result.files));
  await t.drainJobs();
  const list = await items(result.projectId);
  assert.deepEqual(list.filter((i) => i.type === 'audio').map((i) => [i.title, i.position]),
    [['Night Drive', 1], ['Café Mélancolie', 2], ['Rain on the Window', 3], ['Last Stop (spoken)', 4]]);
  assert.deepEqual(list.filter((i) => i.type !== 'audio').map((i) => i.type).sort(), ['download', 'download', 'video']);
  const project = await t.deps.db.selectFrom('projects').select('cover_key').where('id', '=', result.projectId).executeTakeFirstOrThrow();
  assert.ok(project.cover_key);
});

test('a file over the tier limit is skipped with the reason and leaves no empty item', async () => {
  const creator = await signUpCreator(t, { tier: 'basic' }); // 10 MB per file
  const folder = path.join(dir, 'big');
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'huge.bin'), Buffer.alloc(10_000_001));
  writeFileSync(path.join(folder, 'small.txt'), 'fine');
  const result = await importFolder(t.deps, creator.viewer, folder);
  assert.match(result.files.find((f) => f.name === 'huge.bin')?.error ?? '', /up to 10 MB per file/);
  assert.deepEqual((await items(result.projectId)).map((i) => i.title), ['small']);
});
