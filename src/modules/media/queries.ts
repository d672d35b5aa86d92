// All SQL on the media module's tables (media_files, media_derivatives, upload_sessions).
import { sql } from 'kysely';
import type { Executor } from '../../deps.ts';
import type { MediaState } from './tables.ts';

export function insertFile(db: Executor, f: { id: string; creatorId: string; itemId: string; versionId: string | null; name: string; size: number; type: string; incomingKey: string }) {
  return db.insertInto('media_files').values({
    id: f.id, creator_id: f.creatorId, item_id: f.itemId, version_id: f.versionId, original_name: f.name,
    declared_size: f.size, declared_type: f.type, incoming_key: f.incomingKey,
  }).execute();
}

export function insertSession(db: Executor, s: { fileId: string; uploadId: string; partSize: number; partCount: number; expiresAt: Date }) {
  return db.insertInto('upload_sessions').values({
    media_file_id: s.fileId, upload_id: s.uploadId, part_size: s.partSize, part_count: s.partCount, expires_at: s.expiresAt,
  }).execute();
}

/** A file with its open upload session (if any), only when it belongs to the creator. */
export function findOwnedFile(db: Executor, creatorId: string, fileId: string) {
  return db.selectFrom('media_files as f')
    .leftJoin('upload_sessions as s', 's.media_file_id', 'f.id')
    .selectAll('f')
    .select(['s.upload_id', 's.part_size', 's.part_count', 's.expires_at'])
    .where('f.id', '=', fileId).where('f.creator_id', '=', creatorId)
    .executeTakeFirst();
}

export function findFile(db: Executor, fileId: string) {
  return db.selectFrom('media_files').selectAll().where('id', '=', fileId).executeTakeFirst();
}

export function listItemFiles(db: Executor, itemId: string) {
  return db.selectFrom('media_files')
    .select(['id', 'original_name', 'declared_size', 'bytes', 'state', 'state_reason', 'created_at', 'version_id'])
    .where('item_id', '=', itemId).orderBy('created_at').orderBy('id').execute();
}

/**
 * Locks the creator row so concurrent upload starts of one creator are checked one at a time
 * (two parallel starts cannot both squeeze into the last free gigabyte).
 */
export async function lockCreator(db: Executor, creatorId: string) {
  await sql`SELECT 1 FROM creators WHERE user_id = ${creatorId} FOR UPDATE`.execute(db);
}

/** Bytes a creator uses: originals (declared size while still uploading) plus derivatives. */
export async function storageUsed(db: Executor, creatorId: string): Promise<number> {
  const row = await sql<{ used: string | number }>`
    SELECT coalesce((SELECT sum(coalesce(f.bytes, f.declared_size)) FROM media_files f WHERE f.creator_id = ${creatorId}), 0)
         + coalesce((SELECT sum(d.bytes) FROM media_derivatives d JOIN media_files f ON f.id = d.media_file_id WHERE f.creator_id = ${creatorId}), 0)
         AS used`.execute(db);
  return Number(row.rows[0]?.used ?? 0);
}

/** uploading → uploaded, once; returns whether this call made the change. */
export async function markUploaded(db: Executor, fileId: string, bytes: number, now: Date) {
  const rows = await db.updateTable('media_files')
    .set({ state: 'uploaded', bytes, uploaded_at: now, updated_at: now })
    .where('id', '=', fileId).where('state', '=', 'uploading')
    .returning('id').execute();
  return rows.length > 0;
}

export function deleteSession(db: Executor, fileId: string) {
  return db.deleteFrom('upload_sessions').where('media_file_id', '=', fileId).execute();
}

export function deleteUploadingFile(db: Executor, fileId: string) {
  return db.deleteFrom('media_files').where('id', '=', fileId).where('state', '=', 'uploading').execute();
}

export function setState(db: Executor, fileId: string, state: MediaState, now: Date, reason: string | null = null, from?: MediaState[]) {
  let q = db.updateTable('media_files')
    .set({ state, state_reason: reason ? reason.slice(0, 1000) : null, updated_at: now, ...(state === 'ready' ? { ready_at: now } : {}) })
    .where('id', '=', fileId);
  if (from) q = q.where('state', 'in', from);
  return q.returning('id').execute();
}

export function recordOriginal(db: Executor, fileId: string, o: { objectKey: string; sha256: string; bytes: number }, now: Date) {
  return db.updateTable('media_files')
    .set({ object_key: o.objectKey, sha256: o.sha256, bytes: o.bytes, updated_at: now })
    .where('id', '=', fileId).execute();
}

export function recordProcessed(db: Executor, fileId: string, kind: 'audio' | 'video' | 'image' | 'archive' | 'other', metadata: object) {
  return db.updateTable('media_files').set({ kind, metadata: JSON.stringify(metadata) }).where('id', '=', fileId).execute();
}

export function upsertDerivative(db: Executor, d: { fileId: string; kind: string; objectKey: string; contentType: string; bytes: number }) {
  return db.insertInto('media_derivatives')
    .values({ media_file_id: d.fileId, kind: d.kind, object_key: d.objectKey, content_type: d.contentType, bytes: d.bytes })
    .onConflict((oc) => oc.columns(['media_file_id', 'kind']).doUpdateSet({ object_key: d.objectKey, content_type: d.contentType, bytes: d.bytes }))
    .execute();
}

export function expiredSessions(db: Executor, now: Date, limit = 100) {
  return db.selectFrom('upload_sessions as s').innerJoin('media_files as f', 'f.id', 's.media_file_id')
    .select(['s.media_file_id', 's.upload_id', 'f.incoming_key'])
    .where('s.expires_at', '<', now).where('f.state', '=', 'uploading')
    .orderBy('s.expires_at').limit(limit).execute();
}

/** Ready files of these items with every derivative, for playback and downloads. */
export function readyFiles(db: Executor, where: { itemIds: string[] } | { fileId: string }) {
  let q = db.selectFrom('media_files as f')
    .select(['f.id', 'f.item_id', 'f.version_id', 'f.creator_id', 'f.kind', 'f.original_name', 'f.bytes', 'f.sha256', 'f.object_key', 'f.metadata', 'f.ready_at',
      sql<{ kind: string; object_key: string; content_type: string; bytes: number }[]>`coalesce((
        SELECT json_agg(json_build_object('kind', d.kind, 'object_key', d.object_key, 'content_type', d.content_type, 'bytes', d.bytes) ORDER BY d.kind)
        FROM media_derivatives d WHERE d.media_file_id = f.id), '[]'::json)`.as('derivatives')])
    .where('f.state', '=', 'ready').where('f.object_key', 'is not', null);
  q = 'fileId' in where ? q.where('f.id', '=', where.fileId) : q.where('f.item_id', 'in', where.itemIds.length ? where.itemIds : ['00000000-0000-0000-0000-000000000000']);
  return q.orderBy('f.created_at').orderBy('f.id').execute();
}
