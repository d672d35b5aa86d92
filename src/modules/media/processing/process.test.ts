import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { processFile } from './index.ts';
import { fixtureEnv } from './testing.ts';

const env = fixtureEnv();

describe('processFile', () => {
  it('a WAV renamed .mp3 is processed as WAV (lossless, so FLAC is offered)', async () => {
    const r = await processFile({ inputPath: env.fx.wavAsMp3, workDir: env.work('wav'), kindHint: 'audio' });
    assert.deepEqual([r.kind, r.state, r.metadata.format, r.metadata.contentType], ['audio', 'ready', 'wav', 'audio/wav']);
    assert.ok(r.outputs.some((o) => o.role === 'download:flac'));
    assert.equal(r.metadata.audio?.bitDepth, 16);
  });

  it('a text file renamed .flac is other; with an audio hint it fails as unsupported', async () => {
    const plain = await processFile({ inputPath: env.fx.textAsFlac, workDir: env.work('txt') });
    assert.deepEqual([plain.kind, plain.state, plain.metadata.format], ['other', 'ready', 'unknown']);
    const hinted = await processFile({ inputPath: env.fx.textAsFlac, workDir: env.work('txt2'), kindHint: 'audio' });
    assert.equal(hinted.state, 'failed');
    assert.match(hinted.reason ?? '', /^not a supported audio file \(the content is not a format we recognise\); upload MP3, WAV/);
  });

  it('FLAC behind an ID3 tag is processed as FLAC', async () => {
    const r = await processFile({ inputPath: env.fx.flacWithId3, workDir: env.work('id3flac') });
    assert.deepEqual([r.state, r.metadata.format, r.metadata.audio?.bitDepth], ['ready', 'flac', 24]);
    assert.ok(r.outputs.some((o) => o.role === 'download:flac'));
  });

  it('a zero-byte file fails with a reason', async () => {
    const r = await processFile({ inputPath: env.fx.empty, workDir: env.work('empty'), kindHint: 'audio' });
    assert.deepEqual([r.state, r.reason, r.outputs], ['failed', 'the file is empty (0 bytes)', []]);
  });

  it('a file named with emoji, a colon and right-to-left text works, and writes only under workDir', async () => {
    const inputDir = path.dirname(env.fx.unicodeName);
    const before = (await readdir(inputDir)).sort();
    const workDir = env.work('unicode: 🎵 שלום');
    const r = await processFile({ inputPath: env.fx.unicodeName, workDir });
    assert.equal(r.state, 'ready', r.reason);
    assert.deepEqual((await readdir(inputDir)).sort(), before, 'nothing written next to the input');
    for (const o of r.outputs) {
      if (o.role === 'download:original') assert.equal(o.path, env.fx.unicodeName);
      else assert.ok(o.path.startsWith(workDir + path.sep), o.path);
    }
  });

  it('re-running a video gives the same outputs without duplicates', async () => {
    const workDir = env.work('video-twice');
    const a = await processFile({ inputPath: env.fx.videoSilent, workDir });
    const files = (await readdir(workDir)).sort();
    const b = await processFile({ inputPath: env.fx.videoSilent, workDir });
    assert.deepEqual(b.outputs.map((o) => o.path), a.outputs.map((o) => o.path));
    assert.deepEqual((await readdir(workDir)).sort(), files);
    assert.deepEqual(files, ['poster.jpg', 'poster.webp', 'video-360p.mp4']);
  });
});
