// Video: H.264/AAC progressive MP4 renditions (every browser plays them and seeks with Range
// requests once the moov atom is in front: +faststart), never upscaled, and a poster frame.
// Videos without sound get renditions without an audio track instead of failing.
import { mkdir, rename, stat } from 'node:fs/promises';
import { runOk, ToolFailedError, lastLines, type RunOptions, type Tools } from './ffmpeg.ts';
import type { Identified, ProbeStream } from './identify.ts';
import { webpCopy } from './image.ts';
import { sanitizeTags } from './tags.ts';
import { ProcessingError, type Output } from './types.ts';

export const VIDEO_HEIGHTS = [720, 360] as const;

export interface VideoMetadata {
  duration: number;
  /** As displayed: a phone video stored landscape with a 90° display matrix is portrait here. */
  width: number;
  height: number;
  rotation: number;
  frameRate?: number;
  videoCodec: string;
  audioCodec?: string;
  hasAudio: boolean;
  format: string;
  tags: Record<string, string>;
}

const isCover = (s: ProbeStream) => s.disposition?.attached_pic === 1;

function rate(fraction: string | undefined): number | undefined {
  const [n, d] = (fraction ?? '').split('/').map(Number);
  return n && d ? Math.round((n / d) * 1000) / 1000 : undefined;
}

export function readVideoMetadata(id: Identified): VideoMetadata {
  const probe = id.probe;
  const v = probe?.streams.find((s) => s.codec_type === 'video' && !isCover(s));
  const a = probe?.streams.find((s) => s.codec_type === 'audio');
  if (!probe || !v) throw new ProcessingError('no video stream found');
  const duration = Number(probe.format.duration ?? v.duration ?? NaN);
  if (!Number.isFinite(duration) || duration <= 0) throw new ProcessingError('the video has no duration (empty or corrupt)');
  if (!v.width || !v.height) throw new ProcessingError('the video stream has no dimensions');
  const rotation = v.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ?? Number(v.tags?.rotate ?? 0);
  const sideways = Math.abs(rotation) % 180 === 90;
  return {
    duration: Math.round(duration * 1000) / 1000, width: sideways ? v.height : v.width,
    height: sideways ? v.width : v.height, rotation, frameRate: rate(v.avg_frame_rate),
    videoCodec: v.codec_name ?? 'unknown', audioCodec: a?.codec_name, hasAudio: a !== undefined, format: id.format,
    tags: sanitizeTags(probe.format.tags),
  };
}

/**
 * Targets as "p" values (the short side, so a portrait phone video gets 720p too): 720 and 360
 * where the source is at least that large; a smaller source keeps its own size.
 */
export function targetHeights(shortSide: number): number[] {
  const heights: number[] = VIDEO_HEIGHTS.filter((h) => h <= shortSide);
  return heights.length > 0 ? heights : [shortSide - (shortSide % 2)];
}

/** ffmpeg rotates frames upright before filters (autorotate), so sizes here are as displayed. */
export function renditionArgs(input: string, p: number, portrait: boolean, hasAudio: boolean, out: string): string[] {
  return ['-v', 'error', '-nostdin', '-y', '-i', `file:${input}`, '-map', '0:V:0', ...(hasAudio ? ['-map', '0:a:0'] : []),
    '-map_metadata', '-1', '-map_chapters', '-1',
    // -2 keeps the width even (required by yuv420p) at the source's aspect ratio.
    '-vf', portrait ? `scale=${p}:-2` : `scale=-2:${p}`, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23',
    '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    ...(hasAudio ? ['-c:a', 'aac', '-b:a', '128k', '-ac', '2'] : ['-an']),
    '-sn', '-dn', '-movflags', '+faststart', '-f', 'mp4', `file:${out}`];
}

export function posterArgs(input: string, at: number, maxHeight: number, out: string): string[] {
  return ['-v', 'error', '-nostdin', '-y', '-ss', at.toFixed(3), '-i', `file:${input}`, '-map', '0:V:0',
    '-frames:v', '1', '-vf', `scale=-2:'min(${maxHeight},ih)'`, '-c:v', 'mjpeg', '-q:v', '3',
    '-f', 'image2', `file:${out}`];
}

async function described(role: Output['role'], path: string, contentType: string): Promise<Output> {
  return { role, path, contentType, bytes: (await stat(path)).size };
}

export async function processVideo(tools: Tools, input: string, id: Identified, workDir: string,
  run: RunOptions = {}): Promise<{ metadata: VideoMetadata; outputs: Output[] }> {
  const metadata = readVideoMetadata(id);
  const tmp = `${workDir}/.tmp`;
  await mkdir(tmp, { recursive: true });
  const outputs: Output[] = [{ role: 'download:original', path: input, contentType: id.contentType,
    bytes: (await stat(input)).size }];
  const timeoutMs = 10 * 60_000 + metadata.duration * 10_000;
  const step = async (what: string, args: string[]) => {
    try {
      await runOk(tools.ffmpeg, args, { timeoutMs, ...run });
    } catch (err) {
      if (err instanceof ToolFailedError) throw new ProcessingError(`${what} failed: ${lastLines(err.stderr, 2)}`);
      throw err;
    }
  };

  // Poster first: cheap, and a file whose frames cannot be decoded fails before long encodes.
  const at = Math.min(1, metadata.duration / 10);
  await step('the poster frame', posterArgs(input, at, 720, `${tmp}/poster.jpg`));
  await rename(`${tmp}/poster.jpg`, `${workDir}/poster.jpg`);
  outputs.push(await described('poster', `${workDir}/poster.jpg`, 'image/jpeg'));
  outputs.push(await webpCopy(`${workDir}/poster.jpg`, `${workDir}/poster.webp`));

  const portrait = metadata.height > metadata.width;
  for (const h of targetHeights(Math.min(metadata.width, metadata.height))) {
    const file = `video-${h}p.mp4`;
    await step(`encoding ${h}p`, renditionArgs(input, h, portrait, metadata.hasAudio, `${tmp}/${file}`));
    await rename(`${tmp}/${file}`, `${workDir}/${file}`);
    outputs.push(await described(`video-${h}p`, `${workDir}/${file}`, 'video/mp4'));
  }
  return { metadata, outputs };
}
