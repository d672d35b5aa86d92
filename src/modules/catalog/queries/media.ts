// SQL the media module needs on catalog tables: what an item's files are processed with
// (title, creator, project, track number, covers), cover keys, and tags adopted from an album.
import { sql } from 'kysely';
import type { Executor } from '../../../deps.ts';

export function itemMediaContext(db: Executor, itemId: string) {
  return db.selectFrom('items as i')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .innerJoin('users as u', 'u.id', 'i.creator_id')
    .select(['i.id', 'i.type', 'i.title', 'i.creator_id', 'i.project_id', 'i.position', 'i.cover_key as item_cover_key',
      'p.title as project_title', 'p.cover_key as project_cover_key', 'u.display_name as creator_name',
      // Its place among the project's audio items, in the order the project page lists them.
      sql<number>`(SELECT count(*)::int FROM items o WHERE o.project_id = i.project_id AND o.type = 'audio'
        AND (o.position, o.created_at, o.id) <= (i.position, i.created_at, i.id))`.as('audio_rank')])
    .where('i.id', '=', itemId).executeTakeFirst();
}

export function projectMaxPosition(db: Executor, projectId: string) {
  return db.selectFrom('items').select(sql<number>`coalesce(max(position), 0)::int`.as('max'))
    .where('project_id', '=', projectId).executeTakeFirstOrThrow();
}

export function applyTrackTags(db: Executor, itemId: string, t: { title?: string; position?: number }) {
  if (t.title === undefined && t.position === undefined) return Promise.resolve();
  return db.updateTable('items')
    .set({ ...(t.title !== undefined ? { title: t.title } : {}), ...(t.position !== undefined ? { position: t.position } : {}), updated_at: sql`now()` })
    .where('id', '=', itemId).execute();
}

export function projectItems(db: Executor, projectId: string) {
  return db.selectFrom('items').select(['id', 'title', 'type', 'position'])
    .where('project_id', '=', projectId).orderBy('position').orderBy('created_at').orderBy('id').execute();
}

/** Items that show (and embed) the project's cover: those without a cover of their own. */
export function itemsUsingProjectCover(db: Executor, projectId: string) {
  return db.selectFrom('items').select('id').where('project_id', '=', projectId).where('cover_key', 'is', null).execute();
}

/**
 * Of these items, those with a file fans could get: ready, or uploaded and on its way through
 * processing (it finishes shortly). Failed, quarantined and half-uploaded files do not count.
 * An image item's file must be an image once processing has said what it is.
 */
export async function itemsWithUsableFile(db: Executor, itemIds: string[], exceptFileId?: string) {
  if (!itemIds.length) return new Set<string>();
  let q = db.selectFrom('media_files as f').innerJoin('items as i', 'i.id', 'f.item_id')
    .select('f.item_id').distinct()
    .where('f.purpose', '=', 'item').where('f.item_id', 'in', itemIds);
  if (exceptFileId) q = q.where('f.id', '<>', exceptFileId);
  const rows = await q
    .where((eb) => eb.or([
      eb('f.state', 'in', ['uploaded', 'processing']),
      eb.and([eb('f.state', '=', 'ready'), eb.or([eb('i.type', '<>', 'image'), eb('f.kind', '=', 'image')])]),
    ]))
    .execute();
  return new Set(rows.map((r) => r.item_id!));
}
