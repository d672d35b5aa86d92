// Stream URLs: the entitlement check, then a short-lived signed URL for the right object (the
// full rendition, or the preview clip), bound to the listener. The player asks again with its
// play id when a URL is about to expire; a resumed play is not a new play.
import type { Deps } from '../../deps.ts';
import { storageAvailable } from '../../platform/storage/index.ts';
import { findItem } from '../catalog/index.ts';
import { previewKind, readyMediaFile, requestPreviewClip, type ReadyMedia, type Rendition } from '../media/index.ts';
import { accessTo, refusalMessage, type Access, type Listener } from './access.ts';
import * as q from './queries.ts';

export const STREAM_TTL_SECONDS = 10 * 60;
/** A play may be resumed (URL refreshed, seek after expiry) for this long after it started. */
const RESUME_GRACE_SECONDS = 15 * 60;
/** Requests of one media element within this window are the same play (no-JS players re-request). */
const SAME_PLAY_SECONDS = 60;
/** A play counts after this many seconds, or the whole track when shorter. */
export const COUNT_AFTER_SECONDS = 30;

export const STORAGE_DOWN_MESSAGE = 'Streaming and downloads are temporarily unavailable: our file storage is not answering. Everything else works; please try again in a few minutes.';

export interface StreamGrant {
  url: string;
  expiresAt: string;
  contentType: string;
  /** full: the whole file; preview: only the first `previewSeconds`. */
  mode: 'full' | 'preview';
  previewSeconds?: number;
  /** Free plays left after this one, when listening on the item's free plays. */
  freePlaysLeft?: number;
  /** Set for full plays: report it after 30 s, and pass it back to refresh the URL. */
  playId?: string;
  duration: number | null;
  rendition: string;
  renditions: string[];
}

export type StreamAnswer =
  | { ok: true; grant: StreamGrant }
  | { ok: false; status: 202 | 403 | 404 | 503; message: string; retryAfterSeconds?: number };

const notFound: StreamAnswer = { ok: false, status: 404, message: 'We could not find that track or video.' };

/** Video renditions by height, best first: ["720p", "360p"]. Audio has one: "audio". */
export function renditionsOf(media: ReadyMedia): string[] {
  if (media.kind === 'audio') return media.renditions.stream ? ['audio'] : [];
  return Object.keys(media.renditions).filter((k) => /^video-\d+p$/.test(k))
    .map((k) => k.slice(6)).sort((a, b) => parseInt(b, 10) - parseInt(a, 10));
}

function fullRendition(media: ReadyMedia, wanted: string | undefined): { name: string; r: Rendition } | null {
  const names = renditionsOf(media);
  if (!names.length) return null;
  if (media.kind === 'audio') return { name: 'audio', r: media.renditions.stream! };
  const name = names.includes(wanted ?? '') ? wanted! : names[0]!;
  return { name, r: media.renditions[`video-${name}`]! };
}

/** The item a file belongs to, if this listener may see it at all (published, or their own). */
export async function visibleItemOf(deps: Deps, listener: Listener, media: ReadyMedia) {
  const item = await findItem(deps.db, media.itemId);
  if (!item || (!item.is_public && item.creator_id !== listener.userId)) return undefined;
  return item;
}

export async function issueStream(deps: Deps, listener: Listener, fileId: string, opts: { playId?: string; rendition?: string } = {}): Promise<StreamAnswer> {
  const media = await readyMediaFile(deps, fileId);
  if (!media || (media.kind !== 'audio' && media.kind !== 'video')) return notFound;
  const item = await visibleItemOf(deps, listener, media);
  if (!item) return notFound;
  const full = fullRendition(media, opts.rendition);
  if (!full) return notFound;
  if (!await storageAvailable(deps.store)) return { ok: false, status: 503, message: STORAGE_DOWN_MESSAGE, retryAfterSeconds: 30 };

  const access = await accessTo(deps, listener, item, 'stream');
  const resumed = await resumablePlay(deps, listener, media, opts.playId);
  const canContinue = resumed && (access.kind === 'full' || (item.preview_mode === 'plays' && (access.kind === 'free-play' || access.kind === 'none')));
  if (access.kind === 'full' || access.kind === 'free-play' || canContinue) {
    // The creator's own listening is not a play of their work.
    const isOwner = access.kind === 'full' && access.why === 'owner';
    const play = isOwner ? undefined : resumed ?? await q.startPlay(deps.db, { itemId: item.id, fileId: media.id, listener: listener.key, fullStream: true, now: deps.clock.now() });
    const freePlaysLeft = access.kind === 'free-play' && !resumed ? access.left - 1 : undefined;
    return grant(deps, listener, media, full.r, full.name, { mode: 'full', playId: play?.id, freePlaysLeft });
  }
  if (access.kind === 'clip') {
    const clip = media.renditions[previewKind(access.seconds)];
    if (!clip) {
      await requestPreviewClip(deps, media.id, access.seconds);
      return { ok: false, status: 202, message: 'The preview is being prepared…', retryAfterSeconds: 2 };
    }
    return grant(deps, listener, media, clip, full.name, { mode: 'preview', previewSeconds: access.seconds });
  }
  return { ok: false, status: 403, message: refusalMessage((access as Extract<Access, { kind: 'none' }>).why) };
}

/** The listener's own recent play of this file: the one named by the player, or (no-JS) the latest. */
async function resumablePlay(deps: Deps, listener: Listener, media: ReadyMedia, playId: string | undefined) {
  if (playId) {
    const play = /^[0-9a-f-]{36}$/i.test(playId) ? await q.findPlay(deps.db, playId) : undefined;
    const grace = (media.duration ?? 0) * 2 + RESUME_GRACE_SECONDS;
    if (play && play.media_file_id === media.id && play.listener === listener.key && play.full_stream
      && deps.clock.now().getTime() - play.started_at.getTime() < grace * 1000) return play;
  }
  return q.recentPlay(deps.db, media.id, listener.key, new Date(deps.clock.now().getTime() - SAME_PLAY_SECONDS * 1000));
}

async function grant(deps: Deps, listener: Listener, media: ReadyMedia, r: Rendition, rendition: string,
  extra: Pick<StreamGrant, 'mode' | 'previewSeconds' | 'playId' | 'freePlaysLeft'>): Promise<StreamAnswer> {
  const url = await deps.store.presignGet(r.objectKey, { expiresInSeconds: STREAM_TTL_SECONDS, viewerId: listener.key, contentType: r.contentType });
  const expiresAt = new Date(deps.clock.now().getTime() + STREAM_TTL_SECONDS * 1000).toISOString();
  return { ok: true, grant: { url, expiresAt, contentType: r.contentType, duration: media.duration, rendition, renditions: renditionsOf(media), ...extra } };
}

/** Counts a full play once the listener has heard enough of it (checked against the server's clock). */
export async function countPlay(deps: Deps, listener: Listener, playId: string, listenedSeconds: unknown): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(playId)) return false;
  const play = await q.findPlay(deps.db, playId);
  if (!play || play.listener !== listener.key || !play.full_stream || play.counted_at) return false;
  const media = await readyMediaFile(deps, play.media_file_id);
  const needed = Math.min(COUNT_AFTER_SECONDS, media?.duration ?? COUNT_AFTER_SECONDS) - 1;
  const listened = typeof listenedSeconds === 'number' && Number.isFinite(listenedSeconds) ? listenedSeconds : 0;
  const elapsed = (deps.clock.now().getTime() - play.started_at.getTime()) / 1000;
  if (listened < needed || elapsed < needed) return false;
  return q.markCounted(deps.db, play.id, deps.clock.now());
}
