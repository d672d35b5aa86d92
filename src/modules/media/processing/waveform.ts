// Waveform peaks for the player. ffmpeg decodes to mono 16-bit PCM on stdout and Node folds the
// stream into peaks as it arrives, so memory stays flat for any length. The same pass counts the
// decodable samples, which is how truncated files are caught: their headers (Xing/Info frames,
// FLAC STREAMINFO) still promise the full duration.
import { writeFile } from 'node:fs/promises';
import { runStreaming, lastLines, type RunOptions, type Tools } from './ffmpeg.ts';
import { ProcessingError } from './types.ts';

export const WAVEFORM_RATE = 22_050;
export const WAVEFORM_BUCKETS = 1000;

export interface Waveform {
  version: 1;
  /** Seconds actually decoded. */
  duration: number;
  buckets: number;
  /** Peak of each bucket divided by the loudest bucket: 0–1, three decimals. */
  peaks: number[];
  /** Loudest sample relative to full scale (0–1), so quiet tracks can be drawn quiet if wanted. */
  maxAmplitude: number;
}

export function waveformArgs(input: string): string[] {
  return ['-v', 'error', '-nostdin', '-i', `file:${input}`, '-map', '0:a:0', '-vn', '-ac', '1',
    '-ar', String(WAVEFORM_RATE), '-f', 's16le', '-acodec', 'pcm_s16le', 'pipe:1'];
}

/**
 * `seconds` is the container's duration; with `trusted` a decode that falls short of it fails
 * as truncated (false when ffprobe only estimated it from the bitrate).
 */
export async function computeWaveform(tools: Tools, input: string, seconds: number | undefined, trusted: boolean,
  opts: RunOptions = {}): Promise<Waveform> {
  // Fine peaks first, folded into the final buckets at the end: the real length is only known
  // once decoding stops. Sized for ~100 000 entries; if the file is longer than announced, pairs
  // are merged whenever 200 000 is reached, so memory stays bounded whatever the header says.
  let fineSize = Math.max(1, Math.floor(((seconds ?? 0) * WAVEFORM_RATE) / 100_000));
  let fine: number[] = [];
  let current = 0;
  let inFine = 0;
  let carry: number | undefined; // a sample split across two chunks
  const push = (v: number) => {
    const a = v < 0 ? -v : v;
    if (a > current) current = a;
    if (++inFine === fineSize) {
      fine.push(current);
      current = 0;
      inFine = 0;
      if (fine.length >= 200_000) {
        fine = Array.from({ length: fine.length / 2 }, (_, i) => Math.max(fine[2 * i] ?? 0, fine[2 * i + 1] ?? 0));
        fineSize *= 2;
      }
    }
  };
  const r = await runStreaming(tools.ffmpeg, waveformArgs(input), (chunk) => {
    let i = 0;
    if (carry !== undefined && chunk.length > 0) {
      push(Buffer.from([carry, chunk[0] ?? 0]).readInt16LE(0));
      carry = undefined;
      i = 1;
    }
    for (; i + 1 < chunk.length; i += 2) push(chunk.readInt16LE(i));
    if (i < chunk.length) carry = chunk[i];
  }, { timeoutMs: 30 * 60_000, ...opts });
  const samples = fine.length * fineSize + inFine;
  if (inFine > 0) fine.push(current);

  const decoded = samples / WAVEFORM_RATE;
  if (r.code !== 0 || samples === 0) {
    throw new ProcessingError(`the audio could not be decoded: ${lastLines(r.stderr, 2) || 'no audio data'}`);
  }
  if (trusted && seconds && decoded < seconds * 0.97 - 0.25) {
    throw new ProcessingError(`the audio is truncated or corrupt: its header says ${seconds.toFixed(1)} s ` +
      `but only ${decoded.toFixed(1)} s could be decoded`);
  }
  const buckets = Math.min(WAVEFORM_BUCKETS, fine.length);
  const raw: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * fine.length) / buckets);
    const to = Math.max(from + 1, Math.floor(((b + 1) * fine.length) / buckets));
    let m = 0;
    for (let j = from; j < to; j++) m = Math.max(m, fine[j] ?? 0);
    raw.push(m);
  }
  const loudest = Math.max(...raw, 0);
  const peaks = raw.map((v) => (loudest > 0 ? Math.round((v / loudest) * 1000) / 1000 : 0));
  return { version: 1, duration: Math.round(decoded * 1000) / 1000, buckets, peaks,
    maxAmplitude: Math.round((loudest / 32768) * 1000) / 1000 };
}

export async function writeWaveform(path: string, w: Waveform): Promise<void> {
  await writeFile(path, JSON.stringify(w));
}
