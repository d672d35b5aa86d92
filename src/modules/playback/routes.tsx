// Thin routes of playback: the player's JSON API, the no-JavaScript stream redirect, waveform
// peaks and posters, single downloads and album zips. Every URL of a file is issued here,
// after the access check, as a short-lived signed URL; the bytes never pass through our code
// on S3 (and through the storage route only, on the local backend).
import { Hono, type Context } from 'hono';
import type { Deps } from '../../deps.ts';
import { Forbidden, NotFound, Unavailable } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { setFlash } from '../../platform/http/flash.ts';
import { storageAvailable } from '../../platform/storage/index.ts';
import { renderPage } from '../../ui/render.tsx';
import { readyMediaFile } from '../media/index.ts';
import { albumZip } from './album.ts';
import { issueDownload } from './downloads.ts';
import { listenerOf, receiptQuery } from './listener.ts';
import { countPlay, issueStream, STORAGE_DOWN_MESSAGE, visibleItemOf, type StreamAnswer } from './streams.ts';
import { AlbumWaitCard } from './views/album-wait.tsx';

type C = Context<AppEnv>;

function noStore(c: C) { c.header('Cache-Control', 'no-store'); }

/** A refused stream on a page route: the error page with the reason (never a silent failure). */
function refuse(c: C, answer: Extract<StreamAnswer, { ok: false }>): never {
  if (answer.retryAfterSeconds) c.header('Retry-After', String(answer.retryAfterSeconds));
  if (answer.status === 404) throw new NotFound(answer.message);
  if (answer.status === 403) throw new Forbidden(answer.message);
  throw new Unavailable(answer.status === 202 ? 'The preview is being prepared. Reload in a moment to listen.' : answer.message);
}

export function playbackRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const devMode = deps.config.env === 'development';

  // The player asks for a stream URL (and again, with its play id, to refresh one).
  app.get('/api/play/:fileId', async (c) => {
    noStore(c);
    const answer = await issueStream(deps, listenerOf(c, deps), c.req.param('fileId'), { playId: c.req.query('play'), rendition: c.req.query('r') });
    if (answer.ok) return c.json(answer.grant);
    if (answer.retryAfterSeconds) c.header('Retry-After', String(answer.retryAfterSeconds));
    return c.json({ error: answer.message, preparing: answer.status === 202 }, answer.status);
  });

  app.post('/api/plays/:playId', async (c) => {
    let listened: unknown;
    try { listened = ((await c.req.json()) as { listened?: unknown }).listened; } catch { listened = undefined; }
    return c.json({ counted: await countPlay(deps, listenerOf(c, deps), c.req.param('playId'), listened) });
  });

  // Without JavaScript, <audio src="/play/…"> follows this redirect to a fresh signed URL.
  app.get('/play/:fileId', async (c) => {
    noStore(c);
    const answer = await issueStream(deps, listenerOf(c, deps), c.req.param('fileId'), { rendition: c.req.query('r') });
    if (!answer.ok) refuse(c, answer);
    return c.redirect(answer.grant.url, 302);
  });

  app.get('/play/:fileId/peaks', async (c) => {
    const { media } = await visibleMedia(c, ['waveform']);
    try {
      const got = await deps.store.get(media.renditions.waveform!.objectKey);
      c.header('Cache-Control', 'private, max-age=3600');
      return c.body(got.body as unknown as ReadableStream, 200, { 'Content-Type': 'application/json' });
    } catch (err) {
      deps.log.warn({ err, fileId: media.id }, 'waveform unavailable');
      return c.json({ error: STORAGE_DOWN_MESSAGE }, 503);
    }
  });

  app.get('/play/:fileId/poster', async (c) => {
    const { media, listenerKey } = await visibleMedia(c, ['poster-webp', 'poster']);
    const poster = media.renditions['poster-webp'] ?? media.renditions.poster!;
    c.header('Cache-Control', 'private, max-age=600');
    return c.redirect(await deps.store.presignGet(poster.objectKey, { expiresInSeconds: 3600, viewerId: listenerKey, contentType: poster.contentType }), 302);
  });

  /** A ready file with one of these renditions, on an item this listener may see; 404 otherwise. */
  async function visibleMedia(c: C, kinds: string[]) {
    const listener = listenerOf(c, deps);
    const media = await readyMediaFile(deps, c.req.param('fileId') ?? '');
    if (!media || !kinds.some((k) => media.renditions[k]) || !await visibleItemOf(deps, listener, media)) throw new NotFound();
    if (!await storageAvailable(deps.store)) throw new Unavailable(STORAGE_DOWN_MESSAGE);
    return { media, listenerKey: listener.key };
  }

  // Album zips (registered before /download/:fileId/:format, which would match "album").
  const albumPaths = (c: C) => {
    const base = `/download/album/${c.req.param('projectId')}/${c.req.param('format')}`;
    const q = receiptQuery(listenerOf(c, deps));
    return { download: q ? `${base}?${q}` : base, wait: q ? `${base}/wait?${q}` : `${base}/wait` };
  };

  app.get('/download/album/:projectId/:format', async (c) => {
    noStore(c);
    const answer = await albumZip(deps, listenerOf(c, deps), c.req.param('projectId'), c.req.param('format'), { start: true });
    if (answer.state === 'refused') refuseAlbum(answer);
    if (answer.state === 'ready') return c.redirect(answer.url, 302);
    return c.redirect(albumPaths(c).wait, 303);
  });

  app.get('/download/album/:projectId/:format/wait', async (c) => {
    noStore(c);
    const listener = listenerOf(c, deps);
    const answer = await albumZip(deps, listener, c.req.param('projectId'), c.req.param('format'), { start: false });
    if (answer.state === 'refused') refuseAlbum(answer);
    const paths = albumPaths(c);
    const card = <AlbumWaitCard title={answer.album.title} backHref={answer.album.href} downloadHref={paths.download} waitHref={paths.wait} answer={answer} />;
    return renderPage(c, { title: 'Preparing your download', devMode }, card);
  });

  function refuseAlbum(a: { status: 403 | 404 | 503; message: string }): never {
    if (a.status === 404) throw new NotFound(a.message);
    if (a.status === 403) throw new Forbidden(a.message);
    throw new Unavailable(a.message);
  }


  app.get('/download/:fileId/:format', async (c) => {
    noStore(c);
    const answer = await issueDownload(deps, listenerOf(c, deps), c.req.param('fileId'), c.req.param('format'));
    if (answer.ok) return c.redirect(answer.url, 302);
    if (answer.status === 403 && answer.itemId) {
      setFlash(c, deps.config, 'info', answer.message);
      return c.redirect(`/i/${answer.itemId}#buy`, 303);
    }
    if (answer.status === 404) throw new NotFound(answer.message);
    throw new Unavailable(answer.message);
  });

  return app;
}
