// Browser journeys through the real uploader (signed part URLs on the local backend, the worker
// running): a creator drops a real album folder (Debian's wesnoth-1.16-music OGG tracks and a
// cover.jpg) on "Add tracks", uploads a video and a zip on their items, watches progress that
// only ever grows, and sees every file reach Ready with its duration, waveform, poster and
// download formats on the dashboard. Then an upload is interrupted by a reload and resumed by
// choosing the same file again: only the missing parts are sent.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { createItem } from '../../src/modules/catalog/items-service.ts';
import { createProject } from '../../src/modules/catalog/projects-service.ts';
import { WESNOTH_MUSIC_DIR } from '../../src/modules/media/processing/fixtures.ts';
import { DEMO_MEDIA_DIR } from '../../src/seed.ts';
import { launchBrowser, snap, watchErrors } from '../support/browser.ts';
import { signUpCreator, type TestUser } from '../support/factories.ts';
import { startTestServer, type RunningServer } from '../support/server.ts';

let server: RunningServer;
let browser: Browser;
let dir: string;
before(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  dir = mkdtempSync(path.join(os.tmpdir(), 'makenot-journey-upload-'));
});
after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

// Records every value each progress bar shows, sampled every 10 ms, to check it never drops.
const RECORD_PROGRESS = `
  window.__progress = {};
  setInterval(() => document.querySelectorAll('.upload progress').forEach((p) => {
    const name = p.getAttribute('aria-label');
    const seen = (window.__progress[name] = window.__progress[name] || []);
    if (seen[seen.length - 1] !== p.value) seen.push(p.value);
  }), 10);`;

async function openAs(creator: TestUser): Promise<{ context: BrowserContext; page: Page; failed: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.addCookies([...creator.client.cookies].map(([name, value]) => ({ name, value, url: server.url })));
  await context.addInitScript(RECORD_PROGRESS);
  const page = await context.newPage();
  return { context, page, failed: watchErrors(page) };
}

async function progressNeverDrops(page: Page, names: string[]) {
  const seen = await page.evaluate(() => (window as unknown as { __progress: Record<string, number[]> }).__progress);
  for (const name of names) {
    const values = seen[`Progress of ${name}`] ?? [];
    assert.ok(values.length >= 1, `progress of ${name} was shown`);
    assert.deepEqual(values, [...values].sort((a, b) => a - b), `progress of ${name} never goes backwards: ${values.join(' ')}`);
    assert.equal(values[values.length - 1], 100);
  }
}

test('an album folder, a video and a zip: progress, then durations, waveforms, posters and formats', { timeout: 300_000 }, async () => {
  const J = 'upload';
  const creator = await signUpCreator(server, { tier: 'big_files' });
  const project = await createProject(server.deps, creator.viewer, { title: 'Field Recordings', description: '' });
  const videoItem = await createItem(server.deps, creator.viewer, project.id, { type: 'video', title: 'Making of' });
  const zipItem = await createItem(server.deps, creator.viewer, project.id, { type: 'download', title: 'Stems' });
  const album = path.join(dir, 'Wesnoth OST');
  mkdirSync(album);
  for (const n of ['elf-land.ogg', 'sad.ogg', 'victory.ogg']) copyFileSync(path.join(WESNOTH_MUSIC_DIR, n), path.join(album, n));
  copyFileSync(path.join(DEMO_MEDIA_DIR, 'cover.jpg'), path.join(album, 'cover.jpg'));
  const { context, page, failed } = await openAs(creator);

  await page.goto(`${server.url}/dashboard/projects/${project.id}`);
  await page.getByText('Choose an album folder').waitFor();
  assert.equal(await page.locator('.uploader[data-target="track"] .uploader-fallback').count(), 0, 'the one-request form gives way to the uploader');
  await snap(page, J, '01-project');
  await page.locator('#uploader-folder-track').setInputFiles(album);
  await page.getByText('Skipped 1 file that is not audio: cover.jpg.').waitFor();
  const tracks = ['elf-land.ogg', 'sad.ogg', 'victory.ogg'];
  for (const name of tracks) await page.locator('.upload', { hasText: name }).getByText('Uploaded — processing…').waitFor({ timeout: 60_000 });
  await progressNeverDrops(page, tracks);
  // The track list refreshes itself until every track is processed, with titles from the tags.
  const list = page.locator('#project-tracks');
  for (const title of ['Elf Land', 'Sad', 'Victory']) await list.locator('tr', { hasText: title }).getByText('Ready').waitFor({ timeout: 180_000 });
  await list.locator('tr', { hasText: 'Elf Land' }).getByText('0:26').waitFor();
  assert.equal(await list.locator('svg.media-waveform').count(), 3);
  await snap(page, J, '02-tracks-ready');

  // A video on its item page: the poster and the rendition appear once processed.
  const mp4 = path.join(dir, 'making of 🎬.mp4');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=3', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=3',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', mp4]);
  await page.goto(`${server.url}/dashboard/items/${videoItem}/edit?step=details`);
  await page.locator('#uploader-files').setInputFiles(mp4);
  const videoRow = page.locator('#media-files tr', { hasText: 'making of 🎬.mp4' });
  await videoRow.getByText('Ready').waitFor({ timeout: 120_000 });
  await videoRow.getByText('0:03 · 640 × 360').waitFor();
  await videoRow.getByText('Original (MP4), 360p MP4').waitFor();
  assert.ok(await videoRow.locator('img.media-poster').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the poster loads');
  await snap(page, J, '03-video-ready');

  // A zip on a download item: stored as uploaded, inspected, offered as the original.
  const zip = path.join(DEMO_MEDIA_DIR, 'sample-pack.zip');
  await page.goto(`${server.url}/dashboard/items/${zipItem}/edit?step=details`);
  await page.locator('#uploader-files').setInputFiles(zip);
  const zipRow = page.locator('#media-files tr', { hasText: 'sample-pack.zip' });
  await zipRow.getByText('Ready').waitFor({ timeout: 60_000 });
  await zipRow.getByText('Original (ZIP)').waitFor();

  // A track's own page: what processing found, and every download format.
  await page.goto(`${server.url}/dashboard/projects/${project.id}`);
  await page.locator('#project-tracks a', { hasText: 'Elf Land' }).click();
  const trackRow = page.locator('#media-files tr', { hasText: 'elf-land.ogg' });
  await trackRow.getByText(/0:26 · stereo · 44\.1 kHz · OGG/).waitFor();
  await trackRow.getByText('Original (OGG), MP3 320k, MP3 V0, AAC 256k, Opus').waitFor();
  assert.equal(await trackRow.locator('svg.media-waveform rect').count() > 50, true);
  await snap(page, J, '04-track-page');
  assert.deepEqual(failed, []);

  const rows = await server.deps.db.selectFrom('media_files').select(['original_name', 'state', 'bytes']).where('creator_id', '=', creator.viewer.id).orderBy('original_name').execute();
  assert.deepEqual(rows.map((r) => [r.original_name, r.state]), [['elf-land.ogg', 'ready'], ['making of 🎬.mp4', 'ready'], ['sad.ogg', 'ready'], ['sample-pack.zip', 'ready'], ['victory.ogg', 'ready']]);
  await context.close();
});

test('a reload mid-upload, then the same file again: only the missing parts are sent', { timeout: 180_000 }, async () => {
  const J = 'upload-resume';
  const creator = await signUpCreator(server, { tier: 'big_files' });
  const project = await createProject(server.deps, creator.viewer, { title: 'Big things', description: '' });
  const itemId = await createItem(server.deps, creator.viewer, project.id, { type: 'download', title: 'Raw footage' });
  const file = path.join(dir, 'raw footage: take 1.bin');
  const data = randomBytes(20 * 1024 * 1024 + 4321); // three 8 MiB parts
  writeFileSync(file, data);
  const { context, page, failed } = await openAs(creator);

  // Part 1 goes through; parts 2 and 3 hang (a connection stalling), until the reload.
  const held: Route[] = [];
  await page.route(/\/storage\/.*[?&]p=part/, async (route) => {
    if (new URL(route.request().url()).searchParams.get('n') === '1') return route.continue();
    held.push(route);
  });
  await page.goto(`${server.url}/dashboard/items/${itemId}/edit?step=details`);
  await page.locator('#uploader-files').setInputFiles(file);
  await page.waitForFunction(() => Object.values(JSON.parse(localStorage.getItem('mnw-uploads') || '{}') as Record<string, { percent: number }>)
    .some((u) => u.percent >= 30), undefined, { timeout: 60_000 });
  const before = await page.locator('.upload progress').evaluate((p: HTMLProgressElement) => p.value);
  assert.ok(before > 0 && before < 100, `interrupted mid-way (${before}%)`);
  await snap(page, J, '01-stalled');
  for (const r of held) await r.abort().catch(() => {});
  await page.unroute(/\/storage\/.*[?&]p=part/);

  const sent: number[] = [];
  page.on('request', (r) => { if (r.method() === 'PUT' && r.url().includes('p=part')) sent.push(Number(new URL(r.url()).searchParams.get('n'))); });
  await page.reload();
  const row = page.locator('.upload', { hasText: 'raw footage: take 1.bin' });
  await row.getByText('Interrupted. Choose the same file again to continue where it stopped.').waitFor();
  assert.ok(await row.locator('progress').evaluate((p: HTMLProgressElement) => p.value) >= before, 'the bar starts where it stopped');
  await snap(page, J, '02-interrupted');
  await page.locator('#uploader-files').setInputFiles(file);
  await row.getByText('Uploaded — processing…').waitFor({ timeout: 60_000 });
  assert.deepEqual(sent.sort(), [2, 3], 'part 1 is not sent again');
  await page.locator('#media-files tr', { hasText: 'raw footage: take 1.bin' }).getByText('Ready').waitFor({ timeout: 60_000 });
  await snap(page, J, '03-resumed');
  const stored = await server.deps.db.selectFrom('media_files').select(['bytes', 'sha256']).where('item_id', '=', itemId).execute();
  assert.deepEqual(stored, [{ bytes: data.length, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') }]);
  assert.deepEqual(failed, []);
  await context.close();
});
