// What the media module asks of the catalog: the context an item's files are processed with,
// covers set once their image is processed, and album tracks (items created per uploaded file,
// titled and ordered by the file's own tags once known).
import type { Deps } from '../../deps.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { checkTitle } from './item-input.ts';
import { createItem, deleteItems } from './items-service.ts';
import { createProject, getOwnedProject } from './projects-service.ts';
import type { ItemType } from './tables.ts';
import * as q from './queries/media.ts';
import { refreshSearchDocs } from './queries/items.ts';

export interface ItemMediaContext {
  itemId: string;
  type: 'audio' | 'video' | 'text' | 'download' | 'image';
  title: string;
  creatorName: string;
  projectId: string;
  projectTitle: string;
  /** 1-based place among the project's audio items. */
  trackNumber: number;
  itemCoverKey: string | null;
  projectCoverKey: string | null;
}

export async function itemMediaContext(deps: Deps, itemId: string): Promise<ItemMediaContext | undefined> {
  const r = await q.itemMediaContext(deps.db, itemId);
  if (!r) return undefined;
  return {
    itemId: r.id, type: r.type, title: r.title, creatorName: r.creator_name, projectId: r.project_id, projectTitle: r.project_title,
    trackNumber: r.audio_rank, itemCoverKey: r.item_cover_key, projectCoverKey: r.project_cover_key,
  };
}

/** The highest item position in a project the viewer owns: album tracks are placed after it. */
export async function albumBase(deps: Deps, viewer: Viewer, projectId: string): Promise<number> {
  const project = await getOwnedProject(deps, viewer, projectId);
  return (await q.projectMaxPosition(deps.db, project.id)).max;
}

/** A draft audio item for one file of an album upload, titled after the file for now. */
export const createTrackItem = (deps: Deps, viewer: Viewer, projectId: string, fileName: string) =>
  createFileItem(deps, viewer, projectId, 'audio', fileName);

/** A draft item of the given type for one imported file, titled after the file name. */
export async function createFileItem(deps: Deps, viewer: Viewer, projectId: string, type: ItemType, fileName: string): Promise<string> {
  const base = fileName.replace(/\.[^.]{1,8}$/, '').replace(/[_]+/g, ' ').trim();
  const title = checkTitle(cut(base));
  return createItem(deps, viewer, projectId, { type, title: title.ok ? title.value : 'Untitled' });
}

/** A draft project for an imported folder. */
export async function createImportProject(deps: Deps, viewer: Viewer, title: string) {
  return createProject(deps, viewer, { title: cut(title) || 'Imported', description: '' });
}

export const deleteTrackItem = (deps: Deps, viewer: Viewer, itemId: string) => deleteItems(deps, viewer, [itemId]);

/** Title and position adopted from an album file's tags (title cut to the catalog's limit). */
export async function applyTrackTags(deps: Deps, itemId: string, t: { title?: string; position?: number }) {
  const title = t.title === undefined ? undefined : checkTitle(cut(t.title));
  await deps.db.transaction().execute(async (tx) => {
    await q.applyTrackTags(tx, itemId, { title: title?.ok ? title.value : undefined, position: t.position });
    await refreshSearchDocs(tx, { itemIds: [itemId] });
  });
}

/** Cut to the catalog's 200-character title limit by code points (never half an emoji). */
const cut = (s: string) => [...s].slice(0, 200).join('').trim();

/** A project's items (id, title, type, position) for the media module's track list. */
export async function projectItems(deps: Deps, viewer: Viewer, projectId: string) {
  const project = await getOwnedProject(deps, viewer, projectId);
  return q.projectItems(deps.db, project.id);
}

export const itemsUsingProjectCover = async (deps: Deps, projectId: string) =>
  (await q.itemsUsingProjectCover(deps.db, projectId)).map((r) => r.id);
