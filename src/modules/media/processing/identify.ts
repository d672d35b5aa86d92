// Identifies content by its bytes, never by file name or declared type: the magic bytes pick a
// candidate container, then ffprobe is run with that demuxer forced (so ffprobe's own extension
// hints cannot sway it) to confirm the media and read its streams.
import { open } from 'node:fs/promises';
import { runOk, ToolFailedError, lastLines, type RunOptions, type Tools } from './ffmpeg.ts';
import { ProcessingError, type Kind } from './types.ts';

export interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  sample_rate?: string;
  channels?: number;
  sample_fmt?: string;
  bits_per_sample?: number;
  bits_per_raw_sample?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  bit_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  side_data_list?: { side_data_type?: string; rotation?: number }[];
  tags?: Record<string, string>;
}

export interface Probe {
  streams: ProbeStream[];
  format: { format_name?: string; duration?: string; bit_rate?: string; tags?: Record<string, string> };
}

export interface Identified {
  kind: Kind;
  /** Short name of the actual format: 'mp3', 'wav', 'flac', 'ogg', 'opus', 'm4a', 'mp4', 'zip'… */
  format: string;
  contentType: string;
  probe?: Probe;
  /**
   * ffprobe guessed the duration from the bitrate (MP3 without a Xing/Info header, raw AAC):
   * only decoding tells the real length, and a shorter decode is not a sign of truncation.
   */
  durationEstimated?: boolean;
}

type Sniff = { kind: Kind; format: string; demuxer?: string };

const ascii = (b: Buffer, at: number, s: string) => b.subarray(at, at + s.length).toString('latin1') === s;

/** Container guess from the first bytes; undefined when nothing we know matches. */
export function sniff(bytes: Buffer): Sniff | undefined {
  if (bytes.length < 4) return undefined;
  const head = bytes.length >= 16 ? bytes : Buffer.concat([bytes, Buffer.alloc(16 - bytes.length)]);
  const m = (at: number, s: string) => ascii(head, at, s);
  if (m(0, 'RIFF') && m(8, 'WAVE')) return { kind: 'audio', format: 'wav', demuxer: 'wav' };
  if (m(0, 'RIFF') && m(8, 'WEBP')) return { kind: 'image', format: 'webp' };
  if (m(0, 'fLaC')) return { kind: 'audio', format: 'flac', demuxer: 'flac' };
  if (m(0, 'OggS')) return { kind: 'audio', format: 'ogg', demuxer: 'ogg' };
  if (m(0, 'FORM') && (m(8, 'AIFF') || m(8, 'AIFC'))) return { kind: 'audio', format: 'aiff', demuxer: 'aiff' };
  if (m(4, 'ftyp')) {
    const brand = head.subarray(8, 12).toString('latin1');
    if (brand.startsWith('M4A') || brand.startsWith('M4B')) return { kind: 'audio', format: 'm4a', demuxer: 'mov' };
    return { kind: 'video', format: brand === 'qt  ' ? 'mov' : 'mp4', demuxer: 'mov' };
  }
  if (head.readUInt32BE(0) === 0x1a45dfa3) {
    const webm = head.subarray(0, 64).includes('webm');
    return { kind: 'video', format: webm ? 'webm' : 'mkv', demuxer: 'matroska' };
  }
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { kind: 'image', format: 'jpeg' };
  if (head.readUInt32BE(0) === 0x89504e47) return { kind: 'image', format: 'png' };
  if (m(0, 'GIF87a') || m(0, 'GIF89a')) return { kind: 'image', format: 'gif' };
  if (m(0, 'PK\x03\x04') || m(0, 'PK\x05\x06')) return { kind: 'archive', format: 'zip' };
  if (head[0] === 0x1f && head[1] === 0x8b) return { kind: 'archive', format: 'gzip' };
  if (m(257, 'ustar')) return { kind: 'archive', format: 'tar' };
  if (m(0, 'ID3')) return { kind: 'audio', format: 'mp3', demuxer: 'mp3' };
  // ADTS AAC: sync 0xFFF, layer bits 00. MPEG audio: sync 0xFFE, layer bits non-zero.
  if (head[0] === 0xff && ((head[1] ?? 0) & 0xf6) === 0xf0) return { kind: 'audio', format: 'aac', demuxer: 'aac' };
  if (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0 && ((head[1] ?? 0) & 0x06) !== 0) {
    return { kind: 'audio', format: 'mp3', demuxer: 'mp3' };
  }
  return undefined;
}

const CONTENT_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg', wav: 'audio/wav', flac: 'audio/flac', ogg: 'audio/ogg', opus: 'audio/ogg; codecs=opus',
  aiff: 'audio/aiff', m4a: 'audio/mp4', aac: 'audio/aac', mp4: 'video/mp4', mov: 'video/quicktime',
  webm: 'video/webm', mkv: 'video/x-matroska', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp',
  gif: 'image/gif', zip: 'application/zip', gzip: 'application/gzip', tar: 'application/x-tar',
};

export function contentTypeOf(format: string): string {
  return CONTENT_TYPES[format] ?? 'application/octet-stream';
}

async function readHead(path: string, position = 0, length = 4096): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, buf.length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export async function ffprobe(tools: Tools, path: string, demuxer: string | undefined,
  opts: RunOptions = {}): Promise<Probe & { warnings: string }> {
  // Warnings too: "Estimating duration from bitrate" is only said there.
  const args = ['-v', 'warning', '-hide_banner', '-print_format', 'json', '-show_format', '-show_streams'];
  if (demuxer) args.push('-f', demuxer);
  // "file:" stops a name like "concat:…" or "http:…" being read as a protocol.
  args.push(`file:${path}`);
  try {
    const r = await runOk(tools.ffprobe, args, { timeoutMs: 60_000, ...opts });
    return { ...(JSON.parse(r.stdout) as Probe), warnings: r.stderr };
  } catch (err) {
    if (err instanceof ToolFailedError) {
      throw new ProcessingError(`the file could not be read as ${demuxer ?? 'media'}: ${lastLines(err.stderr, 2) || 'unknown error'}`);
    }
    throw err;
  }
}

const isCover = (s: ProbeStream) => s.disposition?.attached_pic === 1;

export async function identify(tools: Tools, path: string, opts: RunOptions = {}): Promise<Identified> {
  const head = await readHead(path);
  if (head.length === 0) throw new ProcessingError('the file is empty (0 bytes)');
  let guess = sniff(head);
  if (guess?.format === 'mp3' && ascii(head, 0, 'ID3')) {
    // An ID3v2 tag can front other formats too (FLAC, ADTS AAC): look past it. Its size is
    // "syncsafe" (7 bits per byte), plus 10 for the header and 10 more if a footer is flagged.
    const size = 10 + (((head[6] ?? 0) & 0x7f) << 21 | ((head[7] ?? 0) & 0x7f) << 14 |
      ((head[8] ?? 0) & 0x7f) << 7 | ((head[9] ?? 0) & 0x7f)) + ((head[5] ?? 0) & 0x10 ? 10 : 0);
    const inner = sniff(await readHead(path, size, 64));
    if (inner?.kind === 'audio') guess = inner;
  }
  if (!guess) return { kind: 'other', format: 'unknown', contentType: 'application/octet-stream' };
  if (guess.kind !== 'audio' && guess.kind !== 'video') {
    return { kind: guess.kind, format: guess.format, contentType: contentTypeOf(guess.format) };
  }
  const { warnings, ...probe } = await ffprobe(tools, path, guess.demuxer, opts);
  const durationEstimated = /Estimating duration from bitrate/.test(warnings);
  const audio = probe.streams.filter((s) => s.codec_type === 'audio');
  const video = probe.streams.filter((s) => s.codec_type === 'video' && !isCover(s));
  let format = guess.format;
  if (video.length > 0) {
    if (format === 'm4a') format = 'mp4';
    return { kind: 'video', format, contentType: contentTypeOf(format), probe, durationEstimated };
  }
  if (audio.length === 0) throw new ProcessingError(`the ${format} file has no audio or video stream`);
  if (format === 'ogg' && audio[0]?.codec_name === 'opus') format = 'opus';
  if (format === 'mp4' || format === 'mov') format = 'm4a'; // an MP4 with only sound is audio
  return { kind: 'audio', format, contentType: contentTypeOf(format), probe, durationEstimated };
}
