// Covers and avatars: their state for the dashboard slot (what is in use, an upload on its
// way), removing one, and the public thumbnails. Thumbnails are public images by design (they
// show on public pages), served by an app route keyed by the file id: a new image is a new
// file with a new id, so the URL changes with the content and can be cached for a year.
import type { Deps } from '../../deps.ts';
import { NotFound } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { isUuid } from '../../platform/validate.ts';
import { setItemCover, setProjectCover } from '../catalog/index.ts';
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

/** Cover URLs by row id for the catalog's lists (rows without a cover key are left out: placeholders). */
export function coverUrlsOf(rows: readonly { id: string; cover_key: string | null }[], width: (typeof THUMB_WIDTHS)[number] = 320): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) {
    const url = r.cover_key ? imageUrl(r.cover_key, width) : null;
    if (url) out[r.id] = url;
  }
  return out;
}

/** A srcset over every thumbnail width (the route serves the nearest one that exists). */
export function imageSrcset(key: string): string {
  return THUMB_WIDTHS.map((w) => `${imageUrl(key, w)} ${w}w`).join(', ');
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
  const byWidth = rows.map((r) => ({ ...r, width: Number(r.kind.slice('thumb-'.length)) })).sort((a, b) => a.width - b.width);
  // The requested width, else the largest below it (small originals are never enlarged), else the smallest.
  const pick = byWidth.filter((r) => r.width <= width).pop() ?? byWidth[0];
  if (!pick) throw new NotFound();
  return { key: pick.object_key, bytes: pick.bytes, etag: `"${(pick.sha256 ?? fileId).slice(0, 16)}-${pick.width}"` };
}
