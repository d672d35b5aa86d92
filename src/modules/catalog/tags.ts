// Hierarchical tag paths: "music/electronic/ambient". Each segment is a slug; a path implies
// all its ancestors ("music", "music/electronic").
import { slugify } from './slugs.ts';

export const TAG_MAX_DEPTH = 8;
export const TAG_SEGMENT_MAX = 40;
export const TAGS_PER_ITEM_MAX = 10;

export type TagCheck = { ok: true; path: string } | { ok: false; error: string };

export function checkTagPath(raw: string): TagCheck {
  if (raw.includes('\u0000')) return { ok: false, error: 'Tags cannot contain control characters.' };
  const trimmed = raw.trim().replace(/^\/+|\/+$/g, '');
  if (!trimmed) return { ok: false, error: 'Empty tag.' };
  const parts = trimmed.split('/');
  if (parts.length > TAG_MAX_DEPTH) return { ok: false, error: `Tags can be at most ${TAG_MAX_DEPTH} levels deep (“${raw.slice(0, 40)}…”).` };
  const segments: string[] = [];
  for (const part of parts) {
    if (part.trim() === '' ) return { ok: false, error: `“${raw.slice(0, 60)}” has an empty level (two slashes in a row).` };
    if (part.trim() === '.' || part.trim() === '..') return { ok: false, error: `“${raw.slice(0, 60)}” has a “${part.trim()}” level, which is not a name.` };
    const segment = slugify(part);
    if (!segment) return { ok: false, error: `“${part.slice(0, 40)}” needs at least one letter or digit.` };
    if (segment.length > TAG_SEGMENT_MAX) return { ok: false, error: `Each tag level can be at most ${TAG_SEGMENT_MAX} characters.` };
    segments.push(segment);
  }
  return { ok: true, path: segments.join('/') };
}

/** "a/b/c" → ["a", "a/b", "a/b/c"] */
export function tagAncestry(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Parses a comma- or newline-separated list of tag paths, deduplicated. */
export function parseTagList(raw: unknown): { ok: true; paths: string[] } | { ok: false; error: string } {
  if (raw !== undefined && typeof raw !== 'string') return { ok: false, error: 'Tags must be text.' };
  const entries = (raw ?? '').split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
  const paths: string[] = [];
  for (const entry of entries) {
    const tag = checkTagPath(entry);
    if (!tag.ok) return tag;
    if (!paths.includes(tag.path)) paths.push(tag.path);
  }
  if (paths.length > TAGS_PER_ITEM_MAX) return { ok: false, error: `At most ${TAGS_PER_ITEM_MAX} tags per item.` };
  return { ok: true, paths };
}
