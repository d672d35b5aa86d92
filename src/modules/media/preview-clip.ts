// Preview clips: the first N seconds of a file's streaming rendition, cut without re-encoding
// (-c copy) into an object of its own, so a visitor who has not bought an item is handed the
// clip's URL and never the full file's. Made on demand (the first visitor asks, the job runs
// in a second or two) and kept as a derivative, so it counts as the creator's storage.
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Deps } from '../../deps.ts';
import type { Logger } from '../../platform/log.ts';
import { enqueueJob } from '../../platform/queue.ts';
import { derivativeKey } from './keys.ts';
import { locateTools, run } from './processing/ffmpeg.ts';
import * as q from './queries.ts';
import { readyMediaFile, type ReadyMedia } from './ready-media.ts';
import { makeScratchDir } from './scratch.ts';

export const PREVIEW_CLIP_JOB = 'media_preview_clip';
export const previewKind = (seconds: number) => `preview-${seconds}s`;

/** The rendition a clip is cut from: the audio stream, or the smallest video rendition. */
export function clipSource(media: ReadyMedia) {
  if (media.kind === 'audio') return media.renditions.stream;
  const videos = Object.entries(media.renditions).filter(([k]) => /^video-\d+p$/.test(k))
    .sort(([a], [b]) => parseInt(a.slice(6), 10) - parseInt(b.slice(6), 10));
  return videos[0]?.[1];
}

export async function requestPreviewClip(deps: Deps, fileId: string, seconds: number) {
  await enqueueJob(deps.db, PREVIEW_CLIP_JOB, { fileId, seconds }, { jobKey: `${PREVIEW_CLIP_JOB}:${fileId}:${seconds}`, maxAttempts: 5 });
}

export async function makePreviewClip(deps: Deps, log: Logger, fileId: string, seconds: number) {
  const media = await readyMediaFile(deps, fileId);
  const source = media && clipSource(media);
  if (!media || !source || media.renditions[previewKind(seconds)]) return; // gone, not playable, or done
  const scratch = await makeScratchDir(fileId); // swept at worker start if this process dies
  try {
    const input = path.join(scratch, 'source');
    const output = path.join(scratch, media.kind === 'audio' ? 'clip.m4a' : 'clip.mp4');
    await pipeline((await deps.store.get(source.objectKey)).body, createWriteStream(input));
    const tools = await locateTools();
    const res = await run(tools.ffmpeg, ['-v', 'error', '-nostdin', '-y', '-i', `file:${input}`, '-t', String(seconds), '-map', '0',
      '-c', 'copy', '-movflags', '+faststart', '-f', media.kind === 'audio' ? 'ipod' : 'mp4', `file:${output}`], { timeoutMs: 120_000 });
    if (res.code !== 0) throw new Error(`ffmpeg could not cut the preview: ${res.stderr.slice(-300)}`);
    const bytes = (await fs.stat(output)).size;
    const kind = previewKind(seconds);
    const key = derivativeKey(media.creatorId, media.id, kind);
    await deps.store.put(key, createReadStream(output), { contentType: source.contentType, contentLength: bytes });
    await q.upsertDerivative(deps.db, { fileId: media.id, kind, objectKey: key, contentType: source.contentType, bytes });
    log.info({ fileId, seconds, bytes }, 'preview clip made');
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
