// Single-file downloads: the entitlement check, then a signed URL that makes the browser save
// the chosen format under a name that is safe on every operating system. Each issued link is
// recorded for the creator's download counts (no third-party tracking).
import type { Deps } from '../../deps.ts';
import { storageAvailable } from '../../platform/storage/index.ts';
import { readyMediaFile } from '../media/index.ts';
import { accessTo, refusalMessage, type Listener } from './access.ts';
import { safeFileName } from './file-names.ts';
import { findFormat, type Format } from './formats.ts';
import * as q from './queries.ts';
import { STORAGE_DOWN_MESSAGE, visibleItemOf } from './streams.ts';

/** Long enough for a slow connection to start (and resume) a large file. */
export const DOWNLOAD_TTL_SECONDS = 60 * 60;

export type DownloadAnswer =
  | { ok: true; url: string }
  | { ok: false; status: 403 | 404 | 503; message: string; itemId?: string };

/** "Artist - Title.flac" for tracks and videos; the uploaded name for other files. */
export function downloadName(item: { type: string; title: string; creator_name: string }, media: { name: string }, format: Format): string {
  if (item.type === 'audio' || item.type === 'video') return safeFileName(`${item.creator_name} - ${item.title}`, format.ext);
  const stem = media.name.replace(/\.[a-z0-9]{1,8}$/i, '');
  return safeFileName(stem, format.ext);
}

export async function issueDownload(deps: Deps, listener: Listener, fileId: string, formatId: string): Promise<DownloadAnswer> {
  const media = await readyMediaFile(deps, fileId);
  const item = media && await visibleItemOf(deps, listener, media);
  const format = media && findFormat(media, formatId);
  if (!media || !item || !format) return { ok: false, status: 404, message: 'We could not find that file or format.' };
  const access = await accessTo(deps, listener, item, 'download');
  if (access.kind === 'none') return { ok: false, status: 403, message: refusalMessage(access.why), itemId: item.id };
  if (!await storageAvailable(deps.store)) return { ok: false, status: 503, message: STORAGE_DOWN_MESSAGE, itemId: item.id };
  const url = await deps.store.presignGet(format.rendition.objectKey, {
    expiresInSeconds: DOWNLOAD_TTL_SECONDS, viewerId: listener.key, contentType: format.rendition.contentType,
    downloadName: downloadName(item, media, format),
  });
  if (!(access.kind === 'full' && access.why === 'owner')) await q.recordDownload(deps.db, { itemId: item.id, fileId: media.id, listener: listener.key, format: format.id });
  return { ok: true, url };
}
