// Covers and avatars: their state for the dashboard slot (what is in use, an upload on its
// way), removing one, and the public thumbnails. Thumbnails are public images by design (they
// show on public pages), served by an app route keyed by the file id: a new image is a new
// file with a new id, so the URL changes with the content and can be cached for a year.
// An image item's own image is its preview (what a fan sees before buying, like a track's
// clip): served through the same route, but never wider than PREVIEW_MAX_WIDTH, since the
// full-size original is what is sold.
import type { Deps } from '../../deps.ts';
import { NotFound } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { isUuid } from '../../platform/validate.ts';
import { findItem, setItemCover, setProjectCover } from '../catalog/index.ts';
import { setAvatar } from '../creators/index.ts';
import { fileIdOfKey } from './keys.ts';
import { THUMB_WIDTHS } from './processing/image.ts';
import * as q from './queries.ts';
import { resolveTarget, type TargetInput } from './targets.ts';

export type ImageTarget = 'item_cover' | 'project_cover' | 'avatar';
export { THUMB_WIDTHS };

/** The public URL of a cover or avatar at (about) the given width. */
export function imageUrl(key: string, width: (typeof THUMB_WIDTHS)[number] = 640): string | null {
  const id = fileIdOfKey(key);
  return id ? `/media/images/${id}/${width}.webp` : null;
}

type Width = (typeof THUMB_WIDTHS)[number];

/** The widest an image item's preview is served: enough for its page, far from a print. */
export const PREVIEW_MAX_WIDTH: Width = 640;

/** Cover URLs by row id for the catalog's lists (rows without a cover key are left out: placeholders). */
export function coverUrlsOf(rows: readonly { id: string; cover_key: string | null }[], width: Width = 320): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) {
    const url = r.cover_key ? imageUrl(r.cover_key, width) : null;
    if (url) out[r.id] = url;
  }
  return out;
}

/** A list row: an item (with its type) or a project; cover_key is the item's cover, else its project's. */
export interface CoverRow { id: string; cover_key: string | null; type?: string | null }

/** Image items' preview keys by item id: one query for the whole list, none without image items. */
async function previewKeys(deps: Deps, rows: readonly CoverRow[]): Promise<Map<string, string>> {
  const ids = rows.filter((r) => r.type === 'image' && isUuid(r.id)).map((r) => r.id);
  const found = await q.firstReadyImages(deps.db, ids);
  return new Map(found.map((f) => [f.item_id!, f.object_key!]));
}

/** The key a row shows: an image item's own image, else its cover (the item's, else its project's). */
const shownKey = (row: CoverRow, previews: Map<string, string>) => previews.get(row.id) ?? row.cover_key;

/**
 * Cover URLs by row id for a page's lists, image items showing their own image: coverUrlsOf
 * plus at most one query. Rows without an image are left out (placeholders).
 */
export async function listCoverUrls(deps: Deps, rows: readonly CoverRow[], width: Width = 320): Promise<Record<string, string>> {
  const previews = await previewKeys(deps, rows);
  return coverUrlsOf(rows.map((r) => ({ id: r.id, cover_key: shownKey(r, previews) })), width);
}

/** A page's big cover: src and srcset, or null for the placeholder (image items: their preview, at most PREVIEW_MAX_WIDTH). */
export async function pageCover(deps: Deps, row: CoverRow): Promise<{ src: string; srcset: string } | null> {
  const previews = await previewKeys(deps, [row]);
  const key = shownKey(row, previews);
  const max = previews.has(row.id) ? PREVIEW_MAX_WIDTH : undefined;
  const src = key ? imageUrl(key, 640) : null;
  return key && src ? { src, srcset: imageSrcset(key, max) } : null;
}

/** A srcset over the thumbnail widths up to `max` (the route serves the nearest one that exists). */
export function imageSrcset(key: string, max: number = Infinity): string {
  return THUMB_WIDTHS.filter((w) => w <= max).map((w) => `${imageUrl(key, w)} ${w}w`).join(', ');
}

export interface ImageSlotState {
  target: ImageTarget;
  itemId: string | null;
  projectId: string | null;
  currentKey: string | null;
  /** The newest upload when it is not the one in use: still on its way, or failed. */
  pending: { id: string; state: string; reason: string | null; name: string } | null;
}

export async function imageSlotState(deps: Deps, viewer: Viewer, input: TargetInput & { target: ImageTarget }): Promise<ImageSlotState> {
  const t = await resolveTarget(deps, viewer, input);
  const currentKey = t.currentImageKey ?? null;
  const newest = (await q.imageFilesOf(deps.db, viewer.id, t))[0];
  const pending = newest && newest.state !== 'ready'
    ? { id: newest.id, state: newest.state, reason: newest.state_reason, name: newest.original_name } : null;
  return { target: input.target, itemId: t.itemId, projectId: t.projectId, currentKey, pending };
}

/** Stops using the image and deletes every file of that target (their objects are purged). */
export async function removeImage(deps: Deps, viewer: Viewer, input: TargetInput & { target: ImageTarget }) {
  const t = await resolveTarget(deps, viewer, input);
  if (t.purpose === 'item_cover') await setItemCover(deps, viewer, t.itemId!, null);
  if (t.purpose === 'project_cover') await setProjectCover(deps, viewer, t.projectId!, null);
  if (t.purpose === 'avatar') await setAvatar(deps, viewer.id, null);
  const files = await q.imageFilesOf(deps.db, viewer.id, t);
  await q.deleteFiles(deps.db, files.map((f) => f.id));
}

/** The stored thumbnail for a public image URL, or NotFound. */
export async function publicThumbnail(deps: Deps, fileId: string, width: number) {
  if (!isUuid(fileId) || !(THUMB_WIDTHS as readonly number[]).includes(width)) throw new NotFound();
  const rows = await q.publicThumbnails(deps.db, fileId);
  const itemId = rows[0]?.purpose === 'item' ? rows[0].item_id : null;
  if (itemId) {
    // An item's own image: only an image item's, as its preview, and never above the cap.
    if ((await findItem(deps.db, itemId))?.type !== 'image') throw new NotFound();
    width = Math.min(width, PREVIEW_MAX_WIDTH);
  }
  const byWidth = rows.map((r) => ({ ...r, width: Number(r.kind.slice('thumb-'.length)) })).sort((a, b) => a.width - b.width);
  // The requested width, else the largest below it (small originals are never enlarged), else the smallest.
  const pick = byWidth.filter((r) => r.width <= width).pop() ?? byWidth[0];
  if (!pick) throw new NotFound();
  return { key: pick.object_key, bytes: pick.bytes, etag: `"${(pick.sha256 ?? fileId).slice(0, 16)}-${pick.width}"` };
}
