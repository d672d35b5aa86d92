// Resumable uploads: start (limits checked, nothing stored on refusal), part URLs, resume
// state, complete (verified, recorded and queued for processing in one transaction), abort,
// and the cleanup of abandoned sessions.
import { randomUUID } from 'node:crypto';
import type { Deps, Executor } from '../../deps.ts';
import { BadRequest, Conflict, NotFound, Unavailable, ValidationError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { enqueueJob } from '../../platform/queue.ts';
import { NotSupported, UploadNotFound, WriteRefused, type UploadedPart } from '../../platform/storage/index.ts';
import { isUuid } from '../../platform/validate.ts';
import { deletingLeavesItemEmpty, withdrawIfEmpty } from '../catalog/index.ts';
import { storageLimits } from '../creators/index.ts';
import { declaredType, displayFileName } from './file-names.ts';
import { incomingKey } from './keys.ts';
import { formatBytes, PART_URL_TTL_SECONDS, PART_URLS_PER_REQUEST, partSizeFor, SESSION_TTL_MS } from './limits.ts';
import * as q from './queries.ts';
import { FINAL_STATES } from './tables.ts';
import { materialise, reservationFor, resolveTarget, type ResolvedTarget, type TargetInput } from './targets.ts';
import { refusedUpload } from './write-refusals.ts';

export const MEDIA_PROCESS_JOB = 'media_process';
export const UPLOADS_CLEANUP_JOB = 'media_uploads_cleanup';

export interface StartInput extends TargetInput { fileName?: unknown; size?: unknown; type?: unknown; sha256?: unknown }

export async function startUpload(deps: Deps, viewer: Viewer, input: StartInput) {
  const errors: Record<string, string> = {};
  const size = typeof input.size === 'number' && Number.isSafeInteger(input.size) ? input.size : -1;
  if (typeof input.fileName !== 'string' || !input.fileName.trim()) errors.fileName = 'The file needs a name.';
  if (size < 0) errors.size = 'The file size must be a whole number of bytes.';
  else if (size === 0) errors.size = 'This file is empty (0 bytes); there is nothing to upload.';
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const resolved = await resolveTarget(deps, viewer, input);
  const limits = await storageLimits(deps, viewer.id);
  if (!limits) throw new NotFound();
  if (size > limits.perFileBytes) {
    throw new BadRequest(`This file is ${formatBytes(size)}; your tier allows files up to ${formatBytes(limits.perFileBytes)} each. Choose a bigger tier in your settings to upload it.`, 413);
  }
  const name = displayFileName(input.fileName as string);
  const type = declaredType(input.type);
  const fileId = randomUUID();
  const key = incomingKey(viewer.id, fileId);
  const partSize = partSizeFor(size);
  const partCount = Math.ceil(size / partSize);
  const expiresAt = new Date(deps.clock.now().getTime() + SESSION_TTL_MS);
  const reserved = reservationFor(resolved.kindHint, size);
  await checkSpace(deps.db, viewer.id, limits.totalBytes, size, reserved); // early, before a track item is made
  const { target, undo } = await materialise(deps, viewer, resolved, name);

  let uploadId: string | null = null;
  try {
    await deps.db.transaction().execute(async (tx) => {
      await q.lockCreator(tx, viewer.id);
      await checkSpace(tx, viewer.id, limits.totalBytes, size, reserved);
      // Opened only once the limits pass, so a refused upload leaves nothing in storage.
      uploadId = await deps.store.createMultipart(key, { contentType: type || undefined, partSize, size }).catch((err: unknown) => {
        if (err instanceof WriteRefused) throw refusedUpload(deps, err, 'start', fileId);
        deps.log.error({ err }, 'storage unreachable: cannot start an upload');
        throw new Unavailable('File storage is unreachable right now, so uploads cannot start. Please try again in a few minutes.');
      });
      await q.insertFile(tx, { id: fileId, creatorId: viewer.id, ...fileTarget(target), reservedBytes: reserved, name, size, type, incomingKey: key });
      await q.insertSession(tx, { fileId, uploadId, partSize, partCount, expiresAt });
    });
  } catch (err) {
    if (uploadId) await deps.store.abortMultipart(key, uploadId).catch((e: unknown) => deps.log.warn({ err: e }, 'abort after failed start'));
    await undo();
    throw err;
  }
  return { id: fileId, name, size, partSize, partCount, expiresAt: expiresAt.toISOString(), itemId: target.itemId };
}

/** The owner columns of a new file row. */
export const fileTarget = (t: ResolvedTarget) =>
  ({ purpose: t.purpose, itemId: t.itemId, projectId: t.projectId, versionId: t.versionId, trackBase: t.trackBase });

/** 413 when the file (plus what its renditions reserve) does not fit in the tier's total. */
export async function checkSpace(db: Executor, creatorId: string, total: number, size: number, reserved: number) {
  const used = await q.storageUsed(db, creatorId);
  if (used + size + reserved <= total) return;
  const extra = reserved ? ` (plus ${formatBytes(reserved)} held back for its streaming and download formats)` : '';
  throw new BadRequest(`Not enough storage left for this ${formatBytes(size)} file${extra}: you use ${formatBytes(used)} of your tier's ${formatBytes(total)} total. Delete files or choose a bigger tier.`, 413);
}

async function openSession(deps: Deps, viewer: Viewer, fileId: string) {
  const file = isUuid(fileId) ? await q.findOwnedFile(deps.db, viewer.id, fileId) : undefined;
  if (!file) throw new NotFound('We could not find that upload.');
  if (file.state !== 'uploading' || !file.upload_id || file.part_size === null || file.part_count === null) {
    throw new Conflict('This upload is already finished.');
  }
  if (file.expires_at && file.expires_at < deps.clock.now()) throw new Conflict('This upload has expired. Please start it again.');
  return { ...file, upload_id: file.upload_id, part_size: file.part_size, part_count: file.part_count };
}

const partLength = (s: { declared_size: number; part_size: number; part_count: number }, n: number) =>
  n < s.part_count ? s.part_size : s.declared_size - s.part_size * (s.part_count - 1);

export async function partUrls(deps: Deps, viewer: Viewer, fileId: string, rawNumbers: unknown) {
  const s = await openSession(deps, viewer, fileId);
  const numbers = Array.isArray(rawNumbers) ? [...new Set(rawNumbers)] : [];
  if (!numbers.length || numbers.length > PART_URLS_PER_REQUEST || !numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= s.part_count)) {
    throw new BadRequest(`Ask for 1 to ${PART_URLS_PER_REQUEST} part numbers between 1 and ${s.part_count}.`);
  }
  return Promise.all((numbers as number[]).map(async (n) => ({
    partNumber: n, size: partLength(s, n),
    url: await deps.store.presignPart(s.incoming_key, s.upload_id, n, { expiresInSeconds: PART_URL_TTL_SECONDS }),
  })));
}

/** What a resuming uploader needs: the session's shape and the parts storage already holds. */
export async function uploadStatus(deps: Deps, viewer: Viewer, fileId: string) {
  const file = isUuid(fileId) ? await q.findOwnedFile(deps.db, viewer.id, fileId) : undefined;
  if (!file) throw new NotFound('We could not find that upload.');
  let parts: UploadedPart[] = [];
  if (file.state === 'uploading' && file.upload_id) {
    parts = await deps.store.listParts(file.incoming_key, file.upload_id).catch((err: unknown) => {
      // Without ListParts (some S3-compatible servers) a resumed upload sends every part again.
      if (err instanceof UploadNotFound || err instanceof NotSupported) return [];
      throw err;
    });
  }
  return {
    id: file.id, name: file.original_name, state: file.state, size: file.declared_size, itemId: file.item_id, purpose: file.purpose,
    partSize: file.part_size, partCount: file.part_count, expiresAt: file.expires_at?.toISOString() ?? null,
    parts: parts.map((p) => ({ partNumber: p.partNumber, size: p.size, etag: p.etag })),
  };
}

export async function completeUpload(deps: Deps, viewer: Viewer, fileId: string, input: { sha256?: unknown; parts?: unknown } = {}) {
  const found = isUuid(fileId) ? await q.findOwnedFile(deps.db, viewer.id, fileId) : undefined;
  if (!found) throw new NotFound('We could not find that upload.');
  if (found.state !== 'uploading') return { id: found.id, state: found.state }; // a repeated complete
  const s = await openSession(deps, viewer, fileId);
  const sha = typeof input.sha256 === 'string' && /^[0-9a-f]{64}$/i.test(input.sha256) ? input.sha256.toLowerCase() : null;

  let parts: { partNumber: number; etag: string }[] | null = null;
  let listed = true;
  try {
    const stored = await deps.store.listParts(s.incoming_key, s.upload_id);
    checkParts(s, stored);
    parts = stored;
  } catch (err) {
    if (err instanceof NotSupported) {
      // The store cannot list parts: complete with the ETags the uploader collected, then
      // check the assembled object's size instead.
      listed = false;
      parts = clientParts(s, input.parts);
    } else if (!(err instanceof UploadNotFound)) throw err;
  }
  if (parts) {
    // Refused (a full disk): nothing is recorded and the session and its parts stay, so the
    // uploader's Try again completes it once there is room. A store that assembles in place (the
    // S3 test server does) has left half an object under the key, this upload's alone: it goes.
    await deps.store.completeMultipart(s.incoming_key, s.upload_id, parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })))
      .catch(async (err: unknown) => {
        if (err instanceof WriteRefused) await deps.store.delete(s.incoming_key).catch((e: unknown) => deps.log.warn({ err: e, fileId: s.id }, 'could not delete a refused assembly'));
        throw refusedUpload(deps, err, 'complete', s.id);
      });
    const size = listed ? s.declared_size : (await deps.store.head(s.incoming_key))?.size;
    if (size !== s.declared_size) {
      await discardUpload(deps, { fileId: s.id, key: s.incoming_key, uploadId: null });
      throw new ValidationError({ size: `Storage holds ${size ?? 0} bytes but the file is ${s.declared_size} bytes.` },
        `The uploaded parts add up to ${formatBytes(size ?? 0)}, not the ${formatBytes(s.declared_size)} this file should have. Send the file again.`);
    }
  } else {
    // The store finished the upload on an earlier call whose database write did not happen.
    const head = await deps.store.head(s.incoming_key);
    if (!head || head.size !== s.declared_size) throw new Conflict('This upload no longer exists in storage. Please start it again.');
  }
  await deps.db.transaction().execute(async (tx) => {
    if (!(await q.markUploaded(tx, s.id, s.declared_size, deps.clock.now()))) return;
    if (sha) await tx.updateTable('media_files').set({ declared_sha256: sha }).where('id', '=', s.id).execute();
    await q.deleteSession(tx, s.id);
    await enqueueJob(tx, MEDIA_PROCESS_JOB, { fileId: s.id }, { jobKey: `${MEDIA_PROCESS_JOB}:${s.id}`, maxAttempts: 5 });
  });
  return { id: s.id, state: 'uploaded' as const };
}

function clientParts(s: { part_count: number }, raw: unknown): { partNumber: number; etag: string }[] {
  const list = Array.isArray(raw) ? raw as { partNumber?: unknown; etag?: unknown }[] : [];
  const ok = list.length === s.part_count && list.every((p, i) => p?.partNumber === i + 1 && typeof p.etag === 'string' && p.etag.length > 0 && p.etag.length <= 200);
  if (!ok) throw new Conflict(`The upload is incomplete: send all ${s.part_count} parts, with the ETag storage returned for each, in order.`);
  return list as { partNumber: number; etag: string }[];
}

/** Every part present, each but the last of the session's part size, adding up to the declared size. */
function checkParts(s: { declared_size: number; part_size: number; part_count: number }, parts: UploadedPart[]) {
  const missing: number[] = [];
  for (let n = 1; n <= s.part_count; n++) if (!parts.some((p) => p.partNumber === n)) missing.push(n);
  if (missing.length) {
    throw new Conflict(`The upload is incomplete: part${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? '…' : ''} still to send.`);
  }
  const total = parts.filter((p) => p.partNumber <= s.part_count).reduce((sum, p) => sum + p.size, 0);
  const wrong = parts.find((p) => p.partNumber <= s.part_count && p.size !== partLength(s, p.partNumber));
  if (total !== s.declared_size || wrong || parts.length !== s.part_count) {
    throw new ValidationError({ size: `Storage holds ${total} bytes but the file is ${s.declared_size} bytes.` },
      `The uploaded parts add up to ${formatBytes(total)}, not the ${formatBytes(s.declared_size)} this file should have. Send the file again.`);
  }
}

export async function abortUpload(deps: Deps, viewer: Viewer, fileId: string) {
  const file = isUuid(fileId) ? await q.findOwnedFile(deps.db, viewer.id, fileId) : undefined;
  if (!file) throw new NotFound('We could not find that upload.');
  if (file.state !== 'uploading') throw new Conflict('This upload is already finished; delete the file instead.');
  await discardUpload(deps, { fileId: file.id, key: file.incoming_key, uploadId: file.upload_id });
}

async function discardUpload(deps: Deps, u: { fileId: string; key: string; uploadId: string | null }) {
  if (u.uploadId) {
    await deps.store.abortMultipart(u.key, u.uploadId).catch((err: unknown) => {
      if (!(err instanceof NotSupported)) throw err;
      deps.log.warn({ err, fileId: u.fileId }, 'the store cannot abort multipart uploads; its lifecycle rule must remove the parts');
    });
  }
  await deps.store.delete(u.key);
  await q.deleteUploadingFile(deps.db, u.fileId); // the session row goes with it
}

/** Periodic: aborts sessions past their expiry and deletes their parts. Returns how many. */
export async function cleanupAbandonedUploads(deps: Deps): Promise<number> {
  let done = 0;
  for (;;) {
    const batch = await q.expiredSessions(deps.db, deps.clock.now());
    for (const s of batch) {
      try {
        await discardUpload(deps, { fileId: s.media_file_id, key: s.incoming_key, uploadId: s.upload_id });
        done++;
      } catch (err) {
        deps.log.warn({ err, fileId: s.media_file_id }, 'could not clean up an abandoned upload; will retry next run');
        return done;
      }
    }
    if (batch.length < 100) return done;
  }
}

export async function reprocessFile(deps: Deps, viewer: Viewer, fileId: string) {
  const file = isUuid(fileId) ? await q.findOwnedFile(deps.db, viewer.id, fileId) : undefined;
  if (!file) throw new NotFound();
  await requeueFailed(deps, file.id);
  return file;
}

/** Operators (`npm run admin -- reprocess <file-id>`): any creator's failed file, same rules. */
export async function reprocessFileAsAdmin(deps: Deps, fileId: string) {
  const file = isUuid(fileId) ? await q.findFile(deps.db, fileId) : undefined;
  if (!file) throw new NotFound('There is no file with that id.');
  await requeueFailed(deps, file.id);
  return { itemId: file.item_id, name: file.original_name };
}

async function requeueFailed(deps: Deps, fileId: string) {
  await deps.db.transaction().execute(async (tx) => {
    const changed = await q.setState(tx, fileId, 'uploaded', deps.clock.now(), null, ['failed']);
    if (!changed.length) throw new Conflict('Only files that failed can be processed again.');
    await enqueueJob(tx, MEDIA_PROCESS_JOB, { fileId }, { jobKey: `${MEDIA_PROCESS_JOB}:${fileId}`, maxAttempts: 5 });
  });
}

export const listItemFiles = (deps: Deps, itemId: string) => q.listItemFiles(deps.db, itemId);
export const storageUsed = (deps: Deps, creatorId: string) => q.storageUsed(deps.db, creatorId);

/** Deletes a processed (or failed) file; its stored objects are purged by a job. */
async function deletableFile(deps: Deps, viewer: Viewer, fileId: string) {
  const file = isUuid(fileId) ? await q.findOwnedFile(deps.db, viewer.id, fileId) : undefined;
  if (!file) throw new NotFound();
  if (!FINAL_STATES.includes(file.state)) throw new Conflict('This file is still being uploaded or processed; cancel the upload or wait until it is done.');
  return file;
}

/**
 * For the "really delete?" page: the file, how many files were made from it, and whether its
 * published item would have nothing left for fans (and so go off sale).
 */
export async function fileDeletionPreview(deps: Deps, viewer: Viewer, fileId: string) {
  const file = await deletableFile(deps, viewer, fileId);
  const takesItemOffSale = file.purpose === 'item' && !!file.item_id && await deletingLeavesItemEmpty(deps, file.item_id, file.id);
  return { file, derivatives: await q.derivativeCount(deps.db, file.id), takesItemOffSale };
}

/** Deletes the file; `withdrawn` says its published item had nothing else and went off sale. */
export async function deleteFile(deps: Deps, viewer: Viewer, fileId: string) {
  const file = await deletableFile(deps, viewer, fileId);
  await q.deleteFiles(deps.db, [file.id]);
  const withdrawn = file.purpose === 'item' && !!file.item_id && !!(await withdrawIfEmpty(deps, file.item_id));
  return { file, withdrawn };
}
