// Tag hygiene. Tags come from strangers' files and end up in HTML, JSON, database rows and other
// people's music players, so they are cleaned once here: control characters (NUL included)
// removed, length capped, count capped.
import { writeFile } from 'node:fs/promises';
import type { TagInput } from './types.ts';

export const MAX_TAG_LENGTH = 500;
const MAX_TAGS = 64;
const MAX_KEY_LENGTH = 64;

/** Strips C0/C1 control characters except tab and newline, trims, and caps at `max` code points. */
export function sanitizeTag(value: string, max = MAX_TAG_LENGTH): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufeff]/g, '').trim();
  const points = Array.from(clean); // never cut a surrogate pair (emoji) in half
  return points.length > max ? points.slice(0, max).join('').trimEnd() : clean;
}

/** Merges container and stream tags (Ogg keeps them on the stream) into lower-case keys. */
export function sanitizeTags(...sources: (Record<string, string> | undefined)[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const src of sources) {
    for (const [k, v] of Object.entries(src ?? {})) {
      const key = sanitizeTag(k, MAX_KEY_LENGTH).toLowerCase();
      // Embedded pictures and binary blobs are not text tags.
      if (!key || key === 'metadata_block_picture' || key in out || typeof v !== 'string') continue;
      if (Object.keys(out).length >= MAX_TAGS) return out;
      const val = sanitizeTag(v);
      if (val) out[key] = val;
    }
  }
  return out;
}

export interface ResolvedTags {
  title?: string;
  artist?: string;
  album?: string;
  trackNumber?: number;
}

/** The track number a file's own tags carry ("3" or "3/12"), if it is a sensible one. */
export function trackNumberOf(fileTags: Record<string, string>): number | undefined {
  const n = Number.parseInt((fileTags.track ?? fileTags.tracknumber ?? '').split('/')[0] ?? '', 10);
  return validTrack(n);
}

const validTrack = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n > 0 && n < 10_000 ? n : undefined);

/**
 * Creator-typed values win over the file's own tags, which win over `defaults` (used when the
 * file's tags are what the creator wants, e.g. an album upload, but some may be missing).
 * All are sanitised.
 */
export function resolveTags(input: TagInput | undefined, fileTags: Record<string, string>, defaults?: TagInput): ResolvedTags {
  const pick = (...vs: (string | undefined)[]) => {
    for (const v of vs) {
      const clean = sanitizeTag(v ?? '');
      if (clean) return clean;
    }
    return undefined;
  };
  return {
    title: pick(input?.title, fileTags.title, defaults?.title),
    artist: pick(input?.artist, fileTags.artist, defaults?.artist),
    album: pick(input?.album, fileTags.album, defaults?.album),
    trackNumber: validTrack(input?.trackNumber) ?? trackNumberOf(fileTags) ?? validTrack(defaults?.trackNumber),
  };
}

// ffmetadata escaping: '=', ';', '#', '\' and newline are backslash-escaped.
const esc = (s: string) => s.replace(/[=;#\\\n]/g, (c) => `\\${c}`);

/**
 * Writes tags as an ffmetadata file. A file rather than -metadata arguments because a cover
 * encoded into a tag (Opus) can exceed Linux's 128 KiB limit on a single argument.
 */
export async function writeFfmetadata(path: string, tags: ResolvedTags, extra: Record<string, string> = {}): Promise<void> {
  const lines = [';FFMETADATA1'];
  const add = (k: string, v: string | number | undefined) => { if (v !== undefined) lines.push(`${k}=${esc(String(v))}`); };
  add('title', tags.title);
  add('artist', tags.artist);
  add('album', tags.album);
  add('track', tags.trackNumber);
  for (const [k, v] of Object.entries(extra)) add(k, v);
  await writeFile(path, lines.join('\n') + '\n');
}

/**
 * A FLAC PICTURE block, base64, as Vorbis-comment players (Opus, Vorbis) expect cover art:
 * the Ogg muxer cannot carry a picture stream.
 */
export function metadataBlockPicture(jpeg: Buffer, width: number, height: number): string {
  const mime = Buffer.from('image/jpeg');
  const desc = Buffer.from('Cover (front)');
  const head = Buffer.alloc(8 + mime.length + 4 + desc.length + 20);
  let o = head.writeUInt32BE(3, 0); // picture type 3 = front cover
  o = head.writeUInt32BE(mime.length, o);
  o += mime.copy(head, o);
  o = head.writeUInt32BE(desc.length, o);
  o += desc.copy(head, o);
  o = head.writeUInt32BE(width, o);
  o = head.writeUInt32BE(height, o);
  o = head.writeUInt32BE(24, o); // colour depth
  o = head.writeUInt32BE(0, o); // not indexed
  head.writeUInt32BE(jpeg.length, o);
  return Buffer.concat([head, jpeg]).toString('base64');
}
