// The processing library's one entry point. It works on local paths: the job handler downloads
// the original into a per-job scratch directory, calls processFile, uploads the outputs and
// updates rows. processFile is a pure function of its inputs: it writes only under workDir,
// always to the same file names, so running it twice leaves the same set of files.
//
// Errors: a problem with the file itself becomes state 'failed' or 'quarantined' with a reason
// for the creator; anything else (ffmpeg missing, disk full, a timeout, clamd unreachable) is
// thrown so the queue retries.
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_LIMITS, inspectZip, ArchiveUnreadableError, type ArchiveLimits, type ArchiveReport } from './archive.ts';
import { processAudio, type AudioMetadata } from './audio.ts';
import { locateTools, type RunOptions, type Tools } from './ffmpeg.ts';
import { identify, type Identified } from './identify.ts';
import { processImage, type ImageMetadata } from './image.ts';
import { clamdScan, sha256File, type ClamdConfig, type ScanResult } from './scan.ts';
import { inspectTar } from './tar.ts';
import { ProcessingError, type Kind, type Output, type State, type TagInput } from './types.ts';
import { processVideo, type VideoMetadata } from './video.ts';

export { checkCodecs, locateTools, type CodecReport, type Tools } from './ffmpeg.ts';
export { sha256File, clamdScan, type ClamdConfig, type ScanResult } from './scan.ts';
export { ProcessingError, type Kind, type Output, type OutputRole, type State, type TagInput } from './types.ts';
export type { AudioMetadata, VideoMetadata, ImageMetadata, ArchiveReport };

export interface ProcessInput {
  /** The original, already downloaded to local disk. Never modified. */
  inputPath: string;
  /** Per-job scratch directory; every output is written inside it. */
  workDir: string;
  /** What the upload is meant to be (an avatar must be an image); a mismatch fails the file. */
  kindHint?: Kind;
  /** Creator-typed tags; they win over the file's own and are written into audio downloads. */
  tags?: TagInput;
  /** Tags used only where the file has none of its own (album uploads keep the file's titles). */
  defaultTags?: TagInput;
  /** A separate cover image for audio (else an embedded cover picture is used). */
  coverPath?: string;
  /** Scan with ClamAV when given; skipped otherwise. */
  clamd?: ClamdConfig;
  tools?: Tools;
  archiveLimits?: Partial<ArchiveLimits>;
  /** Sees every ffmpeg/ffprobe command (the benchmark replays them). */
  onCommand?: RunOptions['onCommand'];
}

export interface ProcessMetadata {
  bytes: number;
  sha256: string;
  format: string;
  contentType: string;
  audio?: AudioMetadata;
  video?: VideoMetadata;
  image?: ImageMetadata;
  archive?: ArchiveReport;
  scan?: ScanResult;
}

export interface ProcessResult {
  kind: Kind;
  state: State;
  reason?: string;
  metadata: ProcessMetadata;
  outputs: Output[];
}

// What to upload instead, named in the reason a creator sees.
const WANTED: Record<Kind, string> = {
  audio: 'upload MP3, WAV, FLAC, Ogg Vorbis, Opus, AAC/M4A or AIFF audio, or make this a download item to offer any file',
  video: 'upload an MP4, MOV, WebM or MKV video, or make this a download item to offer any file',
  image: 'upload a JPEG, PNG, WebP or GIF image',
  archive: 'upload a zip or tar archive',
  other: 'upload another file',
};

const original = (id: Identified, p: string, bytes: number): Output =>
  ({ role: 'download:original', path: p, contentType: id.contentType, bytes });

export async function processFile(input: ProcessInput): Promise<ProcessResult> {
  const inputPath = path.resolve(input.inputPath);
  const workDir = path.resolve(input.workDir);
  await mkdir(workDir, { recursive: true });
  const tmp = path.join(workDir, '.tmp');
  await rm(tmp, { recursive: true, force: true }); // leftovers of a run killed midway
  const run: RunOptions = { onCommand: input.onCommand };
  const bytes = (await stat(inputPath)).size;
  const metadata: ProcessMetadata = { bytes, sha256: await sha256File(inputPath), format: 'unknown',
    contentType: 'application/octet-stream' };
  let kind: Kind = input.kindHint ?? 'other';
  const fail = (reason: string, state: State = 'failed'): ProcessResult => ({ kind, state, reason, metadata, outputs: [] });

  try {
    if (input.clamd) {
      metadata.scan = await clamdScan(inputPath, input.clamd);
      if (metadata.scan.status === 'error') throw new Error(`virus scan unavailable: ${metadata.scan.message}`);
      if (metadata.scan.status === 'infected') return fail(`virus found: ${metadata.scan.signature}`, 'quarantined');
    }
    const tools = input.tools ?? (await locateTools());
    const id = await identify(tools, inputPath, run);
    kind = id.kind;
    metadata.format = id.format;
    metadata.contentType = id.contentType;
    if (input.kindHint && input.kindHint !== id.kind) {
      return fail(id.kind === 'other'
        ? `not a supported ${input.kindHint} file (the content is not a format we recognise); ${WANTED[input.kindHint]}`
        : `expected ${input.kindHint} but the file is ${id.kind} (${id.format}); ${WANTED[input.kindHint]}`);
    }
    switch (id.kind) {
      case 'audio': {
        const r = await processAudio(tools, inputPath, id, workDir, { tags: input.tags, defaultTags: input.defaultTags, coverPath: input.coverPath, run });
        metadata.audio = r.metadata;
        return { kind, state: 'ready', metadata, outputs: r.outputs };
      }
      case 'video': {
        const r = await processVideo(tools, inputPath, id, workDir, run);
        metadata.video = r.metadata;
        return { kind, state: 'ready', metadata, outputs: r.outputs };
      }
      case 'image': {
        const r = await processImage(inputPath, workDir);
        metadata.image = r.metadata;
        return { kind, state: 'ready', metadata, outputs: [original(id, inputPath, bytes), ...r.outputs] };
      }
      case 'archive': {
        const limits = { ...DEFAULT_LIMITS, ...input.archiveLimits };
        const report = id.format === 'zip' ? await inspectZip(inputPath, limits)
          : await inspectTar(inputPath, id.format === 'gzip', limits);
        metadata.archive = report;
        if (report.quarantine.length > 0) return fail(report.quarantine.join('; '), 'quarantined');
        return { kind, state: 'ready', metadata, outputs: [original(id, inputPath, bytes)] };
      }
      case 'other':
        // Software, documents, anything else: stored as uploaded, fingerprinted.
        return { kind, state: 'ready', metadata, outputs: [original(id, inputPath, bytes)] };
    }
  } catch (err) {
    if (err instanceof ProcessingError) return fail(err.reason, err.state);
    if (err instanceof ArchiveUnreadableError) return fail(err.message);
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
