// Browser journey of playback in real Chromium, on real tracks through the real pipeline: a
// fan who bought the album plays it, seeks to 2:00 (a Range request to storage), keeps
// listening while browsing other pages (boosted navigation outside the player), jumps to a
// chapter, seeks by keyboard and moves to the next track; a visitor hears only the preview; a
// video plays with its poster.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { setChapters } from '../../src/modules/catalog/items-service.ts';
import { WESNOTH_MUSIC_DIR } from '../../src/modules/media/processing/fixtures.ts';
import { launchBrowser, logIn as logInAs, playerState as audioState, snap, waitForPlayer as waitFor } from '../support/browser.ts';
import { checkoutKey } from '../support/commerce.ts';
import { publishedProject, signUpCreator, signUpUser, type TestUser } from '../support/factories.ts';
import { startTestServer, type RunningServer } from '../support/server.ts';
import { uploadThroughPipeline } from '../support/uploads.ts';

const J = 'playback';
let server: RunningServer;
let browser: Browser;
let creator: TestUser;
let fan: TestUser;
let slug = '';
let ids: string[] = [];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'playback-journey-'));

before(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  creator = await signUpCreator(server, { currency: 'USD' });
  fan = await signUpUser(server);
  const video = path.join(scratch, 'pattern.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', video]);
  await creator.client.get('/dashboard');
  // Each item gets its file before it is published; the worker of the running server processes them.
  const upload = (file: string) => (id: string) => uploadThroughPipeline(server, creator, id, file);
  const made = await publishedProject(server, creator, 'Northern Tales', [
    { type: 'audio', title: 'Breaking the Chains', fields: { price_kind: 'fixed', price_amount: '1.00' }, file: upload(path.join(WESNOTH_MUSIC_DIR, 'breaking_the_chains.ogg')) },
    { type: 'audio', title: 'Victory', fields: { price_kind: 'fixed', price_amount: '1.00' }, file: upload(path.join(WESNOTH_MUSIC_DIR, 'victory.ogg')) },
    { type: 'video', title: 'Test pattern', fields: { price_kind: 'free' }, file: upload(video) },
  ]);
  slug = made.project.slug;
  ids = made.itemIds;
  await setChapters(server.deps, creator.viewer, ids[0]!, { chapters: '0:00 Opening\n1:30 Bridge' });
  for (let i = 0; i < 240; i++) {
    const rows = await server.deps.db.selectFrom('media_files').select(['state', 'state_reason']).where('creator_id', '=', creator.viewer.id).execute();
    if (rows.every((r) => r.state === 'ready')) break;
    const failed = rows.find((r) => r.state === 'failed');
    if (failed) throw new Error(`processing failed: ${failed.state_reason}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const itemId of ids.slice(0, 2)) {
    await fan.client.get(`/i/${itemId}`);
    const res = await fan.client.post(`/i/${itemId}/checkout`, { checkout_key: checkoutKey() });
    await fan.client.post(res.headers.get('location')!, { outcome: 'pay' });
  }
});
after(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

const logIn = (page: Page, user: TestUser) => logInAs(page, server.url, user.viewer.username, user.password);

test('an album buyer plays, seeks, keeps listening while browsing, uses chapters, keys and the queue', async () => {
  const page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const ranges: { range: string; status: number }[] = [];
  page.on('response', (res) => {
    const range = res.request().headers().range;
    if (res.url().includes('/storage/') && range) ranges.push({ range, status: res.status() });
  });
  await logIn(page, fan);
  await page.goto(`${server.url}/@${creator.viewer.username}/${slug}`);
  await page.getByRole('button', { name: 'Play Breaking the Chains' }).click();
  const started = await waitFor(page, 'the first track plays', (s) => s.time > 1 && !s.paused);
  assert.ok(started.duration > 200, `the full track, not a preview (${started.duration})`);
  await page.locator('#player').getByText('Breaking the Chains').waitFor();
  await snap(page, J, '01-playing');

  // Seek to 2:00 by clicking the waveform where 2:00 is.
  const box = (await page.locator('.player-wave').boundingBox())!;
  await page.mouse.click(box.x + box.width * (120 / started.duration) + 1, box.y + box.height / 2);
  const seeked = await waitFor(page, 'playing from 2:00', (s) => s.time >= 119 && s.time < 130 && !s.paused);
  assert.ok(seeked.time >= 119);
  assert.ok(ranges.some((r) => r.status === 206), `a Range request was answered with 206: ${JSON.stringify(ranges)}`);

  // Browse to other pages: only #page is swapped; the same <audio> element keeps playing.
  await page.evaluate(() => { (document.getElementById('player-audio') as HTMLAudioElement & { journeyMark?: string }).journeyMark = 'same-element'; });
  await page.getByRole('link', { name: 'Discover' }).click();
  await page.waitForURL(/\/discover/);
  await page.getByRole('heading', { name: /Discover/ }).waitFor();
  assert.match(await page.title(), /Discover/);
  const browsing = await waitFor(page, 'still playing on /discover', (s) => s.time > seeked.time + 1);
  assert.equal(browsing.mark, 'same-element');
  assert.equal(browsing.paused, false);
  await page.getByRole('link', { name: 'Breaking the Chains' }).first().click();
  await page.waitForURL(/\/i\//);
  await snap(page, J, '02-browsing-while-playing');
  await page.goBack();
  await page.waitForURL(/\/discover/);
  assert.equal((await audioState(page)).mark, 'same-element', 'back and forward keep the player too');
  await page.goForward();
  await page.waitForURL(/\/i\//);

  // A chapter seeks the track; the keyboard seeks on the focused waveform.
  await page.getByRole('button', { name: /Play from 1:30 Bridge/ }).click();
  await waitFor(page, 'at the chapter', (s) => s.time >= 89 && s.time < 95);
  await page.locator('.player-wave').focus();
  const beforeKey = (await audioState(page)).time;
  await page.keyboard.press('ArrowRight');
  const afterKey = await audioState(page);
  assert.ok(afterKey.time >= beforeKey + 4, `ArrowRight seeks 5 s: ${beforeKey} → ${afterKey.time}`);
  assert.match(await page.locator('.player-wave').getAttribute('aria-valuetext') ?? '', / of 3:3\d$/);

  // The queue: next goes to the album's second track; the lock screen sees it.
  await page.goto(`${server.url}/@${creator.viewer.username}/${slug}`); // a full load: the player starts over
  await page.getByRole('button', { name: 'Play Breaking the Chains' }).click();
  await waitFor(page, 'playing again', (s) => s.time > 0.5);
  await page.getByRole('button', { name: 'Next track' }).click();
  await page.locator('#player .player-title', { hasText: 'Victory' }).waitFor();
  await waitFor(page, 'the second track plays', (s) => s.duration < 10 && s.time > 0.5);
  assert.equal(await page.evaluate(() => navigator.mediaSession.metadata?.title), 'Victory');
  await snap(page, J, '03-next-track');
  assert.deepEqual(errors, []);
});

test('a visitor hears only the preview; the server will not give them the full file', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}/i/${ids[0]}`);
  await page.getByText('Preview: the first 30 seconds').waitFor();
  await page.getByRole('button', { name: 'Play Breaking the Chains' }).click();
  const s = await waitFor(page, 'the preview plays', (x) => x.time > 0.5 && x.duration > 0, 30_000);
  assert.ok(s.duration < 31, `a 30 s clip, not the 3:33 track (${s.duration})`);
  await page.locator('#player .player-note', { hasText: 'Preview' }).waitFor();
  const api = await page.evaluate(async (id) => (await fetch(`/api/play/${id}`)).json(), (await server.deps.db.selectFrom('media_files').select('id').where('item_id', '=', ids[0]!).executeTakeFirstOrThrow()).id);
  assert.equal(api.mode, 'preview');
  assert.doesNotMatch(api.url, /\/stream\?/, 'never the full stream object');
  await snap(page, J, '04-visitor-preview');
});

test('a video plays with its poster, and degrades to native controls without JavaScript', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}/i/${ids[2]}`);
  const video = page.locator('video.video-player');
  assert.match(await video.getAttribute('poster') ?? '', /\/poster$/);
  await video.evaluate((v: HTMLVideoElement) => v.play());
  await page.waitForFunction(() => (document.querySelector('video.video-player') as HTMLVideoElement).currentTime > 0.5, undefined, { timeout: 20_000 });
  await snap(page, J, '05-video');
  const noJs = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await noJs.goto(`${server.url}/i/${ids[0]}`);
  assert.equal(await noJs.locator('audio.track-native[controls]').count(), 1, 'a native player for the track');
  assert.equal(await noJs.locator('.track-play').isVisible(), false, 'no script-only buttons');
  await snap(noJs, J, '06-no-javascript');
});

test('a buyer downloads a format and the album zip in the browser: the bytes and names are right; a tampered link is refused', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await logIn(page, fan);
  await page.goto(`${server.url}/i/${ids[0]}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'MP3 320' }).click()]);
  assert.equal(download.suggestedFilename(), `${creator.viewer.displayName} - Breaking the Chains.mp3`);
  const saved = path.join(scratch, 'track.mp3');
  await download.saveAs(saved);
  const key = (await server.deps.db.selectFrom('media_derivatives as d').innerJoin('media_files as f', 'f.id', 'd.media_file_id')
    .select('d.object_key').where('f.item_id', '=', ids[0]!).where('d.kind', '=', 'download-mp3-320').executeTakeFirstOrThrow()).object_key;
  const stored: Buffer[] = [];
  for await (const chunk of (await server.deps.store.get(key)).body) stored.push(chunk as Buffer);
  assert.ok(fs.readFileSync(saved).equals(Buffer.concat(stored)), 'the downloaded file is the stored object');

  // The album: a progress page while the worker zips, then the download starts by itself.
  await page.goto(`${server.url}/@${creator.viewer.username}/${slug}`);
  const zipDone = page.waitForEvent('download', { timeout: 60_000 });
  await page.getByRole('link', { name: 'MP3 320 (zip)' }).click();
  await page.getByRole('heading', { name: /Preparing your download|Your download is ready/ }).waitFor();
  await snap(page, J, '07-album-zip');
  const zip = await zipDone;
  const zipPath = path.join(scratch, 'album.zip');
  await zip.saveAs(zipPath);
  const names = execFileSync('unzip', ['-Z1', zipPath], { env: { ...process.env, LC_ALL: 'C.UTF-8' } }).toString('utf8').trim().split('\n');
  const folder = `${creator.viewer.displayName} - Northern Tales`;
  assert.deepEqual(names, [`${folder}/01 Breaking the Chains.mp3`, `${folder}/02 Victory.mp3`]);

  // A signed link with one character changed is refused.
  const signed = await page.evaluate(async (id) => (await (await fetch(`/api/play/${id}`)).json()).url as string,
    (await server.deps.db.selectFrom('media_files').select('id').where('item_id', '=', ids[0]!).executeTakeFirstOrThrow()).id);
  const tampered = signed.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
  const res = await page.goto(new URL(tampered, server.url).href);
  assert.equal(res?.status(), 403);
  await context.close();
});
