// All SQL on the playback module's tables: plays, downloads, album_zips.
import { sql } from 'kysely';
import type { Executor } from '../../deps.ts';
import type { ZipEntry } from './tables.ts';

// ---- plays ----

export async function fullPlaysStarted(db: Executor, itemId: string, listener: string): Promise<number> {
  const row = await db.selectFrom('plays').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('item_id', '=', itemId).where('listener', '=', listener).where('full_stream', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** This listener's latest play of the file started after `since` (reused rather than restarted). */
export function recentPlay(db: Executor, fileId: string, listener: string, since: Date) {
  return db.selectFrom('plays').selectAll()
    .where('media_file_id', '=', fileId).where('listener', '=', listener).where('full_stream', '=', true)
    .where('started_at', '>', since)
    .orderBy('started_at', 'desc').limit(1).executeTakeFirst();
}

export function findPlay(db: Executor, playId: string) {
  return db.selectFrom('plays').selectAll().where('id', '=', playId).executeTakeFirst();
}

export function startPlay(db: Executor, p: { itemId: string; fileId: string; listener: string; fullStream: boolean; now: Date }) {
  return db.insertInto('plays').values({ item_id: p.itemId, media_file_id: p.fileId, listener: p.listener, full_stream: p.fullStream, started_at: p.now })
    .returning(['id', 'started_at']).executeTakeFirstOrThrow();
}

/** Counts a play once: true only for the call that set counted_at. */
export async function markCounted(db: Executor, playId: string, now: Date): Promise<boolean> {
  const rows = await db.updateTable('plays').set({ counted_at: now })
    .where('id', '=', playId).where('counted_at', 'is', null).returning('id').execute();
  return rows.length > 0;
}

export async function countedPlays(db: Executor, itemId: string): Promise<number> {
  const row = await db.selectFrom('plays').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('item_id', '=', itemId).where('counted_at', 'is not', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- downloads ----

export function recordDownload(db: Executor, d: { itemId?: string; projectId?: string; fileId?: string; listener: string; format: string }) {
  return db.insertInto('downloads').values({
    item_id: d.itemId ?? null, project_id: d.projectId ?? null, media_file_id: d.fileId ?? null, listener: d.listener, format: d.format,
  }).execute();
}

export async function downloadsOf(db: Executor, where: { itemId: string } | { projectId: string }): Promise<number> {
  const q = db.selectFrom('downloads').select((eb) => eb.fn.countAll<number>().as('n'));
  const row = await ('itemId' in where ? q.where('item_id', '=', where.itemId) : q.where('project_id', '=', where.projectId)).executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- album zips ----

/** The zip for exactly this content: found, or created as `building` (once, under the unique key). */
export async function findOrCreateZip(db: Executor, z: { projectId: string; format: string; contentHash: string; objectKey: string; entries: ZipEntry[] }) {
  await db.insertInto('album_zips')
    .values({ project_id: z.projectId, format: z.format, content_hash: z.contentHash, object_key: z.objectKey, entries: JSON.stringify(z.entries), entries_total: z.entries.length })
    .onConflict((oc) => oc.columns(['project_id', 'format', 'content_hash']).doUpdateSet({ last_requested_at: sql`now()` }))
    .execute();
  return db.selectFrom('album_zips').selectAll()
    .where('project_id', '=', z.projectId).where('format', '=', z.format).where('content_hash', '=', z.contentHash)
    .executeTakeFirstOrThrow();
}

export function findZip(db: Executor, zipId: string) {
  return db.selectFrom('album_zips').selectAll().where('id', '=', zipId).executeTakeFirst();
}

export function setZipProgress(db: Executor, zipId: string, done: number) {
  return db.updateTable('album_zips').set({ entries_done: done }).where('id', '=', zipId).where('state', '=', 'building').execute();
}

export function finishZip(db: Executor, zipId: string, bytes: number, now: Date) {
  return db.updateTable('album_zips').set({ state: 'ready', bytes, ready_at: now, error: null }).where('id', '=', zipId).execute();
}

export function failZip(db: Executor, zipId: string, error: string) {
  return db.updateTable('album_zips').set({ state: 'failed', error: error.slice(0, 500) }).where('id', '=', zipId).execute();
}

/** A failed zip asked for again starts over. */
export function restartZip(db: Executor, zipId: string) {
  return db.updateTable('album_zips').set({ state: 'building', entries_done: 0, error: null })
    .where('id', '=', zipId).where('state', '=', 'failed').returning('id').execute();
}

export function staleZips(db: Executor, unusedSince: Date, limit = 100) {
  return db.selectFrom('album_zips').select(['id', 'object_key']).where('last_requested_at', '<', unusedSince)
    .orderBy('last_requested_at').limit(limit).execute();
}

export function deleteZip(db: Executor, zipId: string) {
  return db.deleteFrom('album_zips').where('id', '=', zipId).execute();
}
