// The download formats a file offers: the pipeline's renditions by kind, plus the original.
// Listed on the item page before purchase, so fans know what they get.
import type { ReadyMedia, Rendition } from '../media/index.ts';

export interface Format { id: string; label: string; ext: string; rendition: Rendition }

const RENDITION_FORMATS: { id: string; kind: string; label: string; ext: string }[] = [
  { id: 'mp3-320', kind: 'download-mp3-320', label: 'MP3 320', ext: 'mp3' },
  { id: 'mp3-v0', kind: 'download-mp3-v0', label: 'MP3 V0', ext: 'mp3' },
  { id: 'flac', kind: 'download-flac', label: 'FLAC', ext: 'flac' },
  { id: 'aac', kind: 'download-aac', label: 'AAC', ext: 'm4a' },
  { id: 'opus', kind: 'download-opus', label: 'Opus', ext: 'opus' },
  { id: 'mp4-720p', kind: 'video-720p', label: 'MP4 720p', ext: 'mp4' },
  { id: 'mp4-360p', kind: 'video-360p', label: 'MP4 360p', ext: 'mp4' },
];

export const FORMAT_IDS = new Set(['original', ...RENDITION_FORMATS.map((f) => f.id)]);

const EXT_BY_TYPE: Record<string, string> = {
  'audio/mpeg': 'mp3', 'audio/flac': 'flac', 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/ogg': 'ogg', 'audio/aiff': 'aiff',
  'audio/mp4': 'm4a', 'video/mp4': 'mp4', 'video/quicktime': 'mov', 'video/webm': 'webm', 'video/x-matroska': 'mkv',
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'application/zip': 'zip', 'application/pdf': 'pdf',
};

/** The original's extension: from its name when it has a plain one, else from the probed type. */
export function originalExt(media: Pick<ReadyMedia, 'name' | 'contentType'>): string {
  const fromName = /\.([a-z0-9]{1,8})$/i.exec(media.name)?.[1];
  return (fromName ?? EXT_BY_TYPE[media.contentType.split(';')[0]!.trim()] ?? 'bin').toLowerCase();
}

export function formatsOf(media: ReadyMedia): Format[] {
  const list = RENDITION_FORMATS.filter((f) => media.renditions[f.kind])
    .map((f) => ({ id: f.id, label: f.label, ext: f.ext, rendition: media.renditions[f.kind]! }));
  const ext = originalExt(media);
  list.push({ id: 'original', label: `Original (${ext.toUpperCase()})`, ext, rendition: media.original });
  return list;
}

export function findFormat(media: ReadyMedia, id: string): Format | undefined {
  return formatsOf(media).find((f) => f.id === id);
}
