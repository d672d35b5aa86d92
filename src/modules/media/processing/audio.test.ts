import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { LONG_TITLE, WESNOTH_MUSIC_DIR, makeFormatSamples, wesnothTracks } from './fixtures.ts';
import { processFile, type ProcessResult } from './index.ts';
import { byRole, decodesCleanly, fixtureEnv, probe } from './testing.ts';
import { sanitizeTag } from './tags.ts';
import { computeWaveform, type Waveform } from './waveform.ts';

const env = fixtureEnv();

const DOWNLOADS = ['download:mp3-320', 'download:mp3-v0', 'download:opus', 'download:aac'] as const;

async function tagsOf(file: string) {
  const p = await probe(env.tools, file);
  const a = p.streams.find((s) => s.codec_type === 'audio');
  const lower = (t?: Record<string, string>) => Object.fromEntries(Object.entries(t ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return { probe: p, tags: { ...lower(a?.tags), ...lower(p.format.tags) }, cover: p.streams.some((s) => s.disposition?.attached_pic === 1) };
}

async function checkWaveform(r: ProcessResult) {
  const w = JSON.parse(await readFile(byRole(r.outputs, 'waveform').path, 'utf8')) as Waveform;
  assert.equal(w.buckets, 1000);
  assert.equal(w.peaks.length, 1000);
  assert.ok(w.peaks.every((v) => v >= 0 && v <= 1));
  assert.equal(Math.max(...w.peaks), 1);
  assert.ok(Math.abs(w.duration - (r.metadata.audio?.duration ?? 0)) < 0.1);
  return w;
}

describe('audio processing', () => {
  it('24-bit FLAC with a 100 000-character title: metadata, all formats, FLAC kept 24-bit', async () => {
    const r = await processFile({ inputPath: env.fx.flac24, workDir: env.work('flac24') });
    assert.equal(r.state, 'ready', r.reason);
    const a = r.metadata.audio!;
    assert.deepEqual([a.duration, a.channels, a.sampleRate, a.bitDepth, a.lossless], [4, 2, 48_000, 24, true]);
    const cut = sanitizeTag(LONG_TITLE);
    assert.ok(cut.length <= 500 && cut.length > 490);
    assert.equal(a.tags.title, cut);
    assert.equal(a.tags.artist, 'Fixture Artist');
    for (const role of [...DOWNLOADS, 'download:flac', 'stream'] as const) {
      const out = byRole(r.outputs, role);
      await decodesCleanly(env.tools, out.path);
      const { tags, probe: p } = await tagsOf(out.path);
      assert.equal(tags.title, cut, role);
      assert.equal(tags.album, 'Fixture Album', role);
      assert.match(tags.track ?? tags.tracknumber ?? '', /^3/, role);
      assert.ok(Math.abs(Number(p.format.duration) - 4) < 0.1, `${role} lasts ${p.format.duration}`);
    }
    const flac = (await probe(env.tools, byRole(r.outputs, 'download:flac').path)).streams[0];
    assert.equal(flac?.bits_per_raw_sample, '24');
    const mp3 = (await probe(env.tools, byRole(r.outputs, 'download:mp3-320').path));
    assert.equal(mp3.streams[0]?.bit_rate, '320000');
    assert.equal(byRole(r.outputs, 'stream').contentType, 'audio/mp4');
    await checkWaveform(r);
  });

  it('MP3 with an embedded cover: cover extracted, embedded in every download, no FLAC from lossy', async () => {
    const r = await processFile({ inputPath: env.fx.mp3Cover, workDir: env.work('cover'),
      tags: { title: 'Typed title', trackNumber: 7 } });
    assert.equal(r.state, 'ready', r.reason);
    assert.equal(r.metadata.audio?.hasCoverArt, true);
    const cover = byRole(r.outputs, 'cover');
    assert.equal(cover.contentType, 'image/jpeg');
    const meta = await sharp(cover.path).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 400, 400]);
    assert.ok(!r.outputs.some((o) => o.role === 'download:flac'), 'no FLAC from a lossy source');
    for (const role of DOWNLOADS) {
      const { tags, cover: hasCover } = await tagsOf(byRole(r.outputs, role).path);
      assert.equal(tags.title, 'Typed title', role);
      assert.equal(tags.artist, 'Fixture Artist', role);
      assert.match(tags.track ?? '', /^7/, role);
      assert.ok(hasCover, `${role} carries the cover`);
    }
  });

  it('a separate cover file is used and cleaned', async () => {
    const r = await processFile({ inputPath: env.fx.wavAsMp3, workDir: env.work('sepcover'), coverPath: env.fx.jpegGps });
    assert.equal(r.state, 'ready', r.reason);
    const meta = await sharp(byRole(r.outputs, 'cover').path).metadata();
    assert.equal(meta.exif, undefined);
    assert.equal(meta.width, 1200);
    assert.ok(byRole(r.outputs, 'download:flac'), 'WAV is lossless: FLAC offered');
  });

  it('real recorded music (wesnoth OGG Vorbis): durations, real tags, playable outputs', async () => {
    for (const [i, track] of wesnothTracks().entries()) {
      const r = await processFile({ inputPath: track, workDir: env.work(`ogg${i}`) });
      assert.equal(r.state, 'ready', r.reason);
      const a = r.metadata.audio!;
      const expected = i === 0 ? { title: 'Victory', duration: 5.457 } : { title: 'Defeat', duration: 8.487 };
      assert.equal(a.tags.title, expected.title);
      assert.equal(a.tags.artist, 'Timothy Pinkham');
      assert.equal(a.codec, 'vorbis');
      assert.ok(Math.abs(a.duration - expected.duration) < 0.01);
      assert.ok(!r.outputs.some((o) => o.role === 'download:flac'));
      for (const role of ['stream', ...DOWNLOADS] as const) {
        const out = byRole(r.outputs, role);
        await decodesCleanly(env.tools, out.path);
        const { tags, probe: p } = await tagsOf(out.path);
        assert.equal(tags.title, expected.title, role);
        assert.ok(Math.abs(Number(p.format.duration) - expected.duration) < 0.1, `${role}: ${p.format.duration}`);
      }
      const w = await checkWaveform(r);
      assert.ok(w.peaks.filter((v) => v > 0.05).length > 500, 'real music is mostly not silence');
    }
  });

  it('MP3 without a Xing header and raw AAC: estimated durations are replaced by the decoded length', async () => {
    const samples = (await makeFormatSamples(env.work('samples'), env.tools)).filter((x) => ['mp3', 'aac'].includes(x.format));
    assert.equal(samples.length, 2);
    for (const sample of samples) {
      const r = await processFile({ inputPath: sample.path, workDir: env.work(`est-${sample.format}`) });
      assert.equal(r.state, 'ready', r.reason);
      assert.ok(Math.abs((r.metadata.audio?.duration ?? 0) - 1) < 0.1, `${sample.format}: ${r.metadata.audio?.duration}`);
    }
  });

  it('waveform memory stays bounded when a header understates the length', async () => {
    const track = `${WESNOTH_MUSIC_DIR}/sad.ogg`; // 44 s: ~980 000 samples folded from a 1 s guess
    const honest = await computeWaveform(env.tools, track, 44.4, true);
    const lied = await computeWaveform(env.tools, track, 1, false);
    assert.equal(lied.buckets, 1000);
    assert.equal(lied.duration, honest.duration);
    const diff = lied.peaks.reduce((a, v, i) => a + Math.abs(v - (honest.peaks[i] ?? 0)), 0) / 1000;
    assert.ok(diff < 0.03, `mean difference ${diff}`);
  });

  it('a truncated MP3 fails with the reason, before any encode', async () => {
    const r = await processFile({ inputPath: env.fx.truncatedMp3, workDir: env.work('trunc') });
    assert.equal(r.state, 'failed');
    assert.match(r.reason ?? '', /truncated or corrupt: its header says 6\.\d s but only 2\.\d s/);
    assert.deepEqual(r.outputs, []);
    assert.ok(!(await readdir(env.work('trunc'))).some((f) => f.endsWith('.mp3')), 'no rendition was encoded');
  });

  it('re-running produces the same outputs, no duplicates, no leftovers', async () => {
    const workDir = env.work('twice');
    const first = await processFile({ inputPath: env.fx.mp3Cover, workDir });
    const filesAfterFirst = (await readdir(workDir)).sort();
    const second = await processFile({ inputPath: env.fx.mp3Cover, workDir });
    assert.deepEqual(second.outputs.map((o) => [o.role, o.path]), first.outputs.map((o) => [o.role, o.path]));
    assert.deepEqual((await readdir(workDir)).sort(), filesAfterFirst);
    assert.ok(!filesAfterFirst.includes('.tmp'));
    assert.equal(new Set(second.outputs.map((o) => o.role)).size, second.outputs.length);
    assert.deepEqual(second.metadata, first.metadata);
  });
});
