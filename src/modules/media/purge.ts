// Deleting stored objects of deleted files. A database trigger queues every deleted media_files
// row (deleted directly, or with its item, project or creator) in media_purges and schedules
// this job, so deleting never waits on storage and a storage outage never blocks it: the job
// retries with backoff until storage answers. Deleting a missing object is not an error, so a
// purge that ran halfway simply runs again.
import type { Deps } from '../../deps.ts';
import { NotSupported, UploadNotFound } from '../../platform/storage/index.ts';
import { fileKeyPrefix } from './keys.ts';

export const MEDIA_PURGE_JOB = 'media_purge';

/** Deletes every object of one file: original, derivatives, incoming object, open multipart upload. */
export async function purgeFileObjects(deps: Deps, f: { creatorId: string; fileId: string; incomingKey: string; uploadId: string | null }) {
  if (f.uploadId) {
    await deps.store.abortMultipart(f.incomingKey, f.uploadId).catch((err: unknown) => {
      if (!(err instanceof UploadNotFound || err instanceof NotSupported)) throw err;
    });
  }
  await deps.store.delete(f.incomingKey);
  for (const o of await deps.store.list(fileKeyPrefix(f.creatorId, f.fileId))) await deps.store.delete(o.key);
}

/** The job: works through the queue; throws (so the queue retries) if any purge failed. */
export async function runPurges(deps: Deps): Promise<number> {
  let done = 0;
  let failed = 0;
  const failedIds: string[] = []; // skipped for the rest of this run
  for (;;) {
    let query = deps.db.selectFrom('media_purges').selectAll().orderBy('created_at').limit(100);
    if (failedIds.length) query = query.where('media_file_id', 'not in', failedIds);
    const batch = await query.execute();
    if (!batch.length) break;
    for (const p of batch) {
      try {
        await purgeFileObjects(deps, { creatorId: p.creator_id, fileId: p.media_file_id, incomingKey: p.incoming_key, uploadId: p.upload_id });
        await deps.db.deleteFrom('media_purges').where('media_file_id', '=', p.media_file_id).execute();
        done++;
      } catch (err) {
        failed++;
        failedIds.push(p.media_file_id);
        deps.log.warn({ err, fileId: p.media_file_id }, 'could not delete stored objects of a deleted file; will retry');
        await deps.db.updateTable('media_purges').set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: String((err as Error).message).slice(0, 500) }))
          .where('media_file_id', '=', p.media_file_id).execute();
      }
    }
  }
  if (failed) throw new Error(`${failed} purge(s) failed (storage unreachable?); retrying later`);
  return done;
}
