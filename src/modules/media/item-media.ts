// An item's files as other code needs them: the dashboard's file list (with what processing
// found) and itemMedia() for the public item page and the player (ready files only, with their
// metadata and derivatives' kinds and keys; signing URLs is the caller's business).
import type { Deps } from '../../deps.ts';
import { isUuid } from '../../platform/validate.ts';
import * as q from './queries.ts';
import type { FileView } from './views/files.tsx';

export interface ItemMediaFile {
  id: string;
  name: string;
  kind: 'audio' | 'video' | 'image' | 'archive' | 'other' | null;
  bytes: number;
  sha256: string | null;
  /** Key of the original as uploaded (the "original" download). */
  originalKey: string;
  /** Content type found by probing (not what the browser declared). */
  contentType: string | null;
  /** Seconds, for audio and video. */
  duration: number | null;
  /** Everything processing recorded: audio/video/image/archive sections, tags, waveformPreview. */
  metadata: Record<string, unknown>;
  /** stream, download-mp3-320, download-mp3-v0, download-flac, download-opus, download-aac, waveform, cover,
   * poster, poster-webp, video-720p, video-360p, thumb-320… */
  derivatives: { kind: string; key: string; contentType: string; bytes: number }[];
  versionId: string | null;
  readyAt: Date | null;
}

type Meta = { contentType?: string; format?: string; audio?: Record<string, unknown>; video?: Record<string, unknown>; image?: Record<string, unknown>; waveformPreview?: number[] };

/** The item's ready files, oldest first (the same query as playback's readyMediaOfItems). */
export async function itemMedia(deps: Deps, itemId: string): Promise<ItemMediaFile[]> {
  if (!isUuid(itemId)) return [];
  return (await q.readyFiles(deps.db, { itemIds: [itemId] })).map((f) => {
    const m = f.metadata as Meta;
    const duration = Number(m.audio?.duration ?? m.video?.duration ?? NaN);
    return {
      id: f.id, name: f.original_name, kind: f.kind, bytes: f.bytes ?? 0, sha256: f.sha256, originalKey: f.object_key!,
      contentType: m.contentType ?? null, duration: Number.isFinite(duration) ? duration : null, metadata: f.metadata,
      derivatives: f.derivatives.map((d) => ({ kind: d.kind, key: d.object_key, contentType: d.content_type, bytes: Number(d.bytes) })),
      versionId: f.version_id, readyAt: f.ready_at,
    };
  });
}

// In the order buyers are offered them.
const FORMAT_LABELS: Record<string, string> = {
  'download-flac': 'FLAC', 'download-mp3-320': 'MP3 320k', 'download-mp3-v0': 'MP3 V0', 'download-aac': 'AAC 256k', 'download-opus': 'Opus',
  'video-720p': '720p MP4', 'video-360p': '360p MP4',
};
const FORMAT_ORDER = Object.keys(FORMAT_LABELS);

/** The dashboard's list: every file in any state, ready ones with their details. */
export async function listItemFileViews(deps: Deps, viewerId: string, itemId: string): Promise<FileView[]> {
  const files = await q.listItemFiles(deps.db, itemId);
  const derivatives = await q.derivativesOf(deps.db, files.filter((f) => f.state === 'ready').map((f) => f.id));
  return Promise.all(files.map(async (f) => {
    if (f.state !== 'ready') return f;
    const m = f.metadata as Meta;
    const mine = derivatives.filter((d) => d.media_file_id === f.id);
    const a = m.audio as { duration?: number; channels?: number; sampleRate?: number; bitDepth?: number } | undefined;
    const v = m.video as { duration?: number; width?: number; height?: number; hasAudio?: boolean } | undefined;
    const poster = mine.find((d) => d.kind === 'poster-webp') ?? mine.find((d) => d.kind === 'poster');
    const posterUrl = poster ? await deps.store.presignGet(poster.object_key, { expiresInSeconds: 3600, viewerId, contentType: poster.content_type })
      .catch(() => undefined) : undefined; // storage down: the list still renders
    return {
      ...f,
      details: {
        kind: f.kind, format: m.format, duration: a?.duration ?? v?.duration, channels: a?.channels, sampleRate: a?.sampleRate, bitDepth: a?.bitDepth,
        width: v?.width, height: v?.height, hasAudio: v?.hasAudio, peaks: m.waveformPreview, posterUrl,
        formats: [`Original${m.format && m.format !== 'unknown' ? ` (${m.format.toUpperCase()})` : ''}`,
          ...FORMAT_ORDER.filter((k) => mine.some((d) => d.kind === k)).map((k) => FORMAT_LABELS[k]!)],
      },
    };
  }));
}
