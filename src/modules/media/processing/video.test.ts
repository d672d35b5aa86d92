import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { processFile } from './index.ts';
import { byRole, decodesCleanly, fixtureEnv, probe, topLevelBoxes } from './testing.ts';
import { targetHeights } from './video.ts';

const env = fixtureEnv();

describe('video processing', () => {
  it('never upscales: 1080 → 720+360, 480 → 360, 360 → 360, 240 → 240', () => {
    assert.deepEqual(targetHeights(1080), [720, 360]);
    assert.deepEqual(targetHeights(480), [360]);
    assert.deepEqual(targetHeights(360), [360]);
    assert.deepEqual(targetHeights(241), [240]);
  });

  it('640×360 with sound: a 360p H.264/AAC faststart MP4 and a poster', async () => {
    const r = await processFile({ inputPath: env.fx.video, workDir: env.work('video') });
    assert.equal(r.state, 'ready', r.reason);
    assert.equal(r.kind, 'video');
    const v = r.metadata.video!;
    assert.deepEqual([v.width, v.height, v.hasAudio, v.duration], [640, 360, true, 2]);
    assert.ok(!r.outputs.some((o) => o.role === 'video-720p'), 'no 720p from a 360p source');
    const out = byRole(r.outputs, 'video-360p');
    const p = await probe(env.tools, out.path);
    const vs = p.streams.find((s) => s.codec_type === 'video');
    assert.deepEqual([vs?.codec_name, vs?.width, vs?.height], ['h264', 640, 360]);
    assert.equal(p.streams.find((s) => s.codec_type === 'audio')?.codec_name, 'aac');
    const boxes = await topLevelBoxes(out.path);
    assert.ok(boxes.indexOf('moov') < boxes.indexOf('mdat'), `faststart: ${boxes.join(',')}`);
    await decodesCleanly(env.tools, out.path);
    const poster = await sharp(byRole(r.outputs, 'poster').path).metadata();
    assert.deepEqual([poster.format, poster.width, poster.height], ['jpeg', 640, 360]);
    assert.equal((await sharp(byRole(r.outputs, 'poster-webp').path).metadata()).format, 'webp');
  });

  it('a video without an audio stream works: 480p source gives a silent 360p only', async () => {
    const r = await processFile({ inputPath: env.fx.videoSilent, workDir: env.work('silent') });
    assert.equal(r.state, 'ready', r.reason);
    assert.equal(r.metadata.video?.hasAudio, false);
    assert.deepEqual(r.outputs.filter((o) => o.role.startsWith('video-')).map((o) => o.role), ['video-360p']);
    const p = await probe(env.tools, byRole(r.outputs, 'video-360p').path);
    assert.deepEqual(p.streams.map((s) => s.codec_type), ['video']);
    const vs = p.streams[0];
    assert.deepEqual([vs?.width, vs?.height], [640, 360]); // 854×480 scaled keeping 16:9, even width
    assert.ok(byRole(r.outputs, 'poster').bytes > 0);
  });

  it('portrait 720×1280: "720p" means the short side, so 720×1280 and 360×640', async () => {
    const r = await processFile({ inputPath: env.fx.portraitVideo, workDir: env.work('portrait') });
    assert.equal(r.state, 'ready', r.reason);
    const sizes = [];
    for (const role of ['video-720p', 'video-360p'] as const) {
      const vs = (await probe(env.tools, byRole(r.outputs, role).path)).streams[0];
      sizes.push([vs?.width, vs?.height]);
    }
    assert.deepEqual(sizes, [[720, 1280], [360, 640]]);
  });

  it('a truncated video fails with a reason', async () => {
    const r = await processFile({ inputPath: env.fx.truncatedVideo, workDir: env.work('cut') });
    assert.equal(r.state, 'failed');
    assert.match(r.reason ?? '', /moov atom not found/);
  });

  it('a video hint on an audio file fails clearly', async () => {
    const r = await processFile({ inputPath: env.fx.wavAsMp3, workDir: env.work('hint'), kindHint: 'video' });
    assert.equal(r.state, 'failed');
    assert.match(r.reason ?? '', /^expected video but the file is audio \(wav\); upload an MP4/);
  });
});
