// The album zip build, run by the worker: every entry streamed from storage into the zip and
// the zip streamed back to storage, so memory stays flat for any album size. Entries are stored
// (not deflated: audio and video are compressed already); yazl writes UTF-8 names with the
// language-encoding flag and ZIP64 records when an album passes 4 GB. Safe to run twice: a
// finished zip is left alone, an unfinished one is rebuilt over the same key.
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import type { Deps } from '../../deps.ts';
import type { Logger } from '../../platform/log.ts';
import * as q from './queries.ts';

/** Zips nobody asked for in this long are deleted; the next request builds them again. */
const UNUSED_ZIP_DAYS = 7;

export async function buildAlbumZip(deps: Deps, log: Logger, zipId: string, attempt: { attempts: number; maxAttempts: number }) {
  const zip = await q.findZip(deps.db, zipId);
  if (!zip || zip.state === 'ready') return;
  try {
    const out = new yazl.ZipFile();
    // yazl reports a failed entry (unreadable object, wrong size) on the ZipFile itself; ending
    // the output with it makes the upload below fail instead of an unhandled 'error' event.
    out.on('error', (err: Error) => (out.outputStream as Readable).destroy(err));
    let done = 0;
    const mtime = zip.created_at;
    for (const entry of zip.entries) {
      out.addReadStreamLazy(entry.name, { compress: false, size: entry.bytes, mtime }, (cb) => {
        deps.store.get(entry.key).then((got) => {
          got.body.on('end', () => { void q.setZipProgress(deps.db, zip.id, ++done).catch(() => {}); });
          cb(null, got.body);
        }, (err: Error) => cb(err, undefined as never));
      });
    }
    // The total is known up front when every entry is stored with its size (-1 otherwise).
    const finalSize = await new Promise<number>((resolve) => out.end({ forceZip64Format: false, comment: '' }, ((size: number) => resolve(size)) as () => void));
    const stored = await deps.store.put(zip.object_key, out.outputStream as Readable, {
      contentType: 'application/zip', ...(finalSize > 0 ? { contentLength: finalSize } : {}),
    });
    await q.finishZip(deps.db, zip.id, stored.size, deps.clock.now());
    log.info({ zipId, entries: zip.entries.length, bytes: stored.size }, 'album zip ready');
  } catch (err) {
    log.warn({ err, zipId, attempt: attempt.attempts }, 'album zip failed');
    if (attempt.attempts >= attempt.maxAttempts) await q.failZip(deps.db, zip.id, `The zip could not be built: ${(err as Error).message}`);
    throw err;
  }
}

export async function deleteUnusedZips(deps: Deps) {
  const cutoff = new Date(deps.clock.now().getTime() - UNUSED_ZIP_DAYS * 86_400_000);
  for (const z of await q.staleZips(deps.db, cutoff)) {
    await deps.store.delete(z.object_key);
    await q.deleteZip(deps.db, z.id);
  }
}
