// "Add tracks" (album uploads) through the upload API: one draft audio item per file, titled
// by the file name until processing reads its tags, then by the tag title and ordered by the
// track number after what the project already held; refusals leave no empty item behind.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { signUpCreator } from '../../../test/support/factories.ts';
import { api, uploadBytes } from '../../../test/support/uploads.ts';
import { createItem } from '../catalog/items-service.ts';
import { createProject } from '../catalog/projects-service.ts';
import { WESNOTH_MUSIC_DIR } from './processing/fixtures.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

const real = (name: string) => readFileSync(path.join(WESNOTH_MUSIC_DIR, name));
const items = (projectId: string) => t.deps.db.selectFrom('items').select(['id', 'title', 'type', 'position', 'status'])
  .where('project_id', '=', projectId).orderBy('position').orderBy('created_at').execute();

test('an album folder becomes tracks titled and ordered by their tags', async () => {
  const creator = await signUpCreator(t, { tier: 'small_files' });
  const project = await createProject(t.deps, creator.viewer, { title: 'OST', description: '' });
  await createItem(t.deps, creator.viewer, project.id, { type: 'text', title: 'Liner notes' }); // position 1
  const page = await creator.client.get(`/dashboard/projects/${project.id}`);
  assert.match(page.html, /data-target="track"/);
  const base = Number(/data-album-base="(\d+)"/.exec(page.html)?.[1]);
  assert.equal(base, 1, 'the album goes after what the project holds');

  // Folder order (by name) is not track order: transience is 17, sad 14, elf-land 5; victory has no number.
  const files = [['a - transience.ogg', 'transience.ogg'], ['b - sad.ogg', 'sad.ogg'], ['c - elf-land.ogg', 'elf-land.ogg'], ['d - victory.ogg', 'victory.ogg']] as const;
  const ups = [];
  for (const [name, source] of files) ups.push(await uploadBytes(t, creator, { target: 'track', projectId: project.id, albumBase: base }, name, real(source), 'audio/ogg'));
  assert.ok(ups.every((u) => u.itemId), 'each file got its own item');
  const before = await items(project.id);
  assert.deepEqual(before.map((i) => [i.title, i.type, i.status]), [['Liner notes', 'text', 'draft'],
    ['a - transience', 'audio', 'draft'], ['b - sad', 'audio', 'draft'], ['c - elf-land', 'audio', 'draft'], ['d - victory', 'audio', 'draft']]);
  const pending = await creator.client.get(`/dashboard/projects/${project.id}/tracks`);
  assert.match(pending.html, /every 2s/, 'the track list polls while processing');

  await t.drainJobs();
  const after = await items(project.id);
  // Position = album base + track number; Victory has none and keeps its place in the upload order.
  assert.deepEqual(after.map((i) => [i.title, i.position]), [['Liner notes', 1], ['Victory', 5], ['Elf Land', 6], ['Sad', 15], ['Transience', 18]]);
  const list = await creator.client.get(`/dashboard/projects/${project.id}/tracks`);
  for (const title of ['Elf Land', 'Sad', 'Transience', 'Victory']) assert.match(list.html, new RegExp(`>${title}</a>`));
  assert.match(list.html, />Elf Land<\/a><span class="muted"> · 0:26</, "elf-land's duration (26.84 s), counted as the players count: whole seconds");
  assert.match(list.html, /<svg class="media-waveform"/);
  assert.doesNotMatch(list.html, /every 2s/);
});

test('a non-audio file among the tracks fails with the reason; an oversize one makes no item', async () => {
  const creator = await signUpCreator(t, { tier: 'basic' }); // 10 MB per file
  const project = await createProject(t.deps, creator.viewer, { title: 'Mixed folder', description: '' });
  await creator.client.get(`/dashboard/projects/${project.id}`);
  const notAudio = await uploadBytes(t, creator, { target: 'track', projectId: project.id, albumBase: 0 }, 'cover.flac', Buffer.from('text, not sound'));
  const big = await api(creator, 'POST', '/api/uploads', { target: 'track', projectId: project.id, albumBase: 0, fileName: 'long.wav', size: 10_000_001 });
  assert.equal(big.status, 413);
  await t.drainJobs();
  assert.deepEqual((await items(project.id)).map((i) => i.title), ['cover']);
  const row = await t.deps.db.selectFrom('media_files').select(['state', 'state_reason']).where('id', '=', notAudio.id).executeTakeFirstOrThrow();
  assert.equal(row.state, 'failed');
  assert.match(row.state_reason ?? '', /not a supported audio file/);
  const list = await creator.client.get(`/dashboard/projects/${project.id}/tracks`);
  assert.match(list.html, /not a supported audio file/);

  const other = await signUpCreator(t);
  await other.client.get('/dashboard');
  const foreign = await api(other, 'POST', '/api/uploads', { target: 'track', projectId: project.id, albumBase: 0, fileName: 'x.ogg', size: 10 });
  assert.equal(foreign.status, 404, "another creator's project");
  assert.equal((await items(project.id)).length, 1);
});
