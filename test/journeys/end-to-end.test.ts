// The platform end to end in real Chromium, every step through the pages a person uses, each
// journey building on the one before (they run in order, on one server with its worker):
// 1. a creator signs up, confirms the email, onboards, creates a project through the wizard,
//    drops an album folder (real OGG music and an ffmpeg-made FLAC), adds a video and a zip,
//    watches processing finish without reloading, prices (fixed, pay what you want with a
//    minimum, a paid text with a free preview) and publishes;
// 2. a fan finds a track by a misspelt search, hears only the preview, buys a fixed-price
//    and a pay-what-you-want track and the text, plays with seeking while browsing, downloads a
//    format and the album zip (bytes compared with what the store holds) and reads the text;
// 3. a guest buys the zip with an email address, opens the emailed receipt link, signs up with
//    that address later, confirms it and finds the purchase in the library;
// 4. the creator refunds two of the fan's purchases from the dashboard and the fan loses them.
// Screenshots land in artifacts/end-to-end/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WESNOTH_MUSIC_DIR } from '../../src/modules/media/processing/fixtures.ts';
import { DEMO_MEDIA_DIR } from '../../src/seed.ts';
import { confirmEmail, logIn, openMail, playerState, signUp, snap, waitForPlayer, watchErrors } from '../support/browser.ts';
import { readZip, rendition, sha256, storedObject } from '../support/downloads.ts';
import { signUpUser, type TestUser } from '../support/factories.ts';
import { withServerAndBrowser } from '../support/journey.ts';
import type { RunningServer } from '../support/server.ts';
import { addItem, becomeCreator, completeItemWizard, createProject } from '../support/wizards.ts';

const J = 'end-to-end';
const PASSWORD = 'a long enough password';
const PREVIEW_SECONDS = 10;
let server: RunningServer;
let browser: Browser;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'makenot-end-to-end-'));

/** What the journeys hand on to each other. */
const world = {
  creator: { username: '', email: '', name: '' },
  creatorPage: null as Page | null,
  projectUrl: '', publicUrl: '', projectTitle: 'Harbour Nights',
  items: { elfLand: '', revelation: '', drone: '', video: '', zip: '', text: '' },
  fan: null as TestUser | null,
  fanPage: null as Page | null,
};
/** Console and page errors of every page, reset for each journey so one defect fails only the journey that met it. */
const errors: string[] = [];
beforeEach(() => { errors.length = 0; });

const TEXT_PREVIEW = 'Notes written on the night ferry, for anyone.';
const TEXT_PAID = 'What the harbour sounded like at four in the morning, for those who bought it.';

withServerAndBrowser((s, b) => { server = s; browser = b; });
after(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function newPage(opts: { downloads?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: !!opts.downloads });
  const page = await context.newPage();
  watchErrors(page, errors);
  return { context, page };
}

const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

/** The album folder as a creator has it on disk: two real recordings and a tagged FLAC of our own. */
function albumFolder(): string {
  const dir = path.join(scratch, 'Harbour Nights (album)');
  fs.mkdirSync(dir);
  for (const n of ['elf-land.ogg', 'revelation.ogg']) fs.copyFileSync(path.join(WESNOTH_MUSIC_DIR, n), path.join(dir, n));
  ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.2*sin(2*PI*110*t)|0.2*sin(2*PI*165*t):s=44100:d=8', '-metadata', 'title=Harbour Drone',
    '-metadata', 'track=13', '-metadata', 'artist=Journey Test', '-c:a', 'flac', path.join(dir, 'harbour-drone.flac')]);
  return dir;
}

/** Every data-state a media row shows on this page, sampled every 25 ms, and a mark that a reload would wipe. */
const RECORD_STATES = `
  window.__states = [];
  setInterval(() => document.querySelectorAll('#project-tracks tr[data-state], #media-files tr[data-state]').forEach((r) => {
    if (!window.__states.includes(r.dataset.state)) window.__states.push(r.dataset.state);
  }), 25);`;

/** States seen since the page was marked; throws if the page was reloaded (the mark is gone). */
async function statesSinceMark(page: Page): Promise<string[]> {
  const seen = await page.evaluate(() => {
    const w = window as unknown as { __mark?: boolean; __states: string[] };
    return w.__mark ? w.__states : null;
  });
  assert.ok(seen, 'the page was not reloaded while processing ran');
  return seen;
}

const markPage = (page: Page) => page.evaluate(() => { (window as unknown as { __mark: boolean; __states: string[] }).__mark = true; });

test('1. a creator signs up, confirms, builds an album with a video, a zip and a text through the wizards, prices and publishes', { timeout: 480_000 }, async () => {
  const username = `harbour_${Date.now().toString(36)}`;
  world.creator = { username, email: `${username}@example.com`, name: username };
  const album = albumFolder();
  const video = path.join(scratch, 'making-of.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=2', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', video]);
  const zip = path.join(DEMO_MEDIA_DIR, 'sample-pack.zip');

  const { context, page } = await newPage();
  world.creatorPage = page;
  await context.addInitScript(RECORD_STATES);

  await signUp(page, server.url, { username, email: world.creator.email, password: PASSWORD });
  await page.getByText('Please confirm your email address').waitFor();
  await confirmEmail(page, server.url, world.creator.email);
  await snap(page, J, '01-email-confirmed');
  await page.goto(`${server.url}/account`);
  await becomeCreator(page, { tier: 'Small Files', currency: 'EUR' });
  world.projectUrl = await createProject(page, {
    title: world.projectTitle, description: 'Music, a film and notes from **the night ferry**.', onReview: (p) => snap(p, J, '02-project-review'),
  });

  // The album folder through "Add tracks": three files, each its own draft item and upload.
  await page.locator('#uploader-folder-track').setInputFiles(album);
  await markPage(page);
  for (const name of ['elf-land.ogg', 'revelation.ogg', 'harbour-drone.flac']) {
    await page.locator('.upload', { hasText: name }).getByText('Uploaded — processing…').waitFor({ timeout: 60_000 });
  }
  // The track list updates itself (no reload) until every track is processed, titled from its tags.
  const list = page.locator('#project-tracks');
  for (const title of ['Elf Land', 'Revelation', 'Harbour Drone']) await list.locator('tr', { hasText: title }).getByText('Ready').waitFor({ timeout: 240_000 });
  const seen = await statesSinceMark(page);
  assert.ok(seen.some((s) => s === 'uploaded' || s === 'processing'), `a track was seen on its way before Ready: ${seen.join(' ')}`);
  assert.deepEqual(await list.locator('tbody tr td:nth-child(2) a').allTextContents(), ['Elf Land', 'Revelation', 'Harbour Drone'], 'in tag order');
  await list.locator('tr', { hasText: 'Revelation' }).getByText('1:17').waitFor();
  await snap(page, J, '03-album-processed');
  const trackId = async (title: string) => /\/items\/([0-9a-f-]{36})\//.exec(await list.locator('a', { hasText: title }).getAttribute('href') ?? '')![1]!;
  world.items.elfLand = await trackId('Elf Land');
  world.items.revelation = await trackId('Revelation');
  world.items.drone = await trackId('Harbour Drone');

  // Each track through the rest of the item wizard: fixed with a short preview, pay what you want, free.
  const tracks = [
    { id: world.items.revelation, price: { kind: 'Fixed price' as const, amount: '1.50' }, preview: { mode: 'The first seconds' as const, seconds: String(PREVIEW_SECONDS) } },
    { id: world.items.elfLand, price: { kind: 'Pay what you want' as const, amount: '1.00', suggested: '2.00' }, preview: { mode: 'The first seconds' as const, seconds: '15' } },
    { id: world.items.drone, price: { kind: 'Free' as const } },
  ];
  for (const t of tracks) {
    await page.goto(`${server.url}/dashboard/items/${t.id}/edit?step=details`);
    await completeItemWizard(page, {
      description: 'From the night ferry.', tags: 'music/soundtrack', price: t.price, preview: t.preview,
      onReview: t.id === world.items.elfLand ? (p) => snap(p, J, '04-track-review-pwyw') : undefined,
    });
  }

  // A video on its own item: the files list polls until processing is done.
  world.items.video = await addItem(page, world.projectUrl, 'Video', 'Making of Harbour Nights');
  await page.locator('#uploader-files').setInputFiles(video);
  await markPage(page);
  const videoRow = page.locator('#media-files tr', { hasText: 'making-of.mp4' });
  await videoRow.getByText('Ready').waitFor({ timeout: 180_000 });
  await videoRow.getByText('0:02 · 320 × 240').waitFor();
  assert.ok((await statesSinceMark(page)).includes('ready'));
  await snap(page, J, '05-video-processed');
  await completeItemWizard(page, { description: 'How the album was made.', tags: 'film/making-of', price: { kind: 'Free' } });

  // A zip on a download item, offered as uploaded.
  world.items.zip = await addItem(page, world.projectUrl, 'Download', 'Night Buses sample pack');
  await page.locator('#uploader-files').setInputFiles(zip);
  const zipRow = page.locator('#media-files tr', { hasText: 'sample-pack.zip' });
  await zipRow.getByText('Ready').waitFor({ timeout: 120_000 });
  await zipRow.getByText('Original (ZIP)').waitFor();
  await completeItemWizard(page, { description: 'The drums and plucks of the album, as WAV files.', tags: 'software/samples', price: { kind: 'Fixed price', amount: '2.00' } });

  // A paid text whose first paragraph is free.
  world.items.text = await addItem(page, world.projectUrl, 'Text', 'Liner notes');
  await completeItemWizard(page, {
    description: 'The story behind the album.', body: `${TEXT_PREVIEW}\n\n<!-- more -->\n\n${TEXT_PAID}`, tags: 'writing/liner-notes',
    price: { kind: 'Fixed price', amount: '1.00' },
    async onReview(p) {
      await p.getByText(/free preview of \d+ characters/).waitFor();
      await snap(p, J, '06-text-review');
    },
  });

  // The public project page: three tracks in order, every item on sale.
  await page.goto(world.projectUrl);
  world.publicUrl = new URL(await page.getByRole('link', { name: /^\/@/ }).first().getAttribute('href') ?? '', server.url).href;
  const visitor = (await newPage()).page;
  await visitor.goto(world.publicUrl);
  assert.deepEqual(await visitor.locator('.project-media .track-title').allTextContents(), ['Elf Land', 'Revelation', 'Harbour Drone']);
  for (const title of ['Making of Harbour Nights', 'Night Buses sample pack', 'Liner notes']) await visitor.getByRole('link', { name: title }).first().waitFor();
  await snap(visitor, J, '07-public-project');
  await visitor.context().close();
  assert.deepEqual(errors, [], 'no console errors (CSP violations show up here)');
});

/** The id of the (only) file of an item, as its track button names it. */
const fileOf = (page: Page) => page.locator('li.track[data-file]').first().getAttribute('data-file') as Promise<string>;

const playApi = (page: Page, fileId: string) => page.evaluate(async (id) => {
  const res = await fetch(`/api/play/${id}`);
  return { status: res.status, body: await res.json() as { mode?: string; url?: string; error?: string } };
}, fileId);

/** Pays on the local provider's TEST MODE page and waits for where it sends the buyer. */
async function payTest(page: Page, total: string, landing: RegExp) {
  await page.waitForURL(/\/checkout\/test\//);
  await page.getByText('TEST MODE').waitFor();
  await page.getByRole('button', { name: `Pay ${total} (test)` }).click();
  await page.waitForURL(landing);
}

test('2. a fan finds a track by a misspelt search, previews, buys, plays while browsing, downloads and reads', { timeout: 300_000 }, async () => {
  assert.ok(world.items.revelation && world.publicUrl, 'journey 1 built the catalogue');
  const fan = world.fan = await signUpUser(server);
  const { page } = await newPage({ downloads: true });
  world.fanPage = page;
  await logIn(page, server.url, fan.viewer.username, fan.password);

  // Two letters swapped, found anyway.
  await page.goto(`${server.url}/search`);
  await page.getByLabel('Search titles, projects, creators and tags').pressSequentially('revelaiton', { delay: 30 });
  await page.waitForURL(/\/search\?q=revelaiton$/);
  const hits = page.locator('#search-results .disc-card-title a');
  await hits.filter({ hasText: 'Revelation' }).waitFor();
  assert.equal((await hits.allTextContents())[0], 'Revelation');
  await snap(page, J, '10-search-misspelt');
  await hits.first().click();
  await page.getByRole('heading', { name: 'Revelation' }).waitFor();

  // Not bought: the preview clip only, and no downloads (the server refuses them too).
  await page.getByText(`Preview: the first ${PREVIEW_SECONDS} seconds. Buy it to hear it all.`).waitFor();
  await page.getByText('Buy this to download it.').waitFor();
  assert.equal(await page.getByRole('link', { name: 'MP3 320' }).count(), 0);
  const revelationFile = await fileOf(page);
  await page.getByRole('button', { name: 'Play Revelation' }).click();
  const preview = await waitForPlayer(page, 'the preview plays', (s) => s.time > 0.5 && s.duration > 0, 40_000);
  assert.ok(preview.duration <= PREVIEW_SECONDS + 0.5, `a ${PREVIEW_SECONDS} s clip, not the 1:17 track (${preview.duration})`);
  const previewGrant = await playApi(page, revelationFile);
  assert.equal(previewGrant.body.mode, 'preview');
  assert.doesNotMatch(previewGrant.body.url ?? '', /\/stream\?/, 'never the full stream object');
  const refusedDownload = await page.request.get(`${server.url}/download/${revelationFile}/mp3-320`, { maxRedirects: 0 });
  assert.equal(refusedDownload.status(), 303);
  assert.equal(refusedDownload.headers().location, `/i/${world.items.revelation}#buy`);
  await snap(page, J, '11-preview');

  // Fixed price.
  await page.getByRole('button', { name: 'Buy for €1.50' }).click();
  await payTest(page, '€1.50', /\/library\?order=/);
  await page.getByText('Thank you! Your purchase is in your library').waitFor();

  // Pay what you want: below the minimum is refused with the reason, then a fair amount.
  await page.goto(`${server.url}/i/${world.items.elfLand}`);
  await page.getByText('At least €1.00 · suggested €2.00').waitFor();
  assert.equal(await page.getByLabel('Your price (EUR)').inputValue(), '2.00', 'the suggested amount is proposed');
  await page.getByLabel('Your price (EUR)').fill('0.50');
  await page.getByRole('button', { name: 'Buy', exact: true }).click();
  await page.getByText('The minimum is €1.00.').waitFor();
  await snap(page, J, '12-pwyw-below-minimum');
  await page.getByLabel('Amount (EUR)').fill('2.50');
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await payTest(page, '€2.50', /\/library\?order=/);

  // The text: the preview before, the whole of it after.
  await page.goto(`${server.url}/i/${world.items.text}`);
  await page.getByText(TEXT_PREVIEW).waitFor();
  await page.getByRole('heading', { name: 'Keep reading' }).waitFor();
  assert.equal(await page.getByText(TEXT_PAID).count(), 0, 'the paid part is not sent before buying');
  await page.getByRole('button', { name: 'Buy for €1.00' }).click();
  await payTest(page, '€1.00', /\/library\?order=/);
  const shelf = page.getByRole('region', { name: world.creator.name });
  for (const title of ['Revelation', 'Elf Land', 'Liner notes']) await shelf.getByRole('link', { name: title, exact: true }).waitFor();
  await shelf.getByText('€2.50').waitFor();
  await snap(page, J, '13-library');
  await shelf.getByRole('link', { name: 'Liner notes', exact: true }).click();
  await page.getByText(TEXT_PAID).waitFor();
  await page.getByText('In your library.').waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Keep reading' }).count(), 0);
  await snap(page, J, '14-reading');

  // Play the whole track, seek to 0:40, and keep listening while browsing (boosted navigation).
  await page.goto(world.publicUrl);
  await page.getByRole('button', { name: 'Play Revelation' }).click();
  const full = await waitForPlayer(page, 'the bought track plays', (s) => s.time > 0.5 && !s.paused);
  assert.ok(full.duration > 70, `the full track now (${full.duration})`);
  const box = (await page.locator('.player-wave').boundingBox())!;
  await page.mouse.click(box.x + box.width * (40 / full.duration) + 1, box.y + box.height / 2);
  const seeked = await waitForPlayer(page, 'playing from 0:40', (s) => s.time >= 39.5 && s.time < 50 && !s.paused);
  await page.evaluate(() => { (document.getElementById('player-audio') as HTMLAudioElement & { journeyMark?: string }).journeyMark = 'same-element'; });
  await page.getByRole('link', { name: 'Discover' }).first().click();
  await page.waitForURL(/\/discover/);
  const browsing = await waitForPlayer(page, 'still playing on /discover', (s) => s.time > seeked.time + 1);
  assert.equal(browsing.mark, 'same-element', 'the same <audio> element: the page was swapped, not loaded');
  await page.locator('.disc-card-title a', { hasText: 'Making of Harbour Nights' }).click();
  await page.waitForURL(new RegExp(`/i/${world.items.video}$`));
  await page.getByRole('heading', { name: 'Making of Harbour Nights' }).waitFor();
  const onItem = await waitForPlayer(page, 'still playing on the video page', (s) => s.time > browsing.time + 0.5);
  assert.equal(onItem.mark, 'same-element');
  assert.equal(onItem.paused, false);
  await snap(page, J, '15-playing-while-browsing');
  await page.goBack();
  await page.waitForURL(/\/discover/);
  assert.equal((await playerState(page)).mark, 'same-element', 'going back keeps the player too');

  // A format of the bought track: exactly the stored object.
  await page.goto(`${server.url}/i/${world.items.revelation}`);
  const [mp3] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'MP3 320' }).click()]);
  assert.equal(mp3.suggestedFilename(), `${world.creator.name} - Revelation.mp3`);
  const mp3Path = path.join(scratch, 'revelation.mp3');
  await mp3.saveAs(mp3Path);
  const mp3Stored = await rendition(server, world.items.revelation, 'download-mp3-320');
  const mp3Bytes = fs.readFileSync(mp3Path);
  assert.equal(mp3Bytes.length, mp3Stored.bytes);
  assert.ok(mp3Bytes.equals(await storedObject(server, mp3Stored.key)), 'the download is the stored MP3');
  const probed = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name,duration:stream=bit_rate', '-of', 'json', mp3Path]).toString());
  assert.equal(probed.format.format_name, 'mp3');
  assert.ok(Math.abs(Number(probed.format.duration) - 77.7) < 1, `the whole track (${probed.format.duration} s)`);

  // The album zip of what this fan owns (two of the three tracks), built by the worker.
  assert.deepEqual(await albumZip(page, 'album-two-tracks.zip', 'Download your 2 items'), [
    await zipEntry('01 Elf Land.mp3', world.items.elfLand), await zipEntry('02 Revelation.mp3', world.items.revelation),
  ]);
  await snap(page, J, '16-album-zip');
  assert.deepEqual(errors, [], 'no console errors (CSP violations show up here)');
});

/** What a zip entry must be: the stored MP3 320 of the item, under the album folder. */
async function zipEntry(name: string, itemId: string) {
  const r = await rendition(server, itemId, 'download-mp3-320');
  return { name: `${world.creator.name} - ${world.projectTitle}/${name}`, size: r.bytes, sha256: sha256(await storedObject(server, r.key)) };
}

/** Asks for the album as MP3 320 on the project page, waits out the build, and reads the zip back. */
async function albumZip(page: Page, saveAs: string, heading: string) {
  await page.goto(world.publicUrl);
  await page.getByRole('heading', { name: heading }).waitFor();
  const done = page.waitForEvent('download', { timeout: 90_000 });
  await page.getByRole('link', { name: 'MP3 320 (zip)' }).click();
  const zip = await done;
  assert.equal(zip.suggestedFilename(), `${world.creator.name} - ${world.projectTitle} (MP3 320).zip`);
  const file = path.join(scratch, saveAs);
  await zip.saveAs(file);
  return readZip(file);
}

test('3. a guest buys with an email, opens the emailed link, signs up later with that address and finds the purchase', { timeout: 180_000 }, async () => {
  assert.ok(world.items.zip, 'journey 1 built the catalogue');
  const email = `guest_${Date.now().toString(36)}@example.com`;
  const { page } = await newPage({ downloads: true });

  await page.goto(world.publicUrl);
  await page.getByRole('link', { name: 'Night Buses sample pack' }).first().click();
  await page.getByRole('heading', { name: 'Night Buses sample pack' }).waitFor();
  await page.getByLabel('Email for your receipt').fill(email);
  await snap(page, J, '20-guest-buy');
  await page.getByRole('button', { name: 'Buy for €2.00' }).click();
  await page.waitForURL(/\/checkout\/test\//);
  await page.getByText(`Receipt to ${email}`).waitFor();
  await payTest(page, '€2.00', /\/library\/orders\/[0-9a-f-]{36}\?exp=\d+&sig=/);
  await page.getByRole('heading', { name: 'Receipt' }).waitFor();
  await page.getByText('paid', { exact: true }).waitFor();

  // The receipt email: its link works on its own, with no account and no cookie of the purchase.
  await page.context().clearCookies();
  const mail = await openMail(page, server.url, email, `Your receipt from ${world.creator.name} on Makenot.work`);
  await mail.getByText('Night Buses sample pack — €2.00').waitFor();
  await snap(page, J, '21-receipt-email');
  await mail.getByRole('link').first().click();
  await page.getByRole('heading', { name: 'Receipt' }).waitFor();
  await page.getByRole('link', { name: 'Night Buses sample pack' }).click();
  await page.getByText('In your library.').waitFor();
  await page.getByText('Your receipt email has the link.').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Original (ZIP)' }).click()]);
  const saved = path.join(scratch, 'guest-sample-pack.zip');
  await download.saveAs(saved);
  const original = path.join(DEMO_MEDIA_DIR, 'sample-pack.zip');
  assert.equal(sha256(fs.readFileSync(saved)), sha256(fs.readFileSync(original)), 'the zip exactly as the creator uploaded it');
  assert.deepEqual(readZip(saved).map((e) => e.name), readZip(original).map((e) => e.name));
  await snap(page, J, '22-guest-item');

  // Later: an account with the same address. Only once the address is confirmed is the purchase theirs.
  const username = `guest_${Date.now().toString(36)}`;
  await signUp(page, server.url, { username, email, password: PASSWORD });
  await page.goto(`${server.url}/library`);
  await page.getByText('Nothing here yet.').waitFor();
  await confirmEmail(page, server.url, email);
  await page.goto(`${server.url}/library`);
  const shelf = page.getByRole('region', { name: world.creator.name });
  await shelf.getByRole('link', { name: 'Night Buses sample pack', exact: true }).waitFor();
  await shelf.getByText('€2.00').waitFor();
  await snap(page, J, '23-guest-library');
  await shelf.getByRole('link', { name: 'Night Buses sample pack', exact: true }).click();
  await page.getByRole('link', { name: 'Open your library' }).waitFor();
  await page.getByRole('link', { name: 'Original (ZIP)' }).waitFor();
  assert.deepEqual(errors, [], 'no console errors (CSP violations show up here)');
});

test('4. the creator refunds from the dashboard; the fan can no longer stream, download or read what was refunded', { timeout: 180_000 }, async () => {
  const creatorPage = world.creatorPage;
  const page = world.fanPage;
  const fan = world.fan;
  assert.ok(creatorPage && page && fan, 'journeys 1 and 2 ran');
  const fanEmail = fan.viewer.email;

  await creatorPage.goto(`${server.url}/dashboard/sales`);
  await creatorPage.getByRole('link', { name: `Refund Liner notes to ${fanEmail}` }).waitFor();
  await snap(creatorPage, J, '30-sales');
  for (const title of ['Revelation', 'Liner notes']) {
    await creatorPage.getByRole('link', { name: `Refund ${title} to ${fanEmail}` }).click();
    // A refund cannot be undone: first the confirmation, naming the buyer and the item.
    await creatorPage.getByRole('heading', { name: new RegExp(`^Refund €[\\d.]+ to ${fanEmail.replace(/[.+]/g, '\\$&')}\\?$`) }).waitFor();
    await creatorPage.getByRole('listitem').filter({ hasText: title }).waitFor();
    if (title === 'Revelation') await snap(creatorPage, J, '30b-refund-confirm');
    await creatorPage.getByRole('button', { name: /^Refund €/ }).click();
    await creatorPage.getByText('Refunded. The buyer no longer has access.').waitFor();
  }
  const row = (title: string) => creatorPage.getByRole('row').filter({ hasText: title }).filter({ hasText: fanEmail });
  for (const title of ['Revelation', 'Liner notes']) {
    await row(title).getByText('refunded', { exact: true }).waitFor();
    assert.equal(await row(title).getByRole('link', { name: /^Refund/ }).count(), 0, `${title} cannot be refunded twice`);
  }
  await row('Elf Land').getByText('paid', { exact: true }).waitFor();
  // Revenue: €1.50 + €2.50 + €1.00 from the fan and €2.00 from the guest, less the two refunds.
  await creatorPage.getByRole('row').filter({ hasText: 'EUR' }).getByText('€4.50').first().waitFor();
  await snap(creatorPage, J, '31-refunded');

  // The refunded track: the preview again, the full stream and the downloads refused.
  await page.goto(`${server.url}/i/${world.items.revelation}`);
  await page.getByText(`Preview: the first ${PREVIEW_SECONDS} seconds. Buy it to hear it all.`).waitFor();
  await page.getByRole('button', { name: 'Buy for €1.50' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'MP3 320' }).count(), 0);
  const fileId = await fileOf(page);
  const grant = await playApi(page, fileId);
  assert.equal(grant.body.mode, 'preview');
  assert.doesNotMatch(grant.body.url ?? '', /\/stream\?/);
  for (const format of ['mp3-320', 'original']) {
    const res = await page.request.get(`${server.url}/download/${fileId}/${format}`, { maxRedirects: 0 });
    assert.equal(res.status(), 303, format);
    assert.equal(res.headers().location, `/i/${world.items.revelation}#buy`);
  }
  await page.getByRole('button', { name: 'Play Revelation' }).click();
  const clip = await waitForPlayer(page, 'the preview plays', (s) => s.time > 0.5 && s.duration > 0, 40_000);
  assert.ok(clip.duration <= PREVIEW_SECONDS + 0.5, `only the clip (${clip.duration})`);
  await snap(page, J, '32-refunded-track');

  // The refunded text: its free part only.
  await page.goto(`${server.url}/i/${world.items.text}`);
  await page.getByRole('heading', { name: 'Keep reading' }).waitFor();
  assert.equal(await page.getByText(TEXT_PAID).count(), 0);

  // The library says so; what was not refunded stays.
  await page.goto(`${server.url}/library`);
  const shelf = page.getByRole('region', { name: world.creator.name });
  assert.equal(await shelf.getByText('refunded — no longer available').count(), 2);
  assert.equal(await shelf.getByRole('link', { name: 'Revelation', exact: true }).count(), 0);
  assert.equal(await shelf.getByRole('link', { name: 'Liner notes', exact: true }).count(), 0);
  await shelf.getByRole('link', { name: 'Elf Land', exact: true }).waitFor();
  await snap(page, J, '33-library-after-refund');

  // The album zip now holds only the track still owned.
  assert.deepEqual(await albumZip(page, 'album-one-track.zip', 'Download your 1 item'), [await zipEntry('01 Elf Land.mp3', world.items.elfLand)]);
  assert.deepEqual(errors, [], 'no console errors (CSP violations show up here)');
});
