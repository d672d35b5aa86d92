// SQL on projects.
import { sql } from 'kysely';
import type { Executor } from '../../../deps.ts';
import type { PublishStatus } from '../tables.ts';

export function insertProject(db: Executor, p: { creatorId: string; slug: string; title: string; description: string }) {
  return db.insertInto('projects').values({ creator_id: p.creatorId, slug: p.slug, title: p.title, description: p.description })
    .onConflict((oc) => oc.columns(['creator_id', 'slug']).doNothing())
    .returning(['id', 'slug']).executeTakeFirst();
}

export async function slugsStartingWith(db: Executor, creatorId: string, base: string): Promise<Set<string>> {
  const rows = await db.selectFrom('projects').select('slug')
    .where('creator_id', '=', creatorId).where('slug', 'like', `${base.replace(/[%_\\]/g, '\\$&')}%`).execute();
  return new Set(rows.map((r) => r.slug));
}

export function findOwnedProject(db: Executor, creatorId: string, projectId: string) {
  return db.selectFrom('projects').selectAll().where('id', '=', projectId).where('creator_id', '=', creatorId).executeTakeFirst();
}

export function findProjectBySlug(db: Executor, creatorId: string, slug: string) {
  return db.selectFrom('projects').selectAll().where('creator_id', '=', creatorId).where('slug', '=', slug).executeTakeFirst();
}

export function listOwnedProjects(db: Executor, creatorId: string) {
  return db.selectFrom('projects as p')
    .select(['p.id', 'p.slug', 'p.title', 'p.status', 'p.updated_at', 'p.cover_key',
      (eb) => eb.selectFrom('items').select(sql<number>`count(*)::int`.as('n')).whereRef('items.project_id', '=', 'p.id').as('item_count')])
    .where('p.creator_id', '=', creatorId).orderBy('p.updated_at', 'desc').execute();
}

export function listPublishedProjects(db: Executor, creatorId: string) {
  return db.selectFrom('projects').select(['id', 'slug', 'title', 'description', 'cover_key'])
    .where('creator_id', '=', creatorId).where('status', '=', 'published').orderBy('created_at', 'desc').execute();
}

export function updateProject(db: Executor, creatorId: string, projectId: string, p: { title: string; description: string }) {
  return db.updateTable('projects').set({ title: p.title, description: p.description, updated_at: sql`now()` })
    .where('id', '=', projectId).where('creator_id', '=', creatorId).executeTakeFirst();
}

export function setOwnedProjectCover(db: Executor, creatorId: string, projectId: string, key: string | null) {
  return db.updateTable('projects').set({ cover_key: key, updated_at: sql`now()` })
    .where('id', '=', projectId).where('creator_id', '=', creatorId).executeTakeFirst();
}

/** Only the creator's own rows change: ids belonging to anyone else are silently not matched. */
export function setProjectsStatus(db: Executor, creatorId: string, ids: string[], status: PublishStatus) {
  if (!ids.length) return Promise.resolve([]);
  return db.updateTable('projects').set({ status, updated_at: sql`now()` })
    .where('creator_id', '=', creatorId).where('id', 'in', ids).returning('id').execute();
}

export function deleteProjects(db: Executor, creatorId: string, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db.deleteFrom('projects').where('creator_id', '=', creatorId).where('id', 'in', ids).returning('id').execute();
}

/** A project with its creator's public names, by id (for playback's album downloads and queues). */
export function findProjectWithCreator(db: Executor, projectId: string) {
  return db.selectFrom('projects as p').innerJoin('users as u', 'u.id', 'p.creator_id')
    .selectAll('p').select(['u.username as creator_username', 'u.display_name as creator_name'])
    .where('p.id', '=', projectId).executeTakeFirst();
}

/** Every item of a project in track order, whole rows (published only unless for the owner). */
export function projectItemRows(db: Executor, projectId: string, opts: { publishedOnly: boolean }) {
  let q = db.selectFrom('items').selectAll().where('project_id', '=', projectId);
  if (opts.publishedOnly) q = q.where('status', '=', 'published');
  return q.orderBy('position').orderBy('created_at').execute();
}
