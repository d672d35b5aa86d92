// The media_process job: the upload's incoming object is hashed, moved to its final key and
// handed to processMedia(). Safe to run twice: every step checks where the previous run got
// to (incoming still there? original already moved?) and finished files are left alone.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Deps } from '../../deps.ts';
import type { Logger } from '../../platform/log.ts';
import { originalKey } from './keys.ts';
import { processMedia } from './pipeline.ts';
import * as q from './queries.ts';

export interface Attempt { attempts: number; maxAttempts: number }

export async function processUploadedFile(deps: Deps, log: Logger, fileId: string, attempt: Attempt) {
  const file = await q.findFile(deps.db, fileId);
  // Gone (item deleted), still uploading, or already decided: nothing to do.
  if (!file || !['uploaded', 'processing'].includes(file.state)) return;
  await q.setState(deps.db, file.id, 'processing', deps.clock.now(), null, ['uploaded', 'processing']);
  const scratchDir = await fs.mkdtemp(path.join(os.tmpdir(), `media-${file.id}-`));
  try {
    const finalKey = originalKey(file.creator_id, file.id);
    const incoming = await deps.store.head(file.incoming_key);
    // A previous run may have moved the original already; then hash it where it is now.
    const sourceKey = incoming ? file.incoming_key : finalKey;
    const { sha256, bytes } = await hashObject(deps, sourceKey);
    if (file.declared_sha256 && file.declared_sha256 !== sha256) {
      await fail(deps, file.id, 'failed', 'The file changed on the way: its checksum does not match the one your browser computed. Upload it again.');
      return;
    }
    if (incoming) await deps.store.copy(file.incoming_key, finalKey);
    await q.recordOriginal(deps.db, file.id, { objectKey: finalKey, sha256, bytes }, deps.clock.now());
    // Removed only once the final object and its row exist, so a crash here loses nothing.
    if (incoming) await deps.store.delete(file.incoming_key);

    const outcome = await processMedia({
      deps, log, originalKey: finalKey, scratchDir,
      file: { id: file.id, creatorId: file.creator_id, itemId: file.item_id, name: file.original_name, declaredType: file.declared_type, bytes, sha256 },
    });
    if (outcome.state === 'ready') await q.setState(deps.db, file.id, 'ready', deps.clock.now(), null, ['processing']);
    else await fail(deps, file.id, outcome.state, outcome.reason);
  } catch (err) {
    log.warn({ err, fileId, attempt: attempt.attempts }, 'media processing failed');
    // After the last attempt the creator sees why, with a Reprocess button.
    if (attempt.attempts >= attempt.maxAttempts) {
      await fail(deps, file.id, 'failed', `Processing failed after ${attempt.attempts} attempts: ${(err as Error).message}`.slice(0, 500));
    }
    throw err; // so the queue retries with backoff
  } finally {
    await fs.rm(scratchDir, { recursive: true, force: true });
  }
}

async function fail(deps: Deps, fileId: string, state: 'failed' | 'quarantined', reason: string) {
  await q.setState(deps.db, fileId, state, deps.clock.now(), reason, ['processing', 'uploaded']);
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
