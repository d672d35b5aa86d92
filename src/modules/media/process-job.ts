// The media_process job: the upload's incoming object is hashed, moved to its final key and
// handed to processMedia(). Safe to run twice: every step checks where the previous run got
// to (incoming still there? original already moved?) and finished files are left alone.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Deps } from '../../deps.ts';
import type { Logger } from '../../platform/log.ts';
import { WriteRefused } from '../../platform/storage/index.ts';
import { withdrawIfEmpty } from '../catalog/index.ts';
import { applyReadyEffects, reembedIfCoverChanged } from './after-ready.ts';
import { originalKey } from './keys.ts';
import { processMedia } from './pipeline.ts';
import { purgeFileObjects } from './purge.ts';
import * as q from './queries.ts';
import { makeScratchDir } from './scratch.ts';
import { refusedProcessing } from './write-refusals.ts';

export interface Attempt { attempts: number; maxAttempts: number }

export async function processUploadedFile(deps: Deps, log: Logger, fileId: string, attempt: Attempt) {
  const file = await q.findFile(deps.db, fileId);
  // Gone (item deleted), still uploading, or already decided: nothing to do.
  if (!file || !['uploaded', 'processing'].includes(file.state)) return;
  await q.setState(deps.db, file.id, 'processing', deps.clock.now(), null, ['uploaded', 'processing']);
  const scratchDir = await makeScratchDir(file.id);
  const finalKey = originalKey(file.creator_id, file.id);
  try {
    const incoming = await deps.store.head(file.incoming_key);
    // A previous run may have moved the original already; then hash it where it is now.
    const sourceKey = incoming ? file.incoming_key : finalKey;
    const { sha256, bytes } = await hashObject(deps, sourceKey);
    if (file.declared_sha256 && file.declared_sha256 !== sha256) {
      // Nothing of a corrupted transfer is kept: the creator sends the file again.
      await deps.store.delete(sourceKey);
      await fail(deps, file.id, 'failed', 'The file changed on the way: its checksum does not match the one your browser computed. Upload it again.');
      return;
    }
    if (incoming) {
      await deps.store.copy(file.incoming_key, finalKey).catch(async (err: unknown) => {
        // The incoming object is still there, so nothing is lost by removing what a refused
        // copy may have left under the final key (stores that write in place keep half of it).
        await deps.store.delete(finalKey).catch((e: unknown) => log.warn({ err: e, fileId }, 'could not remove a refused copy'));
        throw err;
      });
    }
    await q.recordOriginal(deps.db, file.id, { objectKey: finalKey, sha256, bytes }, deps.clock.now());
    // Removed only once the final object and its row exist, so a crash here loses nothing.
    if (incoming) await deps.store.delete(file.incoming_key);

    const current = { ...file, object_key: finalKey, sha256, bytes };
    const outcome = await processMedia({ deps, log, originalKey: finalKey, scratchDir, file: current });
    if (outcome.state !== 'ready') {
      await fail(deps, file.id, outcome.state, outcome.reason);
      return;
    }
    if (!(await applyReadyEffects(deps, current, outcome.result))) return; // superseded by a newer cover
    const marked = await q.setState(deps.db, file.id, 'ready', deps.clock.now(), null, ['processing']);
    if (!marked.length) await purgeIfGone(deps, current);
    else if (outcome.result.kind === 'audio') await reembedIfCoverChanged(deps, current, outcome.embeddedCoverKey);
  } catch (err) {
    // The item was deleted while this ran: its objects may have been stored after the purge.
    if (await purgeIfGone(deps, file)) return;
    log.warn({ err, fileId, attempt: attempt.attempts }, 'media processing failed');
    // After the last attempt the creator sees why, with a Reprocess button.
    if (attempt.attempts >= attempt.maxAttempts) {
      await fail(deps, file.id, 'failed', err instanceof WriteRefused ? refusedProcessing(err, attempt.attempts)
        : `Processing failed after ${attempt.attempts} attempts: ${(err as Error).message}`.slice(0, 500));
    }
    throw err; // so the queue retries with backoff
  } finally {
    await fs.rm(scratchDir, { recursive: true, force: true });
  }
}

/** If the file's row no longer exists, deletes whatever this run stored for it. */
async function purgeIfGone(deps: Deps, file: { id: string; creator_id: string; incoming_key: string }): Promise<boolean> {
  if (await q.findFile(deps.db, file.id)) return false;
  await purgeFileObjects(deps, { creatorId: file.creator_id, fileId: file.id, incomingKey: file.incoming_key, uploadId: null });
  return true;
}

/** The file is decided unusable; a published item it was the last usable file of goes off sale. */
async function fail(deps: Deps, fileId: string, state: 'failed' | 'quarantined', reason: string) {
  await q.setState(deps.db, fileId, state, deps.clock.now(), reason, ['processing', 'uploaded', 'ready']);
  const file = await q.findFile(deps.db, fileId);
  if (file?.purpose === 'item' && file.item_id) await withdrawIfEmpty(deps, file.item_id);
}

async function hashObject(deps: Deps, key: string) {
  const got = await deps.store.get(key);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of got.body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * The media_retag job: a ready audio file's downloads re-made from its original (a new cover to
 * embed). The file stays ready throughout: each derivative is replaced under its own key.
 */
export async function retagFile(deps: Deps, log: Logger, fileId: string) {
  const file = await q.findFile(deps.db, fileId);
  if (!file || file.state !== 'ready' || file.kind !== 'audio' || !file.object_key) return;
  const scratchDir = await makeScratchDir(file.id);
  try {
    const outcome = await processMedia({ deps, log, originalKey: file.object_key, scratchDir, file });
    if (outcome.state !== 'ready') await fail(deps, file.id, outcome.state, outcome.reason);
    else await q.setReserved(deps.db, file.id, 0);
  } catch (err) {
    if (await purgeIfGone(deps, file)) return;
    throw err;
  } finally {
    await fs.rm(scratchDir, { recursive: true, force: true });
  }
}
