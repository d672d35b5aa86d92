// What a ready file shows on the dashboard item page (duration, channels and sample rate, a
// waveform, the video poster, the download formats) and what itemMedia() gives the item page
// and the player.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { creatorWithItem, uploadBytes } from '../../../test/support/uploads.ts';
import { createItem } from '../catalog/items-service.ts';
import { itemMedia } from './item-media.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

const ff = (...args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args, 'pipe:1'], { maxBuffer: 64 << 20 });

test('an audio and a video file: facts, waveform, poster and formats on the page; itemMedia for the player', async () => {
  const { creator, itemId } = await creatorWithItem(t, { type: 'audio', tier: 'small_files' });
  const wav = ff('-f', 'lavfi', '-i', 'sine=frequency=220:duration=65:sample_rate=44100', '-ac', '2', '-af', 'volume=0.5,afade=t=in:d=30', '-f', 'wav');
  const audio = await uploadBytes(t, creator, { itemId }, 'long tone.wav', wav);
  const project = (await t.deps.db.selectFrom('items').select('project_id').where('id', '=', itemId).executeTakeFirstOrThrow()).project_id;
  const videoItem = await createItem(t.deps, creator.viewer, project, { type: 'video', title: 'Clip' });
  const mp4 = ff('-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-an', '-movflags', '+frag_keyframe+empty_moov', '-f', 'mp4');
  const video = await uploadBytes(t, creator, { itemId: videoItem }, 'clip.mp4', mp4);
  await t.drainJobs();

  const page = await creator.client.get(`/dashboard/items/${itemId}/edit?step=details`);
  assert.match(page.html, /1:05 · stereo · 44\.1 kHz · 16-bit · WAV/);
  assert.match(page.html, /<svg class="media-waveform"[^>]*>(<rect [^>]+><\/rect>){100,}/, 'a waveform drawn from the peaks');
  const bars = [...page.html.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="1.4" height="(\d+)"/g)].map((m) => Number(m[1]));
  assert.ok(bars[0]! < bars[bars.length - 1]!, 'the fade-in shows: quiet at the start, loud at the end');
  assert.match(page.html, /Downloads:<\/span> Original \(WAV\), FLAC, MP3 320k, MP3 V0, AAC 256k, Opus/);

  const vpage = await creator.client.get(`/dashboard/items/${videoItem}/edit?step=details`);
  assert.match(vpage.html, /0:02 · 640 × 360 · no sound · MP4/);
  const poster = /<img class="media-poster" src="([^"]+)"/.exec(vpage.html)?.[1];
  assert.ok(poster, 'the poster is shown');
  const got = await t.app.request(poster.replace(/&amp;/g, '&'));
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'image/webp');
  assert.match(vpage.html, /Downloads:<\/span> Original \(MP4\), 360p MP4/);

  const files = await itemMedia(t.deps, itemId);
  assert.equal(files.length, 1);
  assert.equal(files[0]!.id, audio.id);
  assert.equal(files[0]!.kind, 'audio');
  assert.equal(Math.round(files[0]!.duration!), 65);
  assert.deepEqual(files[0]!.derivatives.map((d) => d.kind).sort(),
    ['download-aac', 'download-flac', 'download-mp3-320', 'download-mp3-v0', 'download-opus', 'stream', 'waveform']);
  assert.ok(files[0]!.derivatives.every((d) => d.key.startsWith(`media/${creator.viewer.id}/${audio.id}/`) && d.bytes > 0));
  assert.ok(files[0]!.readyAt instanceof Date);
  const [v] = await itemMedia(t.deps, videoItem);
  assert.equal(v!.id, video.id);
  assert.ok(v!.derivatives.some((d) => d.kind === 'poster-webp'));

  // Files still on their way, or failed, are not offered to the player.
  await t.deps.db.updateTable('media_files').set({ state: 'failed', state_reason: 'x' }).where('id', '=', audio.id).execute();
  assert.deepEqual(await itemMedia(t.deps, itemId), []);
});
