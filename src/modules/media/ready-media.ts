// What playback and downloads read of the media module: ready files, their metadata and the
// renditions made of them. Object keys only; signing them is the caller's business.
import type { Deps } from '../../deps.ts';
import { isUuid } from '../../platform/validate.ts';
import * as q from './queries.ts';

export interface Rendition { objectKey: string; contentType: string; bytes: number }

export interface ReadyMedia {
  id: string;
  itemId: string;
  versionId: string | null;
  creatorId: string;
  kind: 'audio' | 'video' | 'image' | 'archive' | 'other';
  name: string;
  bytes: number;
  sha256: string;
  readyAt: Date | null;
  original: Rendition;
  /** Derivatives by kind: stream, waveform, cover, poster, video-720p, download-mp3-320, … */
  renditions: Record<string, Rendition>;
  duration: number | null;
  audio: { channels: number; sampleRate: number; lossless: boolean; codec: string; bitDepth?: number } | null;
  video: { width: number; height: number; hasAudio: boolean } | null;
  /** The container/codec of the original as probed (e.g. "flac", "ogg"). */
  format: string;
  contentType: string;
}

type Row = Awaited<ReturnType<typeof q.readyFiles>>[number];

function toReady(r: Row): ReadyMedia {
  const meta = (r.metadata ?? {}) as { format?: string; contentType?: string; audio?: Record<string, unknown>; video?: Record<string, unknown> };
  const audio = meta.audio as ReadyMedia['audio'] & { duration?: number } | undefined;
  const video = meta.video as ReadyMedia['video'] & { duration?: number } | undefined;
  const renditions: Record<string, Rendition> = {};
  for (const d of r.derivatives) renditions[d.kind] = { objectKey: d.object_key, contentType: d.content_type, bytes: Number(d.bytes) };
  return {
    id: r.id, itemId: r.item_id!, versionId: r.version_id, creatorId: r.creator_id, kind: r.kind ?? 'other', name: r.original_name,
    bytes: r.bytes ?? 0, sha256: r.sha256 ?? '', readyAt: r.ready_at,
    original: { objectKey: r.object_key!, contentType: meta.contentType ?? 'application/octet-stream', bytes: r.bytes ?? 0 },
    renditions,
    duration: audio?.duration ?? video?.duration ?? null,
    audio: audio ? { channels: audio.channels, sampleRate: audio.sampleRate, lossless: audio.lossless, codec: audio.codec, bitDepth: audio.bitDepth } : null,
    video: video ? { width: video.width, height: video.height, hasAudio: video.hasAudio } : null,
    format: meta.format ?? 'unknown',
    contentType: meta.contentType ?? 'application/octet-stream',
  };
}

export async function readyMediaOfItems(deps: Deps, itemIds: string[]): Promise<ReadyMedia[]> {
  return (await q.readyFiles(deps.db, { itemIds: itemIds.filter(isUuid) })).map(toReady);
}

export async function readyMediaFile(deps: Deps, fileId: string): Promise<ReadyMedia | undefined> {
  if (!isUuid(fileId)) return undefined;
  const [row] = await q.readyFiles(deps.db, { fileId });
  return row ? toReady(row) : undefined;
}
