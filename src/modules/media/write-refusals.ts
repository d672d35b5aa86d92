// What a creator is told when storage will not keep an upload's bytes (a full disk, a store
// answering writes with errors). Every message says whether anything was kept and what to do;
// none blames the creator's own allowance, which has its own 413 messages (docs/decisions/0012).
import type { Deps } from '../../deps.ts';
import { InsufficientStorage, Unavailable } from '../../platform/errors.ts';
import { WriteRefused } from '../../platform/storage/index.ts';

/** start: opening the session; complete: assembling the parts; single: the one-request form. */
export type UploadStage = 'start' | 'complete' | 'single';

const NOT_YOURS = 'This is not your storage allowance: the site needs more disk space.';

const MESSAGES: Record<UploadStage, { full: string; maybe: (detail: string) => string }> = {
  start: {
    full: `The server's file storage has no room for this file right now, so the upload cannot start. ${NOT_YOURS} Please try again later.`,
    maybe: (d) => `File storage would not open this upload (${d}). It may be full or briefly unavailable. Please try again in a few minutes.`,
  },
  complete: {
    full: `The server's file storage is full, so the parts you sent could not be put together into your file. They are kept: press Try again later to finish the upload. ${NOT_YOURS}`,
    maybe: (d) => `File storage could not put your file together just now (${d}). It may be full or briefly unavailable. The parts you sent are kept: press Try again in a few minutes.`,
  },
  single: {
    full: `The server's file storage is full, so this file could not be saved, and nothing of it was kept. ${NOT_YOURS} Please try again later.`,
    maybe: (d) => `File storage could not save this file (${d}), and nothing of it was kept. It may be full or briefly unavailable. Please try again in a few minutes.`,
  },
};

/** A WriteRefused as the creator's 507 (full) or 503 (unsure) error; any other error unchanged. */
export function refusedUpload(deps: Deps, err: unknown, stage: UploadStage, fileId?: string): unknown {
  if (!(err instanceof WriteRefused)) return err;
  // Operators need to hear about a full disk: every refusal is an error in the log.
  deps.log.error({ err, stage, fileId }, 'storage refused an upload write');
  const m = MESSAGES[stage];
  return err.full ? new InsufficientStorage(m.full) : new Unavailable(m.maybe(err.detail));
}

/** The reason a file ends `failed` with when storage refused its processed formats. */
export function refusedProcessing(err: WriteRefused, attempts: number): string {
  const tried = `tried ${attempts} time${attempts === 1 ? '' : 's'}`;
  return err.full
    ? `The server's file storage was full while processing this file (${tried}). Nothing half-made was kept and your original is safe: press Reprocess once the site has space again.`
    : `File storage would not save what processing made of this file (${err.detail}; ${tried}). Nothing half-made was kept and your original is safe: press Reprocess in a while.`;
}
