// SQL on items, their versions, chapters and tags.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Executor } from '../../../deps.ts';
import type { CatalogTables, ItemType, PublishStatus } from '../tables.ts';
import { CORRECT_MIN_LENGTH } from './corrections.ts';

type ItemInsert = Insertable<CatalogTables['items']>;
type ItemUpdate = Updateable<CatalogTables['items']>;

export function insertItem(db: Executor, item: ItemInsert) {
  return db.insertInto('items').values({
    ...item,
    position: sql<number>`(SELECT coalesce(max(position), 0) + 1 FROM items WHERE project_id = ${item.project_id})`,
  }).returning('id').executeTakeFirstOrThrow();
}

/** An item with what its pages need: project, creator handle, and whether it is publicly visible. */
/** The bodies of those of these items that are texts (what publishing checks they hold). */
export function textBodies(db: Executor, itemIds: string[]) {
  if (!itemIds.length) return Promise.resolve([]);
  return db.selectFrom('items').select(['id', 'body']).where('id', 'in', itemIds).where('type', '=', 'text').execute();
}

/**
 * Locks these items' rows until the transaction ends: publishing checks an item's content and
 * changes its status under this lock, and so does taking an item off sale when its last file
 * goes, so a publish racing a delete cannot leave a published item with nothing.
 */
export function lockItems(db: Executor, itemIds: string[]) {
  if (!itemIds.length) return Promise.resolve([]);
  return db.selectFrom('items').select(['id', 'type', 'status', 'creator_id']).where('id', 'in', itemIds).orderBy('id').forUpdate().execute();
}

export function findItem(db: Executor, itemId: string) {
  return db.selectFrom('items as i')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .innerJoin('users as u', 'u.id', 'i.creator_id')
    .selectAll('i')
    .select(['p.title as project_title', 'p.slug as project_slug', 'p.status as project_status', 'p.cover_key as project_cover_key',
      'u.username as creator_username', 'u.display_name as creator_name',
      sql<boolean>`i.status = 'published' AND p.status = 'published'`.as('is_public')])
    .where('i.id', '=', itemId).executeTakeFirst();
}

export function updateOwnedItem(db: Executor, creatorId: string, itemId: string, changes: ItemUpdate) {
  return db.updateTable('items').set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', itemId).where('creator_id', '=', creatorId).executeTakeFirst();
}

export function setOwnedItemCover(db: Executor, creatorId: string, itemId: string, key: string | null) {
  return db.updateTable('items').set({ cover_key: key, updated_at: sql`now()` })
    .where('id', '=', itemId).where('creator_id', '=', creatorId).executeTakeFirst();
}

export function listProjectItems(db: Executor, projectId: string, opts: { publishedOnly: boolean }) {
  let q = db.selectFrom('items')
    .select(['id', 'type', 'title', 'status', 'price_kind', 'price_amount', 'price_suggested', 'currency', 'release_date', 'ai_use', 'position',
      sql<string | null>`coalesce(cover_key, (SELECT p.cover_key FROM projects p WHERE p.id = items.project_id))`.as('cover_key')])
    .where('project_id', '=', projectId);
  if (opts.publishedOnly) q = q.where('status', '=', 'published');
  return q.orderBy('position').orderBy('created_at').execute();
}

export function listOwnedItems(db: Executor, creatorId: string) {
  return db.selectFrom('items as i').innerJoin('projects as p', 'p.id', 'i.project_id')
    .select(['i.id', 'i.type', 'i.title', 'i.status', 'i.ai_use', 'i.updated_at', 'p.title as project_title', 'p.id as project_id',
      sql<string | null>`coalesce(i.cover_key, p.cover_key)`.as('cover_key')])
    .where('i.creator_id', '=', creatorId).orderBy('i.updated_at', 'desc').execute();
}

/**
 * Bulk status change on the creator's own items. Publishing sets published_at the first time
 * and skips items without an AI-use label (the database refuses those too).
 */
export function setItemsStatus(db: Executor, creatorId: string, ids: string[], status: PublishStatus) {
  if (!ids.length) return Promise.resolve([]);
  let q = db.updateTable('items')
    .set({ status, updated_at: sql`now()`, ...(status === 'published' ? { published_at: sql`coalesce(published_at, now())` } : {}) })
    .where('creator_id', '=', creatorId).where('id', 'in', ids);
  if (status === 'published') q = q.where('ai_use', 'is not', null);
  return q.returning('id').execute();
}

export function deleteItems(db: Executor, creatorId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db.deleteFrom('items').where('creator_id', '=', creatorId).where('id', 'in', ids).returning('id').execute();
}

// ---- tags ----

/** Creates the tag rows a path needs (ancestors first), then replaces the item's tags. */
export async function replaceItemTags(db: Executor, itemId: string, paths: string[], ancestry: (p: string) => string[]) {
  const all = [...new Set(paths.flatMap(ancestry))].sort((a, b) => a.split('/').length - b.split('/').length);
  if (all.length) {
    await db.insertInto('tags').values(all.map((path) => {
      const parts = path.split('/');
      return { path, name: parts[parts.length - 1]!, parent: parts.length > 1 ? parts.slice(0, -1).join('/') : null, depth: parts.length };
    })).onConflict((oc) => oc.column('path').doNothing()).execute();
  }
  await db.deleteFrom('item_tags').where('item_id', '=', itemId).execute();
  if (paths.length) await db.insertInto('item_tags').values(paths.map((tag_path) => ({ item_id: itemId, tag_path }))).execute();
}

export async function itemTags(db: Executor, itemId: string): Promise<string[]> {
  const rows = await db.selectFrom('item_tags').select('tag_path').where('item_id', '=', itemId).orderBy('tag_path').execute();
  return rows.map((r) => r.tag_path);
}

// ---- versions and chapters ----

export function listVersions(db: Executor, itemId: string) {
  return db.selectFrom('item_versions').selectAll().where('item_id', '=', itemId).orderBy('released_on', 'desc').orderBy('created_at', 'desc').execute();
}

export function insertVersion(db: Executor, v: { itemId: string; label: string; releasedOn: string; changelog: string }) {
  return db.insertInto('item_versions').values({ item_id: v.itemId, label: v.label, released_on: v.releasedOn, changelog: v.changelog })
    .onConflict((oc) => oc.columns(['item_id', 'label']).doNothing()).returning('id').executeTakeFirst();
}

export function deleteVersion(db: Executor, itemId: string, versionId: string) {
  return db.deleteFrom('item_versions').where('item_id', '=', itemId).where('id', '=', versionId).executeTakeFirst();
}

export function listChapters(db: Executor, itemId: string) {
  return db.selectFrom('item_chapters').selectAll().where('item_id', '=', itemId).orderBy('start_seconds').execute();
}

export async function replaceChapters(db: Executor, itemId: string, chapters: { title: string; startSeconds: number }[]) {
  await db.deleteFrom('item_chapters').where('item_id', '=', itemId).execute();
  if (chapters.length) {
    await db.insertInto('item_chapters').values(chapters.map((c) => ({ item_id: itemId, title: c.title, start_seconds: c.startSeconds }))).execute();
  }
}

// ---- search document ----

/**
 * Recomputes search_doc (title, project, creator, tags; unaccented, lower case) for the given
 * items, or for every item of a project or creator after a rename, and adds the words of the new
 * documents to search_words (the vocabulary typo correction checks; see corrections.ts). The
 * words go in sorted, so two transactions adding overlapping words never wait on each other in
 * a cycle.
 */
export async function refreshSearchDocs(db: Executor, scope: { itemIds?: string[]; projectId?: string; creatorId?: string }) {
  let q = db.updateTable('items as i')
    .set({
      search_doc: sql<string>`lower(immutable_unaccent(concat_ws(' ', i.title,
        (SELECT p.title FROM projects p WHERE p.id = i.project_id),
        (SELECT u.display_name || ' ' || u.username FROM users u WHERE u.id = i.creator_id),
        (SELECT string_agg(replace(t.tag_path, '/', ' '), ' ') FROM item_tags t WHERE t.item_id = i.id))))`,
    });
  if (scope.itemIds) q = q.where('i.id', 'in', scope.itemIds.length ? scope.itemIds : ['00000000-0000-0000-0000-000000000000']);
  if (scope.projectId) q = q.where('i.project_id', '=', scope.projectId);
  if (scope.creatorId) q = q.where('i.creator_id', '=', scope.creatorId);
  await db.with('changed', () => q.returning('i.search_doc'))
    .insertInto('search_words').columns(['word'])
    .expression(sql<{ word: string }>`SELECT DISTINCT w FROM changed, regexp_split_to_table(changed.search_doc, '[^[:alnum:]]+') AS w
      WHERE length(w) BETWEEN ${CORRECT_MIN_LENGTH} AND 200 ORDER BY w`)
    .onConflict((oc) => oc.column('word').doNothing())
    .execute();
}

/** A creator's public items (item and project both published), newest first. */
export function listPublicItemsByCreator(db: Executor, creatorId: string, limit: number) {
  return db.selectFrom('items as i').innerJoin('projects as p', 'p.id', 'i.project_id')
    .select(['i.id', 'i.title', 'i.type', 'i.price_kind', 'i.price_amount', 'i.price_suggested', 'i.currency', 'p.title as project_title',
      sql<string | null>`coalesce(i.cover_key, p.cover_key)`.as('cover_key')])
    .where('i.creator_id', '=', creatorId).where('i.status', '=', 'published').where('p.status', '=', 'published')
    .orderBy('i.published_at', 'desc').limit(limit).execute();
}

/** Commerce keeps this in step with its ledger, in the transaction that changed a sale. */
export function addItemSales(db: Executor, itemIds: string[], delta: 1 | -1) {
  if (!itemIds.length) return Promise.resolve([]);
  return db.updateTable('items').set({ sales_count: sql`greatest(sales_count + ${delta}, 0)` }).where('id', 'in', itemIds).execute();
}

/**
 * Cover keys of several items (the item's, else its project's; with the type, for image items'
 * previews and placeholders) and projects at once: one query, for lists built elsewhere (the library).
 */
export async function coverKeysOf(db: Executor, ids: { itemIds: string[]; projectIds: string[] }) {
  const items = db.selectFrom('items as i').innerJoin('projects as p', 'p.id', 'i.project_id')
    .select(['i.id', sql<ItemType | null>`i.type`.as('type'), sql<string | null>`coalesce(i.cover_key, p.cover_key)`.as('cover_key')])
    .where('i.id', 'in', ids.itemIds.length ? ids.itemIds : [NO_ID]);
  if (!ids.projectIds.length) return ids.itemIds.length ? items.execute() : [];
  return items.unionAll(db.selectFrom('projects').select(['id', sql<ItemType | null>`NULL`.as('type'), 'cover_key'])
    .where('id', 'in', ids.projectIds)).execute();
}
const NO_ID = '00000000-0000-0000-0000-000000000000';

/** Type, title and creator of several items at once (the library's play and download actions). */
export function itemSummaries(db: Executor, itemIds: string[]) {
  if (!itemIds.length) return Promise.resolve([]);
  return db.selectFrom('items as i').innerJoin('users as u', 'u.id', 'i.creator_id')
    .select(['i.id', 'i.type', 'i.title', 'u.display_name as creator_name']).where('i.id', 'in', itemIds).execute();
}
