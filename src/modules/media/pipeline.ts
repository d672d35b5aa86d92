// The seam between the upload half (this module) and the processing library
// (src/modules/media/processing/: probing, renditions, waveforms, archive inspection, built
// separately). The original is fetched into the job's scratch directory, processFile() works on
// local paths, and every output it makes is stored under this module's key layout and recorded
// as a derivative (so it counts against the creator's storage). Re-running replaces the same
// keys and rows: nothing is duplicated.
import { createReadStream, createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Deps } from '../../deps.ts';
import type { Logger } from '../../platform/log.ts';
import { derivativeKey } from './keys.ts';
import { processFile } from './processing/index.ts';
import * as q from './queries.ts';

export interface ProcessContext {
  deps: Deps;
  log: Logger;
  file: { id: string; creatorId: string; itemId: string; name: string; declaredType: string; bytes: number; sha256: string };
  /** Key of the original in its final place. */
  originalKey: string;
  /** A per-job directory for scratch files, removed when the job ends. */
  scratchDir: string;
}

export type ProcessOutcome = { state: 'ready' } | { state: 'failed' | 'quarantined'; reason: string };

export async function processMedia(ctx: ProcessContext): Promise<ProcessOutcome> {
  const { deps, file } = ctx;
  const input = path.join(ctx.scratchDir, 'original');
  await pipeline((await deps.store.get(ctx.originalKey)).body, createWriteStream(input));
  const result = await processFile({ inputPath: input, workDir: path.join(ctx.scratchDir, 'work') });
  await q.recordProcessed(deps.db, file.id, result.kind, result.metadata);
  if (result.state !== 'ready') return { state: result.state, reason: result.reason ?? 'The file could not be processed.' };
  for (const out of result.outputs) {
    if (out.role === 'download:original') continue; // that is the stored original itself
    const kind = out.role.replace(/[^a-z0-9_.-]/g, '-');
    const key = derivativeKey(file.creatorId, file.id, kind);
    await deps.store.put(key, createReadStream(out.path), { contentType: out.contentType, contentLength: out.bytes });
    await q.upsertDerivative(deps.db, { fileId: file.id, kind, objectKey: key, contentType: out.contentType, bytes: out.bytes });
  }
  ctx.log.info({ fileId: file.id, kind: result.kind, outputs: result.outputs.length }, 'media processed');
  return { state: 'ready' };
}
