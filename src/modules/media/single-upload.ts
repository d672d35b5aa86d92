// The no-JavaScript path: one file in one request, streamed to storage as it arrives (never
// held in memory), then recorded as uploaded and queued for processing in one transaction.
import { randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import type { Deps } from '../../deps.ts';
import { BadRequest, NotFound } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { enqueueJob } from '../../platform/queue.ts';
import { getOwnedItem } from '../catalog/index.ts';
import { storageLimits } from '../creators/index.ts';
import { declaredType, displayFileName } from './file-names.ts';
import { incomingKey } from './keys.ts';
import { formatBytes } from './limits.ts';
import * as q from './queries.ts';
import { MEDIA_PROCESS_JOB } from './uploads-service.ts';

export async function prepareSingleUpload(deps: Deps, viewer: Viewer, itemId: string, requestBytes: number) {
  const item = await getOwnedItem(deps, viewer, itemId);
  const limits = await storageLimits(deps, viewer.id);
  if (!limits) throw new NotFound();
  // The request is the file plus a little form framing: far larger means the file is too big.
  if (requestBytes > limits.perFileBytes + 64 * 1024) throw tooBig(limits.perFileBytes);
  const used = await q.storageUsed(deps.db, viewer.id);
  if (used >= limits.totalBytes) throw noSpace(used, limits.totalBytes, requestBytes);
  return { item, limits };
}

export async function storeSingleUpload(deps: Deps, viewer: Viewer, target: Awaited<ReturnType<typeof prepareSingleUpload>>,
  file: { name: string; type: string; stream: Readable }) {
  const fileId = randomUUID();
  const key = incomingKey(viewer.id, fileId);
  const limit = target.limits.perFileBytes;
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
  await deps.store.put(key, file.stream.pipe(counter), { contentType: declaredType(file.type) || undefined });
  try {
    if (bytes === 0) throw new BadRequest('That file is empty (0 bytes), or no file was chosen.');
    await deps.db.transaction().execute(async (tx) => {
      await q.lockCreator(tx, viewer.id);
      const used = await q.storageUsed(tx, viewer.id);
      if (used + bytes > target.limits.totalBytes) throw noSpace(used, target.limits.totalBytes, bytes);
      await q.insertFile(tx, { id: fileId, creatorId: viewer.id, itemId: target.item.id, versionId: null, name: displayFileName(file.name), size: bytes, type: declaredType(file.type), incomingKey: key });
      await q.markUploaded(tx, fileId, bytes, deps.clock.now());
      await enqueueJob(tx, MEDIA_PROCESS_JOB, { fileId }, { jobKey: `${MEDIA_PROCESS_JOB}:${fileId}`, maxAttempts: 5 });
    });
  } catch (err) {
    await deps.store.delete(key);
    throw err;
  }
  return { fileId, bytes };
}

const tooBig = (limit: number) => new BadRequest(`This file is larger than your tier allows: up to ${formatBytes(limit)} per file.`, 413);
const noSpace = (used: number, total: number, size: number) =>
  new BadRequest(`Not enough storage left for this ${formatBytes(size)} file: you use ${formatBytes(used)} of your tier's ${formatBytes(total)} total.`, 413);
