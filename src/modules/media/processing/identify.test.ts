import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCodecs, locateNpmTools, run, runOk, ToolFailedError, ToolTimeoutError } from './ffmpeg.ts';
import { makeFormatSamples, wesnothTracks } from './fixtures.ts';
import { identify, sniff } from './identify.ts';
import { resolveTags, sanitizeTag, sanitizeTags } from './tags.ts';
import { fixtureEnv } from './testing.ts';
import { ProcessingError } from './types.ts';

const env = fixtureEnv();

describe('ffmpeg tools', () => {
  it('finds the system ffmpeg with every codec processing needs', async () => {
    const report = await checkCodecs(env.tools);
    assert.deepEqual(report.missing, [], `missing: ${report.missing.join(', ')}`);
    assert.match(report.version, /^ffmpeg version/);
  });

  it('the npm-shipped fallback binaries run and have the codecs too', async () => {
    const tools = await locateNpmTools();
    assert.equal(tools.source, 'npm');
    const report = await checkCodecs(tools);
    assert.deepEqual(report.missing, []);
  });

  it('spawns without a shell, captures stderr and enforces timeouts', async () => {
    const r = await run(env.tools.ffmpeg, ['-v', 'error', '-i', 'file:/nonexistent; touch /tmp/pwned']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /No such file/);
    await assert.rejects(runOk(env.tools.ffprobe, ['-v', 'error', 'file:/nonexistent']), ToolFailedError);
    await assert.rejects(run('sleep', ['5'], { timeoutMs: 100 }), ToolTimeoutError);
  });
});

describe('identify by content', () => {
  it('recognises each fixture by its bytes, not its name', async () => {
    const { fx } = env;
    const cases: [string, string, string][] = [
      [fx.flac24, 'audio', 'flac'], [fx.mp3Cover, 'audio', 'mp3'], [fx.wavAsMp3, 'audio', 'wav'],
      [fx.unicodeName, 'audio', 'wav'], [fx.video, 'video', 'mp4'], [fx.videoSilent, 'video', 'mp4'],
      [fx.jpegGps, 'image', 'jpeg'], [fx.smallPng, 'image', 'png'], [fx.imageBomb, 'image', 'png'],
      [fx.zipBomb, 'archive', 'zip'], [fx.tarTraversal, 'archive', 'gzip'], [fx.textAsFlac, 'other', 'unknown'],
    ];
    for (const [file, kind, format] of cases) {
      const id = await identify(env.tools, file);
      assert.deepEqual([id.kind, id.format], [kind, format], file);
    }
  });

  it('every supported container, whatever the file is called', async () => {
    for (const sample of await makeFormatSamples(env.work('formats'), env.tools)) {
      const id = await identify(env.tools, sample.path);
      assert.deepEqual([id.kind, id.format], [sample.kind, sample.format], JSON.stringify(sample));
    }
  });

  it('an ID3 tag in front of FLAC does not make it an MP3', async () => {
    const id = await identify(env.tools, env.fx.flacWithId3);
    assert.deepEqual([id.kind, id.format], ['audio', 'flac']);
  });

  it('a video cut short (index lost) fails with a reason', async () => {
    await assert.rejects(identify(env.tools, env.fx.truncatedVideo), (e: unknown) =>
      e instanceof ProcessingError && /could not be read as mov: .*moov atom not found/.test(e.reason));
  });

  it('an MP3 with a cover picture is audio, not video', async () => {
    const id = await identify(env.tools, env.fx.mp3Cover);
    assert.equal(id.kind, 'audio');
    assert.ok(id.probe?.streams.some((s) => s.disposition?.attached_pic === 1));
  });

  it('real Ogg Vorbis recordings are audio/ogg', async () => {
    for (const track of wesnothTracks()) {
      const id = await identify(env.tools, track);
      assert.deepEqual([id.kind, id.format, id.contentType], ['audio', 'ogg', 'audio/ogg']);
    }
  });

  it('an empty file fails with a reason', async () => {
    await assert.rejects(identify(env.tools, env.fx.empty), (e: unknown) =>
      e instanceof ProcessingError && /empty/.test(e.reason));
  });

  it('sniff needs real magic bytes', () => {
    assert.equal(sniff(Buffer.from('hello world, this is text')), undefined);
    assert.equal(sniff(Buffer.from('PK')), undefined);
    assert.equal(sniff(Buffer.from('ID3\x03\x00\x00\x00\x00\x00\x00\x00\x00'))?.format, 'mp3');
  });
});

describe('tag hygiene', () => {
  it('strips NUL and control characters, caps length without splitting emoji', () => {
    assert.equal(sanitizeTag('Ti\u0000tle\u0007 '), 'Title');
    assert.equal(sanitizeTag('a\tb\nc'), 'a\tb\nc');
    assert.equal(sanitizeTag('x'.repeat(100_000)).length, 500);
    const emoji = sanitizeTag('🎵'.repeat(600));
    assert.equal(Array.from(emoji).length, 500);
    assert.ok(!emoji.endsWith('\ud83c'));
  });

  it('merges stream and format tags with lower-case keys and drops pictures', () => {
    const t = sanitizeTags({ TITLE: 'A\u0000', METADATA_BLOCK_PICTURE: 'AAAA' }, { title: 'B', Artist: 'C' });
    assert.deepEqual(t, { title: 'A', artist: 'C' });
  });

  it('creator-typed tags win; track numbers come from "n/total"', () => {
    assert.deepEqual(resolveTags({ title: ' Mine ' }, { title: 'File', track: '4/12', album: 'Alb' }),
      { title: 'Mine', artist: undefined, album: 'Alb', trackNumber: 4 });
    assert.equal(resolveTags({ trackNumber: -1 }, {}).trackNumber, undefined);
  });
});
