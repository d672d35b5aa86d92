// Renders the demo media that ship in demo/media/ (and that `npm start` seeds through the real
// upload pipeline). Everything is made here, so it is small and license-clean:
// - four tagged tracks from ffmpeg's synthesis filters (chords from aevalsrc, a noise hi-hat),
//   in four formats (MP3, Ogg Vorbis, FLAC, Opus), 20–32 s each; the last has a voice from
//   espeak-ng over a pad (skipped, with a warning, when espeak-ng is missing);
// - a short test-pattern video with sound, a gradient cover image, a zip of one-shot samples.
// Run: `node --import tsx scripts/make-demo-media.ts [out dir]` (default demo/media). Needs ffmpeg
// (the system one or the npm fallback); espeak-ng and DejaVu fonts are optional.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { locateTools, runOk } from '../src/modules/media/processing/ffmpeg.ts';
import { makeZip } from '../src/modules/media/processing/fixtures-archives.ts';
import { writeFfmetadata } from '../src/modules/media/processing/tags.ts';

const OUT = path.resolve(process.argv[2] ?? 'demo/media');
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
const tools = await locateTools();
const tmp = path.join(os.tmpdir(), `makenot-demo-media-${process.pid}`);
await mkdir(tmp, { recursive: true });
await mkdir(OUT, { recursive: true });
const ff = (...args: string[]) => runOk(tools.ffmpeg, ['-v', 'error', '-nostdin', '-y', ...args], { timeoutMs: 300_000 });
const p = (name: string) => path.join(OUT, name);

const NOTE = (semitonesFromA4: number) => 440 * 2 ** (semitonesFromA4 / 12);
/** A chord as semitones from A4: root, third, fifth. */
type Chord = [number, number, number];

/**
 * One channel of a chord progression: each chord rings for `beat` seconds with a soft attack
 * and decay, a bass an octave below the root, and (optionally) a ticking noise hi-hat.
 */
function progression(chords: Chord[], beat: number, opts: { detune?: number; hat?: boolean } = {}): string {
  const n = chords.length;
  const pick = (k: 0 | 1 | 2) => chords.reduceRight((acc, c, i) => `if(eq(c,${i}),${NOTE(c[k]).toFixed(3)},${acc})`, '0');
  const d = opts.detune ?? 1;
  const env = `(1-exp(-40*mod(t,${beat})))*exp(-1.2*mod(t,${beat}))`;
  const voice = (f: string, amp: number) => `${amp}*sin(2*PI*${f}*${d}*t)`;
  // c = index of the chord playing now (aevalsrc has no variables, so it is spelled out in each use).
  const chordAt = `mod(floor(t/${beat}),${n})`;
  const tones = [pick(0), pick(1), pick(2)].map((f) => f.replace(/\bc\b/g, chordAt));
  const body = `${env}*(${voice(tones[0]!, 0.22)}+${voice(tones[1]!, 0.16)}+${voice(tones[2]!, 0.16)}+${voice(`(${tones[0]}/2)`, 0.2)})`;
  const hat = opts.hat ? `+0.05*(random(0)-0.5)*exp(-60*mod(t,${beat / 4}))` : '';
  return body + hat;
}

/** Commas inside a filter's arguments must be escaped, or the filtergraph splits there. */
const arg = (expr: string) => expr.replace(/,/g, '\\,');

const fade = (seconds: number) => `afade=t=in:d=0.5,afade=t=out:st=${seconds - 2}:d=2`;

async function track(file: string, seconds: number, chords: Chord[], beat: number, tags: Record<string, string | number>,
  codec: string[], hat = true) {
  const meta = path.join(tmp, `${file}.ffmeta`);
  await writeFfmetadata(meta, { title: String(tags.title), artist: 'Demo', album: 'Night Buses', trackNumber: Number.parseInt(String(tags.track), 10) },
    { date: '2026', comment: 'Rendered by scripts/make-demo-media.ts with ffmpeg synthesis filters', genre: String(tags.genre) });
  const expr = arg(`${progression(chords, beat, { hat })}|${progression(chords, beat, { hat, detune: 1.003 })}`);
  await ff('-f', 'lavfi', '-i', `aevalsrc=${expr}:s=44100:d=${seconds}`, '-i', meta, '-map', '0:a', '-map_metadata', '1',
    '-af', fade(seconds), ...codec, p(file));
}

// 1. "Night Drive": Am F C G, MP3 (VBR ~130 kb/s).
await track('01-night-drive.mp3', 32, [[0, 3, 7], [-4, 0, 3], [3, 7, 10], [-2, 2, 5]], 2,
  { title: 'Night Drive', track: '1/4', genre: 'Synthwave' }, ['-c:a', 'libmp3lame', '-q:a', '5', '-id3v2_version', '3', '-f', 'mp3']);
// 2. "Café Mélancolie": Dm Bb F C, slower, no hi-hat, Ogg Vorbis.
await track('02-cafe-melancolie.ogg', 28, [[-7, -4, 0], [-11, -7, -4], [-4, 0, 3], [-9, -5, -2]], 3.5,
  { title: 'Café Mélancolie', track: '2/4', genre: 'Ambient' }, ['-c:a', 'libvorbis', '-q:a', '2', '-f', 'ogg'], false);
// 3. "Rain on the Window": lossless (FLAC), so buyers get a FLAC download; mono to stay small.
await track('03-rain-on-the-window.flac', 20, [[0, 4, 7], [5, 9, 12], [-3, 0, 4], [7, 11, 14]], 2.5,
  { title: 'Rain on the Window', track: '3/4', genre: 'Ambient' }, ['-ac', '1', '-ar', '22050', '-c:a', 'flac', '-compression_level', '8', '-f', 'flac'], false);

// 4. "Last Stop (spoken)": a voice over a pad, Opus.
{
  const seconds = 24;
  const voice = path.join(tmp, 'voice.wav');
  const hasEspeak = (() => { try { execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();
  const pad = `aevalsrc=${arg(progression([[0, 3, 7], [-4, 0, 3]], 4, { hat: false }))}:s=48000:d=${seconds}`;
  const meta = path.join(tmp, 'last.ffmeta');
  await writeFfmetadata(meta, { title: 'Last Stop (spoken)', artist: 'Demo', album: 'Night Buses', trackNumber: 4 },
    { date: '2026', comment: 'Voice by espeak-ng, pad by ffmpeg aevalsrc' });
  const codec = ['-c:a', 'libopus', '-b:a', '48k', '-f', 'opus', p('04-last-stop-spoken.opus')];
  if (hasEspeak) {
    execFileSync('espeak-ng', ['-v', 'en-gb', '-s', '140', '-p', '35', '-w', voice,
      'Last stop. Everybody off the night bus. The city is still asleep, the rain has stopped, and the first café is opening its doors. ' +
      'Thank you for listening to Night Buses.']);
    await ff('-f', 'lavfi', '-i', pad, '-i', voice, '-i', meta, '-filter_complex',
      `[0:a]volume=0.4,${fade(seconds)}[pad];[1:a]adelay=1500|1500,aresample=48000,volume=1.1[v];[pad][v]amix=inputs=2:duration=first:normalize=0[out]`,
      '-map', '[out]', '-map_metadata', '2', '-ac', '2', ...codec);
  } else {
    console.warn('espeak-ng not found: track 4 has the pad only (apt-get install espeak-ng for the voice)');
    await ff('-f', 'lavfi', '-i', pad, '-i', meta, '-map', '0:a', '-map_metadata', '1', '-af', fade(seconds), '-ac', '2', ...codec);
  }
}

const text = (s: string, size: number, y: string) => existsSync(FONT)
  ? `,drawtext=fontfile=${FONT}:text='${s}':fontsize=${size}:fontcolor=white@0.92:x=(w-text_w)/2:y=${y}:shadowcolor=black@0.4:shadowx=3:shadowy=3` : '';

// The cover: a night-sky gradient with a row of bus windows and the title.
// Night blue at the top to a dawn orange at the horizon, with a few stars.
const sky = (top: number, bottom: number, curve: number) => `${top}+(${bottom - top})*pow(Y/H\\,${curve})`;
const stars = `if(lt(Y\\,700)*lt(random(1)\\,0.0006)\\,255\\,`;
await ff('-f', 'lavfi', '-i', 'color=c=black:s=1400x1400:d=1',
  '-vf', [`geq=r='${stars}${sky(11, 240, 2.2)})':g='${stars}${sky(27, 138, 2.6)})':b='${stars}${sky(58, 93, 1.2)})'`,'drawbox=x=0:y=980:w=1400:h=260:color=0x1a1a2e@0.95:t=fill',
    ...Array.from({ length: 6 }, (_, i) => `drawbox=x=${90 + i * 210}:y=1020:w=160:h=110:color=0xffd166@0.9:t=fill`)].join(',')
    + text('NIGHT BUSES', 150, '380') + text('Demo', 70, '560'),
  '-frames:v', '1', '-q:v', '4', p('cover.jpg'));

// The video: 8 s of test pattern with a title, and the first track's opening as its sound.
await ff('-f', 'lavfi', '-i', 'testsrc2=s=480x270:r=24:d=8', '-i', p('01-night-drive.mp3'),
  '-vf', `format=yuv420p${text('Making of Night Drive', 28, 'h-60')}`, '-map', '0:v', '-map', '1:a', '-t', '8',
  '-c:v', 'libx264', '-preset', 'slow', '-crf', '32', '-c:a', 'aac', '-b:a', '64k', '-af', 'afade=t=out:st=6.5:d=1.5',
  '-movflags', '+faststart', '-metadata', 'title=Making of Night Drive', p('making-of-night-drive.mp4'));

// The sample pack: four synthesised one-shots (WAV) with a readme and a licence.
{
  const shots: [string, string][] = [
    ['kick.wav', 'aevalsrc=0.9*sin(2*PI*(50+120*exp(-30*t))*t)*exp(-8*t):s=22050:d=0.4'],
    ['snare.wav', 'aevalsrc=(0.5*(random(0)-0.5)+0.3*sin(2*PI*190*t))*exp(-18*t):s=22050:d=0.3'],
    ['hat.wav', 'aevalsrc=0.4*(random(0)-0.5)*exp(-60*t):s=22050:d=0.15'],
    ['pluck-a.wav', 'aevalsrc=0.6*sin(2*PI*440*t)*exp(-6*t)+0.2*sin(2*PI*880*t)*exp(-9*t):s=22050:d=0.8'],
  ];
  const entries: { name: string; data: Buffer | string }[] = [];
  for (const [name, src] of shots) {
    const out = path.join(tmp, name);
    await ff('-f', 'lavfi', '-i', src, '-c:a', 'pcm_s16le', '-ac', '1', out);
    entries.push({ name: `Night Buses sample pack/${name}`, data: await readFile(out) });
  }
  entries.push({ name: 'Night Buses sample pack/README.txt', data: 'Four one-shot samples (16-bit mono WAV), made with ffmpeg synthesis filters.\n' });
  entries.push({ name: 'Night Buses sample pack/LICENSE.txt', data: 'CC0 1.0: no rights reserved. Use them for anything.\n' });
  await writeFile(p('sample-pack.zip'), makeZip(entries));
}

await rm(tmp, { recursive: true, force: true });
let total = 0;
for (const f of ['01-night-drive.mp3', '02-cafe-melancolie.ogg', '03-rain-on-the-window.flac', '04-last-stop-spoken.opus', 'cover.jpg',
  'making-of-night-drive.mp4', 'sample-pack.zip']) {
  const { size } = await stat(p(f));
  total += size;
  console.log(`${f.padEnd(32)} ${(size / 1024).toFixed(0).padStart(6)} KiB`);
}
console.log(`${'total'.padEnd(32)} ${(total / 1024).toFixed(0).padStart(6)} KiB`);
