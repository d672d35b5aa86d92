// Uploads in one stream rather than resumable parts: the no-JavaScript form, the demo seed and
// `npm run import`. The bytes go to storage as they arrive (never held in memory), then the
// file is recorded as uploaded and queued for processing in one transaction, exactly as a
// completed resumable upload is.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import type { Deps } from '../../deps.ts';
import { BadRequest, NotFound } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { enqueueJob } from '../../platform/queue.ts';
import { storageLimits } from '../creators/index.ts';
import { declaredType, displayFileName } from './file-names.ts';
import { incomingKey } from './keys.ts';
import { formatBytes } from './limits.ts';
import * as q from './queries.ts';
import { materialise, reservationFor, resolveTarget, type ResolvedTarget, type TargetInput } from './targets.ts';
import { checkSpace, fileTarget, MEDIA_PROCESS_JOB } from './uploads-service.ts';
import { refusedUpload } from './write-refusals.ts';

export interface PreparedUpload { target: ResolvedTarget; limits: { perFileBytes: number; totalBytes: number } }

/** Checks the target and what can be checked before the bytes arrive. */
export async function prepareSingleUpload(deps: Deps, viewer: Viewer, input: TargetInput, requestBytes: number): Promise<PreparedUpload> {
  const target = await resolveTarget(deps, viewer, input);
  const limits = await storageLimits(deps, viewer.id);
  if (!limits) throw new NotFound();
  // The request is the file plus a little form framing: far larger means the file is too big.
  if (requestBytes > limits.perFileBytes + 64 * 1024) throw tooBig(limits.perFileBytes);
  const used = await q.storageUsed(deps.db, viewer.id);
  if (used >= limits.totalBytes) {
    throw new BadRequest(`Your storage is full: you use ${formatBytes(used)} of your tier's ${formatBytes(limits.totalBytes)} total. Delete files or choose a bigger tier.`, 413);
  }
  return { target, limits };
}

export async function storeSingleUpload(deps: Deps, viewer: Viewer, prepared: PreparedUpload,
  file: { name: string; type: string; stream: Readable }) {
  const fileId = randomUUID();
  const key = incomingKey(viewer.id, fileId);
  const limit = prepared.limits.perFileBytes;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb(bytes > limit ? tooBig(limit) : null, chunk);
    },
  });
  // Errors reach the caller through store.put(); this listener only keeps a late one (a chunk
  // already in flight when the limit tripped) from becoming an uncaught exception.
  counter.on('error', () => {});
  file.stream.on('error', (err) => counter.destroy(err));
  try {
    await deps.store.put(key, file.stream.pipe(counter), { contentType: declaredType(file.type) || undefined });
  } catch (err) {
    // The key is this request's alone: whatever a refused write may have left there (stores
    // that write in place, such as the S3 test server, keep half an object) goes.
    await deps.store.delete(key).catch((e: unknown) => deps.log.warn({ err: e, key }, 'could not delete a refused upload'));
    throw refusedUpload(deps, err, 'single', fileId);
  }
  let undo = async () => {};
  try {
    if (bytes === 0) throw new BadRequest('That file is empty (0 bytes), or no file was chosen.');
    const name = displayFileName(file.name);
    const reserved = reservationFor(prepared.target.kindHint, bytes);
    await checkSpace(deps.db, viewer.id, prepared.limits.totalBytes, bytes, reserved);
    const made = await materialise(deps, viewer, prepared.target, name);
    undo = made.undo;
    await deps.db.transaction().execute(async (tx) => {
      await q.lockCreator(tx, viewer.id);
      await checkSpace(tx, viewer.id, prepared.limits.totalBytes, bytes, reserved);
      await q.insertFile(tx, { id: fileId, creatorId: viewer.id, ...fileTarget(made.target), reservedBytes: reserved, name, size: bytes, type: declaredType(file.type), incomingKey: key });
      await q.markUploaded(tx, fileId, bytes, deps.clock.now());
      await enqueueJob(tx, MEDIA_PROCESS_JOB, { fileId }, { jobKey: `${MEDIA_PROCESS_JOB}:${fileId}`, maxAttempts: 5 });
    });
    return { fileId, bytes, itemId: made.target.itemId };
  } catch (err) {
    await deps.store.delete(key);
    await undo();
    throw err;
  }
}

/** A file on this machine through the same path (the demo seed, `npm run import`). */
export async function ingestLocalFile(deps: Deps, viewer: Viewer, input: TargetInput, filePath: string, opts: { name: string; type?: string }) {
  const { size } = await stat(filePath);
  const prepared = await prepareSingleUpload(deps, viewer, input, size);
  return storeSingleUpload(deps, viewer, prepared, { name: opts.name, type: opts.type ?? '', stream: createReadStream(filePath) });
}

const tooBig = (limit: number) => new BadRequest(`This file is larger than your tier allows: up to ${formatBytes(limit)} per file.`, 413);

/**
 * ingestLocalFile, unless the target already has a file (the demo seed runs at every start and
 * only adds what is missing). Returns whether it ingested.
 */
export async function ingestIfMissing(deps: Deps, viewer: Viewer, input: TargetInput, filePath: string, opts: { name: string; type?: string }) {
  const t = await resolveTarget(deps, viewer, input);
  const existing = t.purpose === 'item' ? await q.listItemFiles(deps.db, t.itemId!) : await q.imageFilesOf(deps.db, viewer.id, t);
  if (existing.length) return false;
  await ingestLocalFile(deps, viewer, input, filePath, opts);
  return true;
}
