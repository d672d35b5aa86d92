// All SQL on the media module's tables (media_files, media_derivatives, upload_sessions).
import { sql } from 'kysely';
import type { Executor } from '../../deps.ts';
import { FINAL_STATES, type MediaPurpose, type MediaState } from './tables.ts';

export interface NewFile {
  id: string;
  creatorId: string;
  purpose: MediaPurpose;
  itemId: string | null;
  projectId: string | null;
  versionId: string | null;
  trackBase: number | null;
  reservedBytes: number;
  name: string;
  size: number;
  type: string;
  incomingKey: string;
}

export function insertFile(db: Executor, f: NewFile) {
  return db.insertInto('media_files').values({
    id: f.id, creator_id: f.creatorId, purpose: f.purpose, item_id: f.itemId, project_id: f.projectId, version_id: f.versionId,
    track_base: f.trackBase, reserved_bytes: f.reservedBytes, original_name: f.name,
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
    .select(['id', 'original_name', 'declared_size', 'bytes', 'state', 'state_reason', 'created_at', 'version_id', 'kind', 'metadata', 'object_key', 'sha256', 'ready_at'])
    .where('item_id', '=', itemId).where('purpose', '=', 'item').orderBy('created_at').orderBy('id').execute();
}

export function derivativesOf(db: Executor, fileIds: string[]) {
  if (!fileIds.length) return Promise.resolve([]);
  return db.selectFrom('media_derivatives').select(['media_file_id', 'kind', 'object_key', 'content_type', 'bytes'])
    .where('media_file_id', 'in', fileIds).orderBy('kind').execute();
}

export function deleteDerivatives(db: Executor, fileId: string, kinds: string[]) {
  if (!kinds.length) return Promise.resolve([]);
  return db.deleteFrom('media_derivatives').where('media_file_id', '=', fileId).where('kind', 'in', kinds).execute();
}

/** Image files (covers, avatars) of one target, newest first. */
export function imageFilesOf(db: Executor, creatorId: string, t: { purpose: MediaPurpose; itemId: string | null; projectId: string | null }) {
  let q = db.selectFrom('media_files').select(['id', 'state', 'state_reason', 'object_key', 'created_at', 'original_name'])
    .where('creator_id', '=', creatorId).where('purpose', '=', t.purpose);
  if (t.itemId) q = q.where('item_id', '=', t.itemId);
  if (t.projectId) q = q.where('project_id', '=', t.projectId);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/** What deleting a file also deletes: its renditions, waveform, thumbnails and other derivatives. */
export async function derivativeCount(db: Executor, fileId: string) {
  const row = await db.selectFrom('media_derivatives').select((eb) => eb.fn.countAll<number>().as('n')).where('media_file_id', '=', fileId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export function deleteFiles(db: Executor, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db.deleteFrom('media_files').where('id', 'in', ids).returning('id').execute();
}

export function setReserved(db: Executor, fileId: string, bytes: number) {
  return db.updateTable('media_files').set({ reserved_bytes: bytes }).where('id', '=', fileId).execute();
}

/**
 * Locks the creator row so concurrent upload starts of one creator are checked one at a time
 * (two parallel starts cannot both squeeze into the last free gigabyte).
 */
export async function lockCreator(db: Executor, creatorId: string) {
  await sql`SELECT 1 FROM creators WHERE user_id = ${creatorId} FOR UPDATE`.execute(db);
}

/**
 * Bytes a creator uses: originals (declared size while still uploading), storage reserved for
 * renditions not made yet, and derivatives. `exceptDerivativesOf` leaves out one file's
 * reservation and derivatives (processing checks what its new ones would add).
 */
export async function storageUsed(db: Executor, creatorId: string, exceptDerivativesOf: string | null = null): Promise<number> {
  const row = await sql<{ used: string | number }>`
    SELECT coalesce((SELECT sum(coalesce(f.bytes, f.declared_size)
                                + CASE WHEN f.id = ${exceptDerivativesOf}::uuid THEN 0 ELSE f.reserved_bytes END)
                     FROM media_files f WHERE f.creator_id = ${creatorId}), 0)
         + coalesce((SELECT sum(d.bytes) FROM media_derivatives d JOIN media_files f ON f.id = d.media_file_id
                     WHERE f.creator_id = ${creatorId} AND f.id IS DISTINCT FROM ${exceptDerivativesOf}::uuid), 0)
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
    .set({
      state, state_reason: reason ? reason.slice(0, 1000) : null, updated_at: now, ...(state === 'ready' ? { ready_at: now } : {}),
      // A decided file holds no reservation: its derivatives (if any) are counted as they are.
      ...(FINAL_STATES.includes(state) ? { reserved_bytes: 0 } : {}),
    })
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
    // An item's own files: its cover (also a media file of the item) is not one of them.
    .where('f.state', '=', 'ready').where('f.object_key', 'is not', null).where('f.purpose', '=', 'item');
  q = 'fileId' in where ? q.where('f.id', '=', where.fileId) : q.where('f.item_id', 'in', where.itemIds.length ? where.itemIds : ['00000000-0000-0000-0000-000000000000']);
  return q.orderBy('f.created_at').orderBy('f.id').execute();
}

/**
 * Thumbnails of a cover or avatar, or of an item's ready image (the caller checks that the item
 * is an image item and caps the width: the item's files may be for sale).
 */
export function publicThumbnails(db: Executor, fileId: string) {
  return db.selectFrom('media_files as f').innerJoin('media_derivatives as d', 'd.media_file_id', 'f.id')
    .select(['d.kind', 'd.object_key', 'd.bytes', 'f.sha256', 'f.purpose', 'f.item_id'])
    .where('f.id', '=', fileId).where('d.kind', 'like', 'thumb-%')
    .where((eb) => eb.or([eb('f.purpose', 'in', ['item_cover', 'project_cover', 'avatar']),
      eb.and([eb('f.purpose', '=', 'item'), eb('f.kind', '=', 'image'), eb('f.state', '=', 'ready')])]))
    .execute();
}

/** Each item's first ready image file (oldest, as the item page lists its files): an image item's preview. */
export function firstReadyImages(db: Executor, itemIds: string[]) {
  if (!itemIds.length) return Promise.resolve([]);
  return db.selectFrom('media_files').distinctOn('item_id').select(['item_id', 'object_key'])
    .where('item_id', 'in', itemIds).where('purpose', '=', 'item').where('kind', '=', 'image').where('state', '=', 'ready')
    .where('object_key', 'is not', null)
    .orderBy('item_id').orderBy('created_at').orderBy('id').execute();
}

/** Files that album uploads ("Add tracks") made for these items. */
export function trackFiles(db: Executor, itemIds: string[]) {
  if (!itemIds.length) return Promise.resolve([]);
  return db.selectFrom('media_files')
    .select(['id', 'item_id', 'original_name', 'declared_size', 'bytes', 'state', 'state_reason', 'metadata', 'created_at'])
    .where('item_id', 'in', itemIds).where('purpose', '=', 'item').where('track_base', 'is not', null)
    .orderBy('created_at').orderBy('id').execute();
}

/** Ready audio files of these items (whose downloads embed the items' cover). */
export function readyAudioFiles(db: Executor, itemIds: string[]) {
  if (!itemIds.length) return Promise.resolve([]);
  return db.selectFrom('media_files').select(['id', 'metadata'])
    .where('item_id', 'in', itemIds).where('purpose', '=', 'item').where('kind', '=', 'audio').where('state', '=', 'ready').execute();
}

export function fileStates(db: Executor, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db.selectFrom('media_files').select(['id', 'state', 'state_reason', 'original_name']).where('id', 'in', ids).execute();
}
