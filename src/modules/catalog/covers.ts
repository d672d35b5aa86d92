// Cover images of items and projects, for the media module to set once an uploaded image is
// processed (or to clear). The catalog stores only the object key; turning it into a URL is the
// media module's job: routes pass its URLs to the views (views/shared.tsx, Cover), which show a
// placeholder for a row without one. Ownership is checked here: `owner` is the signed-in viewer, or — for a processing job
// that has no viewer — the creator recorded on the uploaded file.
import type { Deps } from '../../deps.ts';
import { NotFound } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { isUuid } from '../../platform/validate.ts';
import { setOwnedItemCover } from './queries/items.ts';
import { setOwnedProjectCover } from './queries/projects.ts';

export type CoverOwner = Pick<Viewer, 'id'>;

/** An object key as storage layouts make them: 1–1024 printable characters, no leading slash or "..". */
export function checkObjectKey(key: string | null): string | null {
  if (key === null) return null;
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024 || /[\u0000-\u001F\u007F\\]/.test(key)
    || key.startsWith('/') || key.split('/').includes('..')) {
    throw new RangeError(`Not an object key: ${JSON.stringify(String(key).slice(0, 80))}`);
  }
  return key;
}

/** Sets (or with null, removes) an item's own cover; 404 unless `owner` made the item. */
export async function setItemCover(deps: Deps, owner: CoverOwner, itemId: string, key: string | null): Promise<void> {
  const value = checkObjectKey(key);
  const result = isUuid(itemId) ? await setOwnedItemCover(deps.db, owner.id, itemId, value) : undefined;
  if (!result?.numUpdatedRows) throw new NotFound();
}

/** Sets (or with null, removes) a project's cover, shown for its items without one of their own; 404 unless `owner` made the project. */
export async function setProjectCover(deps: Deps, owner: CoverOwner, projectId: string, key: string | null): Promise<void> {
  const value = checkObjectKey(key);
  const result = isUuid(projectId) ? await setOwnedProjectCover(deps.db, owner.id, projectId, value) : undefined;
  if (!result?.numUpdatedRows) throw new NotFound();
}
