// The seam between the upload half (this module) and the processing library
// (src/modules/media/processing/: probing, renditions, waveforms, archive inspection). The
// original is fetched into the job's scratch directory with what the catalog knows (the tags to
// write, the cover to embed, what kind of content the item needs), processFile() works on local
// paths, and every output is stored under this module's key layout and recorded as a
// derivative (so it counts against the creator's storage). Re-running replaces the same keys
// and rows, and removes derivatives the new run did not make: nothing is duplicated.
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Deps } from '../../deps.ts';
import type { Logger } from '../../platform/log.ts';
import { ObjectNotFound } from '../../platform/storage/index.ts';
import { itemMediaContext } from '../catalog/index.ts';
import { storageLimits } from '../creators/index.ts';
import { derivativeKey } from './keys.ts';
import { formatBytes } from './limits.ts';
import { processFile, type OutputRole, type ProcessInput, type ProcessResult } from './processing/index.ts';
import * as q from './queries.ts';
import { ITEM_KIND } from './targets.ts';

export type FileRow = NonNullable<Awaited<ReturnType<typeof q.findFile>>>;

export interface ProcessContext {
  deps: Deps;
  log: Logger;
  file: FileRow;
  /** Key of the original in its final place. */
  originalKey: string;
  /** A per-job directory for scratch files, removed when the job ends. */
  scratchDir: string;
}

export type ProcessOutcome =
  | { state: 'ready'; result: ProcessResult; /** The cover written into audio downloads, if any. */ embeddedCoverKey: string | null }
  | { state: 'failed' | 'quarantined'; reason: string };

/** A derivative's kind (its key's last segment and its row's kind) from the output's role. */
export const derivativeKind = (role: OutputRole) => role.replace(/[^a-z0-9_.-]/g, '-');

export async function processMedia(ctx: ProcessContext): Promise<ProcessOutcome> {
  const { deps, file } = ctx;
  const input = path.join(ctx.scratchDir, 'original');
  await pipeline((await deps.store.get(ctx.originalKey)).body, createWriteStream(input));
  const { embeddedCoverKey, ...plan } = await processingPlan(deps, file, ctx.scratchDir);
  const result = await processFile({ inputPath: input, workDir: path.join(ctx.scratchDir, 'work'), ...plan, clamd: deps.config.clamd ?? undefined });
  const preview = await waveformPreview(result);
  await q.recordProcessed(deps.db, file.id, result.kind, {
    ...result.metadata, ...(preview ? { waveformPreview: preview } : {}),
    // Which cover went into the downloads: a cover set later re-embeds (see after-ready.ts).
    ...(result.kind === 'audio' ? { embeddedCoverKey: plan.coverPath ? embeddedCoverKey : null } : {}),
  });
  if (result.state !== 'ready') {
    await dropDerivatives(deps, file.id, new Set()); // a failed re-run keeps nothing of an earlier one
    return { state: result.state, reason: result.reason ?? 'The file could not be processed.' };
  }
  const outputs = result.outputs.filter((o) => o.role !== 'download:original') // that is the stored original itself
    .map((o) => ({ ...o, kind: derivativeKind(o.role) }));
  const over = await claimStorage(deps, file, outputs.reduce((sum, o) => sum + o.bytes, 0));
  if (over) {
    await dropDerivatives(deps, file.id, new Set());
    return { state: 'failed', reason: over };
  }
  try {
    for (const out of outputs) {
      const key = derivativeKey(file.creator_id, file.id, out.kind);
      await deps.store.put(key, createReadStream(out.path), { contentType: out.contentType, contentLength: out.bytes });
      await q.upsertDerivative(deps.db, { fileId: file.id, kind: out.kind, objectKey: key, contentType: out.contentType, bytes: out.bytes });
    }
  } catch (err) {
    // Storage refused one (a full disk): a file that is not ready yet keeps no half set of
    // formats, neither rows nor objects; the job's retry makes them all again. A ready file
    // (re-made downloads) keeps serving what it has: each key is replaced whole or not at all.
    if (file.state !== 'ready') await discardRun(ctx, outputs.map((o) => derivativeKey(file.creator_id, file.id, o.kind)));
    throw err;
  }
  await dropDerivatives(deps, file.id, new Set(outputs.map((o) => o.kind)));
  ctx.log.info({ fileId: file.id, kind: result.kind, outputs: outputs.length }, 'media processed');
  return { state: 'ready', result, embeddedCoverKey: plan.coverPath ? embeddedCoverKey ?? null : null };
}

/** What processFile is told: the content the target needs, the tags to write, the cover. */
async function processingPlan(deps: Deps, file: FileRow, scratchDir: string): Promise<Partial<ProcessInput> & { embeddedCoverKey?: string | null }> {
  if (file.purpose !== 'item' || !file.item_id) return { kindHint: 'image' }; // covers and avatars
  const item = await itemMediaContext(deps, file.item_id);
  if (!item) throw new Error(`item ${file.item_id} of file ${file.id} is gone`);
  const common = { artist: item.creatorName, album: item.projectTitle };
  // Album uploads keep the file's own title and track number; the item's (the file name for
  // now, and its place in the project) only fill gaps.
  const album = file.track_base !== null;
  const own = { title: item.title, trackNumber: item.trackNumber };
  const plan: Partial<ProcessInput> & { embeddedCoverKey?: string | null } = {
    kindHint: ITEM_KIND[item.type], tags: album ? common : { ...common, ...own }, defaultTags: album ? own : undefined,
  };
  const coverKey = item.itemCoverKey ?? item.projectCoverKey;
  if (coverKey && plan.kindHint !== 'video' && plan.kindHint !== 'image') {
    const coverPath = path.join(scratchDir, 'cover');
    try {
      await pipeline((await deps.store.get(coverKey)).body, createWriteStream(coverPath));
      plan.coverPath = coverPath;
      plan.embeddedCoverKey = coverKey;
    } catch (err) {
      if (!(err instanceof ObjectNotFound)) throw err; // a cover being replaced: the embedded one is used
    }
  }
  return plan;
}

/**
 * Turns the upload-time reservation into a claim of the real derivative sizes, or says why
 * they do not fit. Under the creator lock, so two files finishing at once cannot both squeeze
 * into the last free space.
 */
async function claimStorage(deps: Deps, file: FileRow, bytes: number): Promise<string | null> {
  const limits = await storageLimits(deps, file.creator_id);
  if (!limits) return null;
  return deps.db.transaction().execute(async (tx) => {
    await q.lockCreator(tx, file.creator_id);
    const used = await q.storageUsed(tx, file.creator_id, file.id);
    if (used + bytes > limits.totalBytes) {
      return `Processing made ${formatBytes(bytes)} of streaming and download formats, which would take you to ${formatBytes(used + bytes)} ` +
        `of your tier's ${formatBytes(limits.totalBytes)}. Delete some files or choose a bigger tier, then press Reprocess.`;
    }
    await q.setReserved(tx, file.id, bytes);
    return null;
  });
}

/** After a failed store: every derivative of the file and whatever this run put under `keys`. */
async function discardRun(ctx: ProcessContext, keys: string[]) {
  try {
    await dropDerivatives(ctx.deps, ctx.file.id, new Set());
    for (const key of keys) await ctx.deps.store.delete(key);
  } catch (err) {
    // Left for the next attempt (which replaces the same keys) or the file's purge.
    ctx.log.warn({ err, fileId: ctx.file.id }, 'could not remove the formats of a failed run');
  }
}

/** Deletes this file's derivative rows and objects whose kind is not in `keep`. */
async function dropDerivatives(deps: Deps, fileId: string, keep: Set<string>) {
  const stale = (await q.derivativesOf(deps.db, [fileId])).filter((d) => !keep.has(d.kind));
  for (const d of stale) await deps.store.delete(d.object_key);
  await q.deleteDerivatives(deps.db, fileId, stale.map((d) => d.kind));
}

/** ~120 peaks kept in the row's metadata, so the dashboard draws a waveform without a fetch. */
async function waveformPreview(result: ProcessResult): Promise<number[] | undefined> {
  const out = result.outputs.find((o) => o.role === 'waveform');
  if (!out) return undefined;
  const { peaks } = JSON.parse(await readFile(out.path, 'utf8')) as { peaks: number[] };
  const n = Math.min(120, peaks.length);
  return Array.from({ length: n }, (_, i) => {
    const from = Math.floor((i * peaks.length) / n);
    const to = Math.max(from + 1, Math.floor(((i + 1) * peaks.length) / n));
    return Math.max(...peaks.slice(from, to));
  });
}
