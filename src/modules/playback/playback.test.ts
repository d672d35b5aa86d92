// Playback and downloads through the app, on real tracks processed by the real pipeline (real
// ffmpeg, the local storage backend): who gets the full stream, the preview clip or nothing;
// signed URLs that refuse tampering, expiry and reuse for another object; Range requests;
// play counting; downloads with safe names and the stored bytes; refunds taking access away.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { TestClient } from '../../../test/support/client.ts';
import { checkoutKey } from '../../../test/support/commerce.ts';
import { publishedProject, signUpCreator, signUpUser, type TestUser } from '../../../test/support/factories.ts';
import { uploadThroughPipeline } from '../../../test/support/uploads.ts';
import { WESNOTH_MUSIC_DIR } from '../media/processing/fixtures.ts';
import { updateItem } from '../catalog/items-service.ts';

let t: TestApp;
let creator: TestUser;
let fan: TestUser;
const item = { clip: '', plays: '', off: '', free: '' };
const file = { clip: '', plays: '', off: '', free: '' };
const track = (name: string) => path.join(WESNOTH_MUSIC_DIR, name);

before(async () => {
  t = await createTestApp();
  creator = await signUpCreator(t, { currency: 'USD' });
  fan = await signUpUser(t);
  await creator.client.get('/dashboard');
  const upload = (name: string) => (id: string) => uploadThroughPipeline(t, creator, id, track(name));
  const { itemIds, fileIds } = await publishedProject(t, creator, 'Tavern Songs', [
    { type: 'audio', title: 'Clip: Night ☾ Watch', fields: { price_kind: 'fixed', price_amount: '2.00', preview_mode: 'clip', preview_seconds: '5' }, file: upload('elf-land.ogg') },
    { type: 'audio', title: 'Two plays', fields: { price_kind: 'fixed', price_amount: '1.00', preview_mode: 'plays', preview_plays: '2' }, file: upload('defeat.ogg') },
    { type: 'audio', title: 'Buyers only', fields: { price_kind: 'fixed', price_amount: '1.00', preview_mode: 'off' }, file: upload('victory.ogg') },
    { type: 'audio', title: 'Gift: for/you?', fields: { price_kind: 'free' }, file: upload('defeat2.ogg') },
  ]);
  [item.clip, item.plays, item.off, item.free] = itemIds as [string, string, string, string];
  [file.clip, file.plays, file.off, file.free] = fileIds as [string, string, string, string];
  const states = await t.deps.db.selectFrom('media_files').select(['id', 'state', 'state_reason']).where('creator_id', '=', creator.viewer.id).execute();
  for (const s of states) assert.equal(s.state, 'ready', `${s.id}: ${s.state_reason}`);
});
after(() => t.close());

async function play(client: TestClient, fileId: string, query = '') {
  const res = await client.get(`/api/play/${fileId}${query}`);
  return { status: res.status, json: JSON.parse(res.html) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}
const anonymous = () => new TestClient(t.app);
const fetchUrl = (url: string, headers: Record<string, string> = {}) => t.app.request(url, { headers });

async function buy(user: TestUser, itemId: string) {
  await user.client.get(`/i/${itemId}`);
  const checkout = await user.client.post(`/i/${itemId}/checkout`, { checkout_key: checkoutKey() });
  assert.equal(checkout.status, 303, checkout.html.slice(0, 300));
  const location = checkout.headers.get('location')!;
  if (location.startsWith('/checkout/')) await user.client.post(location, { outcome: 'pay' });
}

function probeSeconds(bytes: Buffer): number {
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'probe-')), 'clip.m4a');
  fs.writeFileSync(tmp, bytes);
  try {
    return Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', tmp]).toString().trim());
  } finally {
    fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  }
}

describe('streams', () => {
  test('the owner streams in full, with Range requests on the signed URL, and is not counted as a play', async () => {
    const r = await play(creator.client, file.clip);
    assert.equal(r.status, 200);
    assert.equal(r.json.mode, 'full');
    assert.equal(r.json.playId, undefined);
    assert.equal(r.json.contentType, 'audio/mp4');
    const whole = await fetchUrl(r.json.url);
    assert.equal(whole.status, 200);
    const bytes = Buffer.from(await whole.arrayBuffer());
    assert.ok(bytes.length > 10_000);
    const part = await fetchUrl(r.json.url, { range: 'bytes=100-1099' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-1099/${bytes.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 1100));
    assert.ok(Math.abs(probeSeconds(bytes) - 26.8) < 1, 'the full stream is the whole track');
  });

  test('a visitor gets only the preview clip, cut on demand; the full file is never issued', async () => {
    const visitor = anonymous();
    const first = await play(visitor, file.clip);
    assert.equal(first.status, 202, 'the clip is cut by the worker on first request');
    assert.equal(first.json.preparing, true);
    await t.drainJobs();
    const r = await play(visitor, file.clip);
    assert.equal(r.status, 200);
    assert.equal(r.json.mode, 'preview');
    assert.equal(r.json.previewSeconds, 5);
    const clip = Buffer.from(await (await fetchUrl(r.json.url)).arrayBuffer());
    assert.ok(Math.abs(probeSeconds(clip) - 5) < 0.6, 'the clip is five seconds long');
    // Without JavaScript the native player follows the same decision.
    const noJs = await visitor.get(`/play/${file.clip}`);
    assert.equal(noJs.status, 302);
    assert.match(noJs.headers.get('location')!, /preview-5s/);
    assert.equal(noJs.headers.get('cache-control'), 'no-store');
  });

  test('tampered, expired and re-aimed URLs are refused with 403', async () => {
    const owner = await play(creator.client, file.clip);
    const url = new URL(owner.json.url, 'http://x');
    const sig = url.searchParams.get('sig')!;
    url.searchParams.set('sig', `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`);
    assert.equal((await fetchUrl(url.pathname + url.search)).status, 403, 'a changed signature');
    const other = await play(creator.client, file.free);
    const otherUrl = new URL(other.json.url, 'http://x');
    const reaimed = `${otherUrl.pathname}${new URL(owner.json.url, 'http://x').search}`;
    assert.equal((await fetchUrl(reaimed)).status, 403, 'one file\'s signature on another file');
    const later = Date.now() + 11 * 60_000;
    const clock = t.deps.clock;
    t.deps.clock = { now: () => new Date(later) };
    try {
      assert.equal((await fetchUrl(owner.json.url)).status, 403, 'expired after the stream TTL');
    } finally {
      t.deps.clock = clock;
    }
    assert.equal((await fetchUrl(owner.json.url)).status, 200, 'and fine before it');
  });

  test('free plays are counted per listener on the server', async () => {
    const visitor = anonymous();
    const first = await play(visitor, file.plays);
    assert.equal(first.json.mode, 'full');
    assert.equal(first.json.freePlaysLeft, 1);
    const again = await play(visitor, file.plays);
    assert.equal(again.json.playId, first.json.playId, 'the same element asking again within a minute is the same play');
    const refreshed = await play(visitor, file.plays, `?play=${first.json.playId}`);
    assert.equal(refreshed.json.playId, first.json.playId, 'refreshing a URL is not a new play');
    const clock = t.deps.clock;
    let shift = 0;
    t.deps.clock = { now: () => new Date(Date.now() + shift) };
    try {
      shift = 90_000;
      const second = await play(visitor, file.plays);
      assert.equal(second.json.mode, 'full');
      assert.equal(second.json.freePlaysLeft, 0);
      shift = 180_000;
      const third = await play(visitor, file.plays);
      assert.equal(third.status, 403);
      assert.match(third.json.error, /used the free plays/);
      const resumed = await play(visitor, file.plays, `?play=${second.json.playId}`);
      assert.equal(resumed.status, 200, 'a play in progress can still refresh its URL');
      assert.equal((await play(anonymous(), file.plays)).json.mode, 'full', 'another listener has their own plays');
    } finally {
      t.deps.clock = clock;
    }
  });

  test('no preview: only buyers listen; drafts are 404 to everyone but the owner', async () => {
    const r = await play(anonymous(), file.off);
    assert.equal(r.status, 403);
    assert.match(r.json.error, /no preview/);
    assert.equal((await anonymous().get(`/play/${file.off}`)).status, 403);
    await updateItem(t.deps, creator.viewer, item.off, { title: 'Buyers only' });
    await t.deps.db.updateTable('items').set({ status: 'unpublished' }).where('id', '=', item.off).execute();
    try {
      assert.equal((await play(anonymous(), file.off)).status, 404);
      assert.equal((await play(fan.client, file.off)).status, 404);
      assert.equal((await play(creator.client, file.off)).status, 200);
    } finally {
      await t.deps.db.updateTable('items').set({ status: 'published' }).where('id', '=', item.off).execute();
    }
    for (const bad of ['nope', '00000000-0000-4000-8000-000000000000', '%00']) assert.equal((await play(anonymous(), bad)).status, 404);
  });

  test('a play counts after 30 s, or the whole track when shorter, once, and only for its listener', async () => {
    await buy(fan, item.off);
    const r = await play(fan.client, file.off);
    assert.equal(r.json.mode, 'full');
    const count = (client: TestClient, listened: unknown) => client.send(`/api/plays/${r.json.playId}`, {
      method: 'POST', body: JSON.stringify({ listened }), headers: { 'content-type': 'application/json', 'x-csrf-token': client.csrf },
    }).then((res) => JSON.parse(res.html).counted as boolean);
    const counted = () => t.deps.db.selectFrom('plays').select('counted_at').where('id', '=', r.json.playId).executeTakeFirstOrThrow();
    assert.equal(await count(fan.client, 5), false, 'the 5.5 s track has not been heard yet by the server\'s clock');
    const clock = t.deps.clock;
    t.deps.clock = { now: () => new Date(Date.now() + 10_000) };
    try {
      assert.equal(await count(fan.client, 1), false, 'a client that heard only a second');
      assert.equal(await count(fan.client, 'NaN'), false);
      const other = await signUpUser(t);
      await other.client.get('/');
      assert.equal(await count(other.client, 6), false, 'someone else\'s play id');
      assert.equal(await count(fan.client, 6), true);
      assert.equal(await count(fan.client, 6), false, 'once');
      assert.ok((await counted()).counted_at);
    } finally {
      t.deps.clock = clock;
    }
  });
});

describe('downloads', () => {
  test('formats are shown before purchase; buying unlocks downloads with safe names and the stored bytes', async () => {
    const visitorPage = await anonymous().get(`/i/${item.clip}`);
    assert.match(visitorPage.html, /MP3 320 · MP3 V0 · AAC · Opus · Original \(OGG\)/);
    assert.doesNotMatch(visitorPage.html, /\/download\//, 'no download links for visitors');
    const refused = await fan.client.get(`/download/${file.clip}/mp3-320`);
    assert.equal(refused.status, 303);
    assert.equal(refused.headers.get('location'), `/i/${item.clip}#buy`);

    await buy(fan, item.clip);
    const library = await fan.client.get('/library');
    assert.match(library.html, new RegExp(`data-file="${file.clip}"[^>]*data-queue="library"`), 'the library plays it in the site player');
    assert.match(library.html, new RegExp(`href="/i/${item.clip}#downloads-h">Download</a>`));
    const page = await fan.client.get(`/i/${item.clip}`);
    assert.match(page.html, new RegExp(`/download/${file.clip}/mp3-320`));
    const res = await fan.client.get(`/download/${file.clip}/mp3-320`);
    assert.equal(res.status, 302);
    const got = await fetchUrl(res.headers.get('location')!);
    assert.equal(got.status, 200);
    const disposition = got.headers.get('content-disposition')!;
    assert.match(disposition, /^attachment; filename="[^"/\\:*?<>|]+\.mp3"; filename\*=UTF-8''/);
    const name = decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1]!);
    assert.equal(name, `${creator.viewer.displayName} - Clip- Night ☾ Watch.mp3`);
    const body = Buffer.from(await got.arrayBuffer());
    const row = await t.deps.db.selectFrom('media_derivatives').select('object_key').where('media_file_id', '=', file.clip).where('kind', '=', 'download-mp3-320').executeTakeFirstOrThrow();
    const stored = await t.deps.store.get(row.object_key);
    const hash = createHash('sha256');
    for await (const chunk of stored.body) hash.update(chunk as Buffer);
    assert.equal(createHash('sha256').update(body).digest('hex'), hash.digest('hex'), 'the download is the stored object');
    const n = await t.deps.db.selectFrom('downloads').select((eb) => eb.fn.countAll<number>().as('n')).where('item_id', '=', item.clip).executeTakeFirstOrThrow();
    assert.equal(Number(n.n), 1, 'the download was recorded');
    assert.equal((await fan.client.get(`/download/${file.clip}/flac`)).status, 404, 'no FLAC from a lossy source');
    assert.equal((await fan.client.get(`/download/${file.clip}/../../etc`)).status, 404);
  });

  test('free items stream for everyone; downloads need a claim (an account or an email)', async () => {
    assert.equal((await play(anonymous(), file.free)).json.mode, 'full');
    const claimer = await signUpUser(t);
    const before = await claimer.client.get(`/download/${file.free}/original`);
    assert.equal(before.status, 303);
    const flash = await claimer.client.get(before.headers.get('location')!);
    assert.match(flash.html, /This is free: get it first/);
    await buy(claimer, item.free);
    const res = await claimer.client.get(`/download/${file.free}/original`);
    assert.equal(res.status, 302);
    const got = await fetchUrl(res.headers.get('location')!);
    assert.match(got.headers.get('content-disposition')!, / - Gift- for-you_\.ogg"/, "slash and question mark replaced in the ASCII name");
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), fs.readFileSync(track('defeat2.ogg')), 'the original, byte for byte');
  });

  test('a refund takes streams and downloads away', async () => {
    const buyer = await signUpUser(t);
    await buy(buyer, item.plays);
    assert.equal((await play(buyer.client, file.plays)).json.mode, 'full');
    assert.equal((await buyer.client.get(`/download/${file.plays}/mp3-v0`)).status, 302);
    const order = await t.deps.db.selectFrom('orders').select('id').where('buyer_id', '=', buyer.viewer.id).executeTakeFirstOrThrow();
    await creator.client.get('/dashboard/sales');
    assert.equal((await creator.client.post(`/dashboard/sales/${order.id}/refund`, { confirm: 'yes' })).status, 303);
    assert.equal((await buyer.client.get(`/download/${file.plays}/mp3-v0`)).status, 303, 'download refused after the refund');
    // Back to the visitors' rules: the play made as a buyer was one of the two free plays.
    const clock = t.deps.clock;
    let shift = 0;
    t.deps.clock = { now: () => new Date(Date.now() + shift) };
    try {
      shift = 90_000;
      assert.equal((await play(buyer.client, file.plays)).json.freePlaysLeft, 0);
      shift = 180_000;
      assert.equal((await play(buyer.client, file.plays)).status, 403);
    } finally {
      t.deps.clock = clock;
    }
  });
});
