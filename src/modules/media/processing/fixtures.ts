// Test and demo media made by the project itself with ffmpeg's synthesis sources and sharp, so
// they are small, license-clean and never committed as binaries: tests generate them into a
// temp dir. Run `node --import tsx src/modules/media/processing/fixtures.ts <dir>` to look at them.
import { existsSync } from 'node:fs';
import { mkdir, readFile, truncate, writeFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { locateTools, runOk, type Tools } from './ffmpeg.ts';
import { gzip, makePngBomb, makeTar, makeZip } from './fixtures-archives.ts';
import { writeFfmetadata } from './tags.ts';

export const LONG_TITLE = 'Long title '.repeat(10_000).slice(0, 100_000);

export interface Fixtures {
  flac24: string;
  flacWithId3: string;
  truncatedVideo: string;
  portraitVideo: string;
  mp3Cover: string;
  wavAsMp3: string;
  textAsFlac: string;
  truncatedMp3: string;
  empty: string;
  unicodeName: string;
  video: string;
  videoSilent: string;
  jpegGps: string;
  smallPng: string;
  imageBomb: string;
  zipBomb: string;
  zipTraversal: string;
  zipNested: string;
  zipFine: string;
  tarTraversal: string;
  gzipBomb: string;
}

const music = (seconds: number) =>
  // Two detuned voices with a slow tremolo: enough texture for encoders and a visible waveform.
  `aevalsrc=0.4*sin(220*2*PI*t)*(0.6+0.4*sin(2*PI*t/2))|0.4*sin(330*2*PI*t)*(0.6+0.4*cos(2*PI*t/3)):s=48000:d=${seconds}`;

export async function makeFixtures(dir: string, tools?: Tools): Promise<Fixtures> {
  const t = tools ?? (await locateTools());
  await mkdir(dir, { recursive: true });
  const p = (name: string) => path.join(dir, name);
  const ff = (...args: string[]) => runOk(t.ffmpeg, ['-v', 'error', '-nostdin', '-y', ...args], { timeoutMs: 120_000 });
  const f: Fixtures = {
    flac24: p('long-title-24bit.flac'), flacWithId3: p('id3-then-flac.mp3'), truncatedVideo: p('truncated.mp4'),
    portraitVideo: p('portrait-720x1280.mp4'), mp3Cover: p('with-cover.mp3'), wavAsMp3: p('actually-a-wav.mp3'),
    textAsFlac: p('notes.flac'), truncatedMp3: p('truncated.mp3'), empty: p('empty.mp3'),
    unicodeName: p('🎵 Song: שלום עולם.wav'), video: p('clip 640x360.mp4'), videoSilent: p('silent-480p.mp4'),
    jpegGps: p('photo-with-gps.jpg'), smallPng: p('small.png'), imageBomb: p('bomb.png'), zipBomb: p('bomb.zip'),
    zipTraversal: p('traversal.zip'), zipNested: p('nested.zip'), zipFine: p('fine.zip'),
    tarTraversal: p('traversal.tar.gz'), gzipBomb: p('zeros.gz'),
  };

  // 24-bit stereo FLAC whose title is 100 000 characters (through a metadata file: too long to
  // pass safely as an argument).
  await writeFfmetadata(p('long.ffmeta'), { title: LONG_TITLE, artist: 'Fixture Artist', album: 'Fixture Album', trackNumber: 3 });
  await ff('-f', 'lavfi', '-i', music(4), '-i', p('long.ffmeta'), '-map_metadata', '1',
    '-c:a', 'flac', '-sample_fmt', 's32', '-bits_per_raw_sample', '24', '-f', 'flac', p('long-title-24bit.flac'));

  // Some taggers put an ID3v2 tag in front of FLAC: identification must look past it.
  const title = Buffer.from('\x00ID3 fronted FLAC', 'latin1'); // encoding byte 0 (latin1) + text
  const frame = Buffer.concat([Buffer.from('TIT2'), Buffer.from([0, 0, 0, title.length, 0, 0]), title]);
  const id3 = Buffer.concat([Buffer.from('ID3\x03\x00\x00', 'latin1'), Buffer.from([0, 0, 0, frame.length]), frame]);
  await writeFile(f.flacWithId3, Buffer.concat([id3, await readFile(f.flac24)]));

  // MP3 with an embedded JPEG cover (an attached picture stream).
  await ff('-f', 'lavfi', '-i', 'testsrc2=s=400x400', '-frames:v', '1', '-q:v', '3', '-f', 'image2', p('cover.jpg'));
  await ff('-f', 'lavfi', '-i', music(3), '-i', p('cover.jpg'), '-map', '0:a', '-map', '1:v', '-c:a', 'libmp3lame',
    '-q:a', '4', '-c:v', 'copy', '-disposition:v:0', 'attached_pic', '-id3v2_version', '3',
    '-metadata', 'title=Covered', '-metadata', 'artist=Fixture Artist', '-metadata', 'album=Fixture Album',
    '-metadata', 'track=1/9', '-f', 'mp3', f.mp3Cover);

  // A 16-bit WAV saved under an .mp3 name; the same under a name with emoji, ':' and RTL text.
  await ff('-f', 'lavfi', '-i', music(2), '-c:a', 'pcm_s16le', '-f', 'wav', f.wavAsMp3);
  await writeFile(f.unicodeName, await readFile(f.wavAsMp3));

  await writeFile(f.textAsFlac, 'These are liner notes, not audio.\n'.repeat(200));
  await writeFile(f.empty, '');

  // A 6 s MP3 cut to 40 %: its Info header still promises 6 s.
  await ff('-f', 'lavfi', '-i', music(6), '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', f.truncatedMp3);
  await truncate(f.truncatedMp3, Math.floor((await stat(f.truncatedMp3)).size * 0.4));

  await ff('-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=2', '-f', 'lavfi', '-i', music(2), '-c:v', 'libx264',
    '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-f', 'mp4', f.video);
  // Without faststart the index (moov) is at the end: cutting the file loses it.
  await writeFile(f.truncatedVideo, (await readFile(f.video)).subarray(0, 100_000));
  await ff('-f', 'lavfi', '-i', 'testsrc2=s=720x1280:r=25:d=1', '-c:v', 'libx264', '-preset', 'ultrafast',
    '-pix_fmt', 'yuv420p', '-an', '-f', 'mp4', f.portraitVideo);
  await ff('-f', 'lavfi', '-i', 'testsrc2=s=854x480:r=25:d=2', '-c:v', 'libx264', '-preset', 'ultrafast',
    '-pix_fmt', 'yuv420p', '-an', '-f', 'mp4', f.videoSilent);

  // A photo with EXIF including GPS coordinates, and a small PNG that must not be enlarged.
  await sharp({ create: { width: 1600, height: 1000, channels: 3, background: '#3a6ea5' } })
    .jpeg({ quality: 80 })
    .withExif({ IFD0: { Make: 'FixtureCam', Model: 'One', Copyright: 'Makenot.work fixtures' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' } })
    .toFile(f.jpegGps);
  await sharp({ create: { width: 200, height: 150, channels: 4, background: '#ffcc0080' } }).png().toFile(f.smallPng);
  await writeFile(f.imageBomb, makePngBomb(100_000, 100_000));

  // Archives: a 20 MiB run of zeros (ratio ≈ 1000×), hostile names, zip in zip in zip, a fine one.
  await writeFile(f.zipBomb, makeZip([{ name: 'zeros.bin', data: Buffer.alloc(20 << 20) }]));
  await writeFile(f.zipTraversal, makeZip([{ name: 'ok.txt', data: 'fine' }, { name: '../../etc/evil.sh', data: 'x' },
    { name: '/etc/cron.d/evil', data: 'x' }, { name: 'C:\\Windows\\evil.dll', data: 'x' }, { name: 'a\\..\\b.txt', data: 'x' },
    { name: 'docs/link', data: '../../../etc/passwd', mode: 0o120777, store: true }]));
  const innermost = makeZip([{ name: 'deep.txt', data: 'deep' }]);
  const middle = makeZip([{ name: 'inner.zip', data: innermost }]);
  await writeFile(f.zipNested, makeZip([{ name: 'readme.txt', data: 'nested' }, { name: 'middle.zip', data: middle }]));
  await writeFile(f.zipFine, makeZip([{ name: 'docs/🎵 notes.txt', data: 'emoji' }, { name: 'Track 1: intro.txt', data: 'colon' },
    { name: 'שלום/עולם.txt', data: 'rtl' }, { name: 'bundle/inner.zip', data: innermost, store: true }]));
  await writeFile(f.tarTraversal, gzip(makeTar([{ name: 'ok.txt', data: 'fine' }, { name: '../../escape.txt', data: 'x' },
    { name: 'link', data: '', type: '2', link: '/etc/passwd' }])));
  await writeFile(f.gzipBomb, gzip(Buffer.alloc(20 << 20)));
  return f;
}

/** One small file per supported container, each saved under a misleading '.bin' name. */
export async function makeFormatSamples(dir: string, tools?: Tools): Promise<{ path: string; kind: string; format: string }[]> {
  const t = tools ?? (await locateTools());
  await mkdir(dir, { recursive: true });
  const tone = ['-f', 'lavfi', '-i', music(1)];
  const pic = ['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=10:d=1'];
  const specs: [string, string, string[]][] = [
    ['audio', 'aiff', [...tone, '-c:a', 'pcm_s16be', '-f', 'aiff']],
    ['audio', 'm4a', [...tone, '-c:a', 'aac', '-f', 'ipod']],
    ['audio', 'm4a', [...tone, '-c:a', 'alac', '-f', 'ipod']],
    ['audio', 'opus', [...tone, '-c:a', 'libopus', '-f', 'opus']],
    ['audio', 'ogg', [...tone, '-c:a', 'libvorbis', '-f', 'ogg']],
    ['audio', 'aac', [...tone, '-c:a', 'aac', '-f', 'adts']],
    ['audio', 'mp3', [...tone, '-c:a', 'libmp3lame', '-write_xing', '0', '-id3v2_version', '0', '-f', 'mp3']],
    ['video', 'webm', [...pic, '-c:v', 'libvpx', '-deadline', 'realtime', '-f', 'webm']],
    ['video', 'mkv', [...pic, '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'matroska']],
    ['video', 'mov', [...pic, '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'mov']],
    ['image', 'gif', [...pic, '-frames:v', '3', '-f', 'gif']],
    ['image', 'webp', [...pic, '-frames:v', '1', '-c:v', 'libwebp', '-f', 'webp']],
  ];
  const out: { path: string; kind: string; format: string }[] = [];
  for (const [i, [kind, format, args]] of specs.entries()) {
    const file = path.join(dir, `sample-${i}.bin`);
    await runOk(t.ffmpeg, ['-v', 'error', '-nostdin', '-y', ...args, file], { timeoutMs: 60_000 });
    out.push({ path: file, kind, format });
  }
  const tar = path.join(dir, 'sample-tar.bin');
  await writeFile(tar, makeTar([{ name: 'a.txt', data: 'a' }]));
  out.push({ path: tar, kind: 'archive', format: 'tar' });
  return out;
}

export const WESNOTH_MUSIC_DIR = '/usr/share/games/wesnoth/1.16/data/core/music';

/** Two short real recordings with real tags (Debian's wesnoth-1.16-music, GPL). */
export function wesnothTracks(): string[] {
  const tracks = ['victory.ogg', 'defeat.ogg'].map((n) => path.join(WESNOTH_MUSIC_DIR, n));
  const missing = tracks.filter((t) => !existsSync(t));
  if (missing.length > 0) {
    throw new Error(`real-music test files are missing (${missing.join(', ')}): ` +
      'install them with `apt-get install -y wesnoth-1.16-music` (.ci/run should do this)');
  }
  return tracks;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: fixtures.ts <output dir>');
    process.exit(2);
  }
  console.log(await makeFixtures(dir));
}
