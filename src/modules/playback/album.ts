// Album downloads: a project's files in one zip per format. What goes in is decided here, per
// request, from the listener's entitlements (an album buyer gets every item; someone who bought
// two tracks gets those two). The zip itself is built once by the worker, cached in storage
// under a hash of exactly its contents, and shared by everyone entitled to the same set; a
// changed track changes the hash, so a stale zip is never served.
import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { enqueueJob } from '../../platform/queue.ts';
import { storageAvailable } from '../../platform/storage/index.ts';
import { getVisibleProject } from '../catalog/index.ts';
import { readyMediaOfItems, type ReadyMedia } from '../media/index.ts';
import { accessTo, type Listener } from './access.ts';
import { safeFileName, safeSegment, trackPrefix, uniqueNames } from './file-names.ts';
import { findFormat, formatsOf } from './formats.ts';
import { zipKey } from './keys.ts';
import * as q from './queries.ts';
import { STORAGE_DOWN_MESSAGE } from './streams.ts';
import type { ZipEntry } from './tables.ts';

export const ALBUM_ZIP_JOB = 'playback_album_zip';
const ZIP_LAYOUT_VERSION = 'zip-v1'; // bump when naming changes, so old zips are not reused

export interface AlbumOffer {
  project: { id: string; title: string; creator_name: string };
  /** Entitled items that have files, and whether that is every item with files. */
  entitledCount: number;
  complete: boolean;
  formats: { id: string; label: string }[];
}

async function entitledMedia(deps: Deps, listener: Listener, projectId: string) {
  const { project, items } = await getVisibleProject(deps, projectId, listener.userId);
  const withFiles = items.filter((i) => i.type !== 'text');
  const media = await readyMediaOfItems(deps, withFiles.map((i) => i.id));
  const itemsWithMedia = withFiles.filter((i) => media.some((m) => m.itemId === i.id));
  const entitled: typeof itemsWithMedia = [];
  for (const item of itemsWithMedia) {
    if ((await accessTo(deps, listener, item, 'download')).kind === 'full') entitled.push(item);
  }
  // Track numbers are positions in the whole album, also in a zip of only some of its tracks.
  const trackIds = itemsWithMedia.filter((i) => i.type === 'audio').map((i) => i.id);
  return { project, entitled, trackIds, media: media.filter((m) => entitled.some((i) => i.id === m.itemId)), total: itemsWithMedia.length };
}

/** Formats offered for the whole album: every format at least one audio track has, and originals. */
function albumFormats(media: ReadyMedia[]) {
  const seen = new Map<string, string>();
  for (const m of media) for (const f of formatsOf(m)) if (f.id !== 'original' && m.kind === 'audio') seen.set(f.id, f.label);
  return [...[...seen].map(([id, label]) => ({ id, label })), { id: 'original', label: 'Originals' }];
}

export async function albumOffer(deps: Deps, listener: Listener, projectId: string): Promise<AlbumOffer | null> {
  const { project, entitled, media, total } = await entitledMedia(deps, listener, projectId);
  if (!entitled.length) return null;
  return { project: { id: project.id, title: project.title, creator_name: project.creator_name },
    entitledCount: entitled.length, complete: entitled.length === total, formats: albumFormats(media) };
}

/** Entry names: "Artist - Album/01 Title.flac" for tracks in project order, uploaded names otherwise. */
function zipEntries(project: { title: string; creator_name: string }, items: { id: string; type: string; title: string }[], trackIds: string[],
  media: ReadyMedia[], formatId: string): ZipEntry[] {
  const folder = safeSegment(`${project.creator_name} - ${project.title}`, 'Album');
  const chosen: { name: string; key: string; bytes: number }[] = [];
  for (const item of items) {
    for (const m of media.filter((x) => x.itemId === item.id)) {
      const format = (m.kind === 'audio' ? findFormat(m, formatId) : undefined) ?? findFormat(m, 'original')!;
      const name = item.type === 'audio'
        ? safeFileName(`${trackPrefix(trackIds.indexOf(item.id) + 1, trackIds.length)} ${item.title}`, format.ext)
        : safeFileName(m.name.replace(/\.[a-z0-9]{1,8}$/i, ''), format.ext);
      chosen.push({ name, key: format.rendition.objectKey, bytes: format.rendition.bytes });
    }
  }
  return uniqueNames(chosen.map((c) => c.name)).map((name, i) => ({ ...chosen[i]!, name: `${folder}/${name}` }));
}

export function zipDownloadName(project: { title: string; creator_name: string }, formatLabel: string): string {
  return safeFileName(`${project.creator_name} - ${project.title} (${formatLabel})`, 'zip');
}

export interface AlbumRef { title: string; href: string }

export type AlbumAnswer =
  | { state: 'ready'; zipId: string; url: string; album: AlbumRef }
  | { state: 'building'; zipId: string; done: number; total: number; album: AlbumRef }
  | { state: 'failed'; message: string; album: AlbumRef }
  | { state: 'refused'; status: 403 | 404 | 503; message: string };

/**
 * The album as a zip in this format for this listener: a signed URL when the zip is ready,
 * otherwise its progress (the build is queued once). `start` false only reports.
 */
export async function albumZip(deps: Deps, listener: Listener, projectId: string, formatId: string, opts: { start: boolean }): Promise<AlbumAnswer> {
  const { project, entitled, trackIds, media } = await entitledMedia(deps, listener, projectId);
  if (!entitled.length) return { state: 'refused', status: 403, message: 'Buy this album (or one of its tracks) to download it.' };
  const format = albumFormats(media).find((f) => f.id === formatId);
  if (!format) return { state: 'refused', status: 404, message: 'That format is not available for this album.' };
  if (!await storageAvailable(deps.store)) return { state: 'refused', status: 503, message: STORAGE_DOWN_MESSAGE };

  const album = { title: `${project.title} by ${project.creator_name}`, href: `/@${project.creator_username}/${project.slug}` };
  const entries = zipEntries(project, entitled, trackIds, media, format.id);
  const contentHash = createHash('sha256').update(JSON.stringify([ZIP_LAYOUT_VERSION, format.id, entries])).digest('hex').slice(0, 32);
  const zip = await q.findOrCreateZip(deps.db, { projectId: project.id, format: format.id, contentHash, objectKey: zipKey(project.id, contentHash), entries });
  if (zip.state === 'ready') {
    const url = await deps.store.presignGet(zip.object_key, {
      expiresInSeconds: 60 * 60, viewerId: listener.key, contentType: 'application/zip', downloadName: zipDownloadName(project, format.label),
    });
    if (opts.start && listener.userId !== project.creator_id) await q.recordDownload(deps.db, { projectId: project.id, listener: listener.key, format: format.id });
    return { state: 'ready', zipId: zip.id, url, album };
  }
  if (zip.state === 'failed') {
    if (!opts.start) return { state: 'failed', message: zip.error ?? 'The zip could not be built.', album };
    await q.restartZip(deps.db, zip.id);
  }
  // Safe to repeat: the job key keeps at most one pending build, and a build finds finished work done.
  await enqueueJob(deps.db, ALBUM_ZIP_JOB, { zipId: zip.id }, { jobKey: `${ALBUM_ZIP_JOB}:${zip.id}`, maxAttempts: 3 });
  return { state: 'building', zipId: zip.id, done: zip.state === 'failed' ? 0 : zip.entries_done, total: zip.entries_total, album };
}
