// Audio: metadata, the streaming rendition (AAC-LC in progressive M4A, see
// docs/decisions/0003-streaming-format.md), the buyers' download formats, cover art and the
// waveform. Every rendition is encoded from the original, never from another rendition, so no
// file is a lossy copy of a lossy copy.
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { runOk, ToolFailedError, lastLines, type RunOptions, type Tools } from './ffmpeg.ts';
import type { Identified, ProbeStream } from './identify.ts';
import { normaliseCover } from './image.ts';
import { metadataBlockPicture, resolveTags, sanitizeTags, writeFfmetadata, type ResolvedTags } from './tags.ts';
import { ProcessingError, type Output, type OutputRole, type TagInput } from './types.ts';
import { computeWaveform, writeWaveform } from './waveform.ts';

const LOSSLESS = /^(flac|alac|pcm_.*|wavpack|ape|tta|mlp|truehd)$/;

export interface AudioMetadata {
  duration: number;
  codec: string;
  format: string;
  channels: number;
  sampleRate: number;
  /** Bits per sample of lossless sources; undefined for lossy codecs, where it has no meaning. */
  bitDepth?: number;
  bitRate?: number;
  lossless: boolean;
  tags: Record<string, string>;
  hasCoverArt: boolean;
  /** A cover that could not be used does not fail the track; the reason is kept here. */
  coverProblem?: string;
  /** The tags written into the download formats (creator's, else the file's, else defaults). */
  resolvedTags?: ResolvedTags;
}

const isCover = (s: ProbeStream) => s.disposition?.attached_pic === 1;

function bitDepthOf(s: ProbeStream): number | undefined {
  const raw = Number(s.bits_per_raw_sample ?? 0) || Number(s.bits_per_sample ?? 0);
  return raw > 0 ? raw : undefined;
}

export function readAudioMetadata(id: Identified): AudioMetadata {
  const probe = id.probe;
  const s = probe?.streams.find((x) => x.codec_type === 'audio');
  if (!probe || !s) throw new ProcessingError('no audio stream found');
  const lossless = LOSSLESS.test(s.codec_name ?? '');
  const duration = Number(probe.format.duration ?? s.duration ?? NaN);
  if (!Number.isFinite(duration) || duration <= 0) throw new ProcessingError('the audio has no duration (empty or corrupt)');
  return {
    duration: Math.round(duration * 1000) / 1000,
    codec: s.codec_name ?? 'unknown',
    format: id.format,
    channels: s.channels ?? 0,
    sampleRate: Number(s.sample_rate ?? 0),
    bitDepth: lossless ? bitDepthOf(s) : undefined,
    bitRate: Number(probe.format.bit_rate ?? 0) || undefined,
    lossless,
    tags: sanitizeTags(probe.format.tags, s.tags),
    hasCoverArt: probe.streams.some(isCover),
  };
}

interface Rendition {
  role: OutputRole;
  file: string;
  contentType: string;
  muxer: string;
  codec: string[];
  /** Whether the cover is embedded as a picture stream (MP3, FLAC, M4A) or a tag (Opus). */
  cover: 'stream' | 'tag' | 'none';
}

export function renditionsFor(meta: AudioMetadata): Rendition[] {
  const stereo = meta.channels > 2 ? ['-ac', '2'] : []; // MP3 and browsers' AAC: stereo at most
  const rate48 = meta.sampleRate > 48_000 ? ['-ar', '48000'] : [];
  const list: Rendition[] = [
    { role: 'stream', file: 'stream.m4a', contentType: 'audio/mp4', muxer: 'ipod', cover: 'none',
      codec: ['-c:a', 'aac', '-b:a', '160k', ...stereo, ...rate48, '-movflags', '+faststart'] },
    { role: 'download:mp3-320', file: 'download-320.mp3', contentType: 'audio/mpeg', muxer: 'mp3', cover: 'stream',
      codec: ['-c:a', 'libmp3lame', '-b:a', '320k', ...stereo, ...rate48, '-id3v2_version', '3'] },
    { role: 'download:mp3-v0', file: 'download-v0.mp3', contentType: 'audio/mpeg', muxer: 'mp3', cover: 'stream',
      codec: ['-c:a', 'libmp3lame', '-q:a', '0', ...stereo, ...rate48, '-id3v2_version', '3'] },
    { role: 'download:opus', file: 'download.opus', contentType: 'audio/ogg; codecs=opus', muxer: 'opus', cover: 'tag',
      codec: ['-c:a', 'libopus', '-b:a', '160k'] },
    { role: 'download:aac', file: 'download.m4a', contentType: 'audio/mp4', muxer: 'ipod', cover: 'stream',
      codec: ['-c:a', 'aac', '-b:a', '256k', ...stereo, ...rate48, '-movflags', '+faststart'] },
  ];
  // FLAC from a lossy source would only pretend to be lossless.
  if (meta.lossless) {
    const depth = (meta.bitDepth ?? 16) > 16 ? ['-sample_fmt', 's32'] : ['-sample_fmt', 's16'];
    list.push({ role: 'download:flac', file: 'download.flac', contentType: 'audio/flac', muxer: 'flac', cover: 'stream',
      codec: ['-c:a', 'flac', '-compression_level', '5', ...depth] });
  }
  return list;
}

export function renditionArgs(r: Rendition, input: string, metaFile: string, cover: string | undefined, out: string): string[] {
  const args = ['-v', 'error', '-nostdin', '-y', '-i', `file:${input}`, '-i', `file:${metaFile}`];
  const withCover = cover !== undefined && r.cover === 'stream';
  if (withCover) args.push('-i', `file:${cover}`);
  args.push('-map', '0:a:0', '-map_metadata', '1', '-map_chapters', '-1');
  if (withCover) {
    args.push('-map', '2:v:0', '-c:v', 'copy', '-disposition:v:0', 'attached_pic',
      '-metadata:s:v:0', 'title=Cover', '-metadata:s:v:0', 'comment=Cover (front)');
  }
  args.push(...r.codec, '-f', r.muxer, `file:${out}`);
  return args;
}

async function extractCover(tools: Tools, input: string, meta: AudioMetadata, id: Identified, tmp: string,
  coverPath: string | undefined, out: string, run: RunOptions) {
  let source = coverPath;
  if (!source && meta.hasCoverArt) {
    const idx = id.probe?.streams.find(isCover)?.index;
    source = `${tmp}/cover-source.png`;
    // Decoded and re-encoded losslessly, whatever the embedded format, then cleaned by sharp.
    await runOk(tools.ffmpeg, ['-v', 'error', '-nostdin', '-y', '-i', `file:${input}`, '-map', `0:${idx}`,
      '-frames:v', '1', '-c:v', 'png', '-f', 'image2', `file:${source}`], { timeoutMs: 60_000, ...run });
  }
  return source ? normaliseCover(source, out) : undefined;
}

export interface AudioOptions {
  tags?: TagInput;
  /** Used where neither the creator nor the file gives a value. */
  defaultTags?: TagInput;
  coverPath?: string;
  run?: RunOptions;
}

export async function processAudio(tools: Tools, input: string, id: Identified, workDir: string,
  opts: AudioOptions = {}): Promise<{ metadata: AudioMetadata; outputs: Output[] }> {
  const run = opts.run ?? {};
  const metadata = readAudioMetadata(id);
  const tmp = `${workDir}/.tmp`;
  await mkdir(tmp, { recursive: true });
  const outputs: Output[] = [{ role: 'download:original', path: input, contentType: id.contentType,
    bytes: (await stat(input)).size }];

  // The waveform pass decodes everything first: a truncated file fails here, before any encode.
  const waveform = await computeWaveform(tools, input, metadata.duration, !id.durationEstimated, run);
  if (id.durationEstimated) metadata.duration = waveform.duration;
  await writeWaveform(`${tmp}/waveform.json`, waveform);
  await rename(`${tmp}/waveform.json`, `${workDir}/waveform.json`);
  outputs.push(await described('waveform', `${workDir}/waveform.json`, 'application/json'));

  let cover: Awaited<ReturnType<typeof normaliseCover>> | undefined;
  try {
    cover = await extractCover(tools, input, metadata, id, tmp, opts.coverPath, `${workDir}/cover.jpg`, run);
    if (cover) outputs.push({ role: 'cover', path: cover.path, contentType: cover.contentType, bytes: cover.bytes });
  } catch (err) {
    if (!(err instanceof ProcessingError || err instanceof ToolFailedError)) throw err;
    metadata.coverProblem = err instanceof ProcessingError ? err.reason : lastLines(err.stderr, 2);
  }

  const tags: ResolvedTags = resolveTags(opts.tags, metadata.tags, opts.defaultTags);
  metadata.resolvedTags = tags;
  const metaFile = `${tmp}/tags.ffmeta`;
  await writeFfmetadata(metaFile, tags);
  let opusMeta = metaFile;
  if (cover) {
    opusMeta = `${tmp}/tags-opus.ffmeta`;
    await writeFfmetadata(opusMeta, tags, {
      METADATA_BLOCK_PICTURE: metadataBlockPicture(await readFile(cover.path), cover.width, cover.height) });
  }
  const timeoutMs = 10 * 60_000 + metadata.duration * 2000;
  for (const r of renditionsFor(metadata)) {
    const part = `${tmp}/${r.file}`;
    const args = renditionArgs(r, input, r.cover === 'tag' ? opusMeta : metaFile, cover?.path, part);
    try {
      await runOk(tools.ffmpeg, args, { timeoutMs, ...run });
    } catch (err) {
      if (err instanceof ToolFailedError) {
        throw new ProcessingError(`encoding ${r.role} failed: ${lastLines(err.stderr, 2)}`);
      }
      throw err;
    }
    await rename(part, `${workDir}/${r.file}`);
    outputs.push(await described(r.role, `${workDir}/${r.file}`, r.contentType));
  }
  return { metadata, outputs };
}

async function described(role: OutputRole, path: string, contentType: string): Promise<Output> {
  return { role, path, contentType, bytes: (await stat(path)).size };
}
