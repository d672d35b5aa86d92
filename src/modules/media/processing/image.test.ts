import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { processFile } from './index.ts';
import { byRole, fixtureEnv } from './testing.ts';

const env = fixtureEnv();

// The EXIF GPS IFD pointer tag (0x8825) in either byte order.
const hasGpsPointer = (exif: Buffer) => exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));

describe('image processing', () => {
  it('the fixture really carries EXIF with GPS', async () => {
    const m = await sharp(env.fx.jpegGps).metadata();
    assert.ok(m.exif && hasGpsPointer(m.exif));
  });

  it('WebP thumbnails at 320/640/1280 with EXIF and GPS stripped', async () => {
    const r = await processFile({ inputPath: env.fx.jpegGps, workDir: env.work('gps'), kindHint: 'image' });
    assert.equal(r.state, 'ready', r.reason);
    assert.deepEqual(r.metadata.image, { width: 1600, height: 1000, format: 'jpeg', hadExif: true, animated: false });
    assert.deepEqual(r.outputs.map((o) => o.role), ['download:original', 'thumb-320', 'thumb-640', 'thumb-1280']);
    for (const w of [320, 640, 1280] as const) {
      const m = await sharp(byRole(r.outputs, `thumb-${w}`).path).metadata();
      assert.deepEqual([m.format, m.width, m.height], ['webp', w, Math.round((w * 1000) / 1600)]);
      assert.equal(m.exif, undefined, `thumb-${w} has no EXIF`);
      assert.equal(m.xmp, undefined);
    }
  });

  it('never upscales: a 200 px image gets one 200 px thumbnail', async () => {
    const r = await processFile({ inputPath: env.fx.smallPng, workDir: env.work('small') });
    assert.deepEqual(r.outputs.map((o) => o.role), ['download:original', 'thumb-320']);
    const m = await sharp(byRole(r.outputs, 'thumb-320').path).metadata();
    assert.deepEqual([m.width, m.height, m.hasAlpha], [200, 150, true]);
  });

  it('refuses a decompression bomb from its header', async () => {
    const r = await processFile({ inputPath: env.fx.imageBomb, workDir: env.work('bomb') });
    assert.equal(r.state, 'failed');
    assert.match(r.reason ?? '', /100000 × 100000 pixels.*decompression bomb/);
    assert.deepEqual(r.outputs, []);
  });

  it('an image hint on a text file says it is not a supported image', async () => {
    const r = await processFile({ inputPath: env.fx.textAsFlac, workDir: env.work('txt'), kindHint: 'image' });
    assert.equal(r.state, 'failed');
    assert.match(r.reason ?? '', /not a supported image/);
  });
});
