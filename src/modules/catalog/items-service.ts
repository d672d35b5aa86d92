// Item use cases: create, edit (one wizard step or the whole form), publish, versions,
// chapters, and what a given viewer may see.
import type { Deps } from '../../deps.ts';
import { Conflict, NotFound, ValidationError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { readText } from '../../platform/validate.ts';
import { findCreator } from '../creators/index.ts';
import { checkTitle, hasReadableText, parseItemFields, parseItemType } from './item-input.ts';
import { isUuid } from './projects-service.ts';
import * as q from './queries/items.ts';
import { itemsWithUsableFile } from './queries/media.ts';
import { findOwnedProject } from './queries/projects.ts';
import type { ItemType, PublishStatus } from './tables.ts';
import { tagAncestry } from './tags.ts';

export const VERSIONED_TYPES: ItemType[] = ['audio', 'video', 'download'];

export async function createItem(deps: Deps, viewer: Viewer, projectId: string, input: Record<string, unknown>) {
  const project = isUuid(projectId) ? await findOwnedProject(deps.db, viewer.id, projectId) : undefined;
  if (!project) throw new NotFound();
  const type = parseItemType(input.type);
  const title = checkTitle(input.title);
  if (!type || !title.ok) {
    throw new ValidationError({ ...(type ? {} : { type: 'Choose what kind of item this is.' }), ...(title.ok ? {} : { title: title.error }) });
  }
  const creator = await findCreator(deps, viewer.id);
  if (!creator) throw new NotFound();
  return deps.db.transaction().execute(async (tx) => {
    const { id } = await q.insertItem(tx, { project_id: project.id, creator_id: viewer.id, type, title: title.value, currency: creator.payout_currency });
    await q.refreshSearchDocs(tx, { itemIds: [id] });
    return id;
  });
}

/** The item if the viewer owns it; 404 otherwise (never 403: existence must not leak). */
export async function getOwnedItem(deps: Deps, viewer: Viewer, itemId: string) {
  const item = isUuid(itemId) ? await q.findItem(deps.db, itemId) : undefined;
  if (!item || item.creator_id !== viewer.id) throw new NotFound();
  return item;
}

export async function updateItem(deps: Deps, viewer: Viewer, itemId: string, input: Record<string, unknown>) {
  const item = await getOwnedItem(deps, viewer, itemId);
  const { fields, errors } = parseItemFields(input, item.currency);
  if (item.status === 'published' && 'ai_use' in fields && !fields.ai_use) errors.ai_use = 'A published item needs its AI-use label.';
  if (item.status === 'published' && item.type === 'text' && 'body' in fields && !hasReadableText(fields.body ?? '')) {
    errors.body = 'A published text needs its text: unpublish it first if you want to empty it.';
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const { tags, ...columns } = fields;
  await deps.db.transaction().execute(async (tx) => {
    if (Object.keys(columns).length) await q.updateOwnedItem(tx, viewer.id, item.id, columns);
    if (tags) await q.replaceItemTags(tx, item.id, tags, tagAncestry);
    await q.refreshSearchDocs(tx, { itemIds: [item.id] });
  });
}

/** Bulk publish/unpublish: returns how many changed; items with nothing to give fans are left out of a publish. */
export async function setItemsStatus(deps: Deps, viewer: Viewer, ids: string[], status: PublishStatus) {
  let valid = ids.filter(isUuid);
  if (status !== 'published') {
    const changed = await q.setItemsStatus(deps.db, viewer.id, valid, status);
    return { changed: changed.length, skipped: valid.length - changed.length };
  }
  return deps.db.transaction().execute(async (tx) => {
    const owned = (await q.lockItems(tx, valid)).filter((i) => i.creator_id === viewer.id);
    const missing = await missingContent({ ...deps, db: tx }, owned);
    valid = valid.filter((id) => !missing.has(id));
    const changed = await q.setItemsStatus(tx, viewer.id, valid, status);
    return { changed: changed.length, skipped: valid.length - changed.length };
  });
}

/** Types whose content is a file: published without one, the page would offer nothing. */
const FILE_TYPES: ItemType[] = ['audio', 'video', 'download', 'image'];

/**
 * Why these items have nothing to give fans yet (item id → the reason), so publishing them
 * would show a page with "Get it free" and nothing to play, read or download.
 */
export async function missingContent(deps: Deps, list: { id: string; type: ItemType }[], exceptFileId?: string) {
  const usable = await itemsWithUsableFile(deps.db, list.filter((i) => FILE_TYPES.includes(i.type)).map((i) => i.id), exceptFileId);
  const readable = new Set((await q.textBodies(deps.db, list.filter((i) => i.type === 'text').map((i) => i.id)))
    .filter((t) => hasReadableText(t.body)).map((t) => t.id));
  const reasons = new Map<string, string>();
  for (const i of list) {
    if (i.type === 'text' && !readable.has(i.id)) reasons.set(i.id, 'The text is empty: write or paste it before publishing.');
    else if (FILE_TYPES.includes(i.type) && !usable.has(i.id)) {
      reasons.set(i.id, `${i.type === 'image' ? 'Upload the image' : 'Upload a file'} before publishing: this item has no ${i.type === 'image' ? 'image' : 'file'} that is ready or still processing, so fans would get nothing. A file that failed processing or was quarantined does not count.`);
    }
  }
  return reasons;
}

export async function publishItem(deps: Deps, viewer: Viewer, itemId: string) {
  const item = await getOwnedItem(deps, viewer, itemId);
  if (!item.ai_use) throw new Conflict('Set the AI-use label (handmade, AI-assisted or AI-generated) before publishing.');
  await deps.db.transaction().execute(async (tx) => {
    const [locked] = await q.lockItems(tx, [item.id]);
    const missing = locked && (await missingContent({ ...deps, db: tx }, [locked])).get(item.id);
    if (missing) throw new Conflict(missing);
    await q.setItemsStatus(tx, viewer.id, [item.id], 'published');
  });
}

/**
 * A published item that has just lost the last thing fans could get (its only file deleted,
 * failed or quarantined) is taken off sale, as Unpublish would; returns why, or undefined when
 * it keeps something to give (or was not published).
 */
export async function withdrawIfEmpty(deps: Deps, itemId: string): Promise<string | undefined> {
  if (!isUuid(itemId)) return undefined;
  return deps.db.transaction().execute(async (tx) => {
    // Read under the lock: a publish that checked before this file went has committed by now.
    const [item] = await q.lockItems(tx, [itemId]);
    if (!item || item.status !== 'published') return undefined;
    const missing = (await missingContent({ ...deps, db: tx }, [item])).get(item.id);
    if (missing) await q.setItemsStatus(tx, item.creator_id, [item.id], 'unpublished');
    return missing;
  });
}

/** Whether deleting this file would leave its published item with nothing to give fans. */
export async function deletingLeavesItemEmpty(deps: Deps, itemId: string, fileId: string): Promise<boolean> {
  const item = await q.findItem(deps.db, itemId);
  if (!item || item.status !== 'published') return false;
  return (await missingContent(deps, [item], fileId)).has(item.id);
}

/** Takes one item off sale and out of listings; it stays editable and can be published again. */
export async function unpublishItem(deps: Deps, viewer: Viewer, itemId: string) {
  const item = await getOwnedItem(deps, viewer, itemId);
  await q.setItemsStatus(deps.db, viewer.id, [item.id], 'unpublished');
}

export async function deleteItems(deps: Deps, viewer: Viewer, ids: string[]) {
  return (await q.deleteItems(deps.db, viewer.id, ids.filter(isUuid))).length;
}

export const listOwnedItems = (deps: Deps, viewer: Viewer) => q.listOwnedItems(deps.db, viewer.id);
export const itemTags = (deps: Deps, itemId: string) => q.itemTags(deps.db, itemId);
export const listVersions = (deps: Deps, itemId: string) => q.listVersions(deps.db, itemId);
export const listChapters = (deps: Deps, itemId: string) => q.listChapters(deps.db, itemId);

export async function addVersion(deps: Deps, viewer: Viewer, itemId: string, input: Record<string, unknown>) {
  const item = await getOwnedItem(deps, viewer, itemId);
  if (!VERSIONED_TYPES.includes(item.type)) throw new Conflict('Only audio, video and downloads have versions.');
  const label = readText(input.label, { label: 'Version', max: 50, required: true });
  const changelog = readText(input.changelog, { label: 'Changelog', max: 10_000, multiline: true });
  const { fields, errors } = parseItemFields({ release_date: input.released_on ?? '' }, item.currency);
  if (!label.ok) errors.label = label.error;
  if (!changelog.ok) errors.changelog = changelog.error;
  if (errors.release_date) errors.released_on = errors.release_date;
  if (!label.ok || !changelog.ok || errors.released_on) throw new ValidationError(errors);
  const releasedOn = fields.release_date ?? new Date().toISOString().slice(0, 10);
  const created = await q.insertVersion(deps.db, { itemId: item.id, label: label.value, releasedOn, changelog: changelog.value });
  if (!created) throw new ValidationError({ label: `There is already a version “${label.value}”.` });
}

/** True if the version existed (on this item) and is now gone. */
export async function deleteVersion(deps: Deps, viewer: Viewer, itemId: string, versionId: string): Promise<boolean> {
  const item = await getOwnedItem(deps, viewer, itemId);
  if (!isUuid(versionId)) return false;
  const result = await q.deleteVersion(deps.db, item.id, versionId);
  return (result.numDeletedRows ?? 0n) > 0n;
}

/** Chapters come as lines "m:ss Title" or "h:mm:ss Title". */
export async function setChapters(deps: Deps, viewer: Viewer, itemId: string, input: Record<string, unknown>) {
  const item = await getOwnedItem(deps, viewer, itemId);
  if (item.type !== 'audio') throw new Conflict('Only audio items have chapters.');
  const text = readText(input.chapters, { label: 'Chapters', max: 20_000, multiline: true });
  if (!text.ok) throw new ValidationError({ chapters: text.error });
  const chapters: { title: string; startSeconds: number }[] = [];
  for (const line of text.value.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const m = /^(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)\s+(.{1,200})$/.exec(line);
    if (!m) throw new ValidationError({ chapters: `“${line.slice(0, 60)}” should look like “3:15 Chorus”.` });
    const start = Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    if (chapters.some((c) => c.startSeconds === start)) throw new ValidationError({ chapters: `Two chapters start at ${line.split(/\s/)[0]}.` });
    chapters.push({ title: m[4]!.trim(), startSeconds: start });
  }
  if (chapters.length > 200) throw new ValidationError({ chapters: 'At most 200 chapters.' });
  await deps.db.transaction().execute((tx) => q.replaceChapters(tx, item.id, chapters));
}

/** What /i/<id> shows: public items to everyone, anything to its owner, 404 to the rest. */
export async function getItemPage(deps: Deps, itemId: string, viewer: Viewer | null) {
  const item = isUuid(itemId) ? await q.findItem(deps.db, itemId) : undefined;
  const isOwner = !!viewer && item?.creator_id === viewer.id;
  if (!item || (!item.is_public && !isOwner)) throw new NotFound();
  const [tags, versions, chapters] = await Promise.all([q.itemTags(deps.db, item.id), q.listVersions(deps.db, item.id), q.listChapters(deps.db, item.id)]);
  return { item, tags, versions, chapters, isOwner };
}
