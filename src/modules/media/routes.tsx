// Thin routes: the JSON upload API the uploader script speaks, and the dashboard's files
// fragment and Reprocess action. Every id goes through a service that answers 404 for
// anything the signed-in creator does not own.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.ts';
import { Readable } from 'node:stream';
import { BadRequest, NotFound, ValidationError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/http/flash.ts';
import { ObjectNotFound } from '../../platform/storage/index.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { getOwnedItem } from '../catalog/index.ts';
import { requireCreator } from '../creators/index.ts';
import { publicThumbnail, removeImage } from './images.ts';
import { listItemFileViews } from './item-media.ts';
import { imageSlot, trackListFragment } from './sections.tsx';
import * as uploads from './uploads-service.ts';
import { formPageOf } from './upload-form.tsx';
import { ConfirmFileDeletePage, FilesList, filesUrl } from './views/files.tsx';
import { renderPage } from '../../ui/render.tsx';

type C = Context<AppEnv>;

/** The API answers in JSON: 401/403 instead of the pages' redirects. */
const creatorApi: MiddlewareHandler<AppEnv> = async (c, next) => {
  const viewer = c.get('viewer');
  if (!viewer) return c.json({ error: 'Please log in again.' }, 401);
  if (!viewer.isCreator) return c.json({ error: 'Only creators can upload files.' }, 403);
  await next();
};

async function jsonBody(c: C): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await c.req.json();
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch { /* answered below */ }
  throw new BadRequest('Send a JSON object (Content-Type: application/json).');
}

/** Field problems as JSON the uploader can show beside the file. */
async function answer(c: C, work: () => Promise<unknown>, status: 200 | 201 = 200) {
  try {
    return c.json(await work() as object, status);
  } catch (err) {
    if (err instanceof ValidationError) return c.json({ error: err.message === 'Please correct the highlighted fields.' ? Object.values(err.fields).join(' ') : err.message, fields: err.fields }, 422);
    throw err;
  }
}

export function uploadApiRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const viewer = (c: C) => c.get('viewer')!;
  app.use('/api/uploads', creatorApi);
  app.use('/api/uploads/*', creatorApi);

  app.post('/api/uploads', async (c) => { const body = await jsonBody(c); return answer(c, () => uploads.startUpload(deps, viewer(c), body), 201); });
  app.get('/api/uploads/:id', (c) => answer(c, () => uploads.uploadStatus(deps, viewer(c), c.req.param('id'))));
  app.post('/api/uploads/:id/part-urls', async (c) => {
    const body = await jsonBody(c);
    return answer(c, async () => ({ parts: await uploads.partUrls(deps, viewer(c), c.req.param('id'), body.partNumbers) }));
  });
  app.post('/api/uploads/:id/complete', async (c) => {
    const body = await jsonBody(c);
    return answer(c, () => uploads.completeUpload(deps, viewer(c), c.req.param('id'), body));
  });
  app.delete('/api/uploads/:id', (c) => answer(c, async () => { await uploads.abortUpload(deps, viewer(c), c.req.param('id')); return { aborted: true }; }));
  return app;
}

export function dashboardMediaRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const viewer = (c: C) => c.get('viewer')!;

  const list = async (c: C, itemId: string) => {
    const item = await getOwnedItem(deps, viewer(c), itemId);
    const files = await listItemFileViews(deps, viewer(c).id, item.id);
    c.header('Cache-Control', 'no-store');
    return c.html(<FilesList itemId={item.id} itemPublished={item.status === 'published'} files={files} csrfToken={c.get('csrfToken')} />);
  };
  const slotInput = (c: C) => {
    const target = c.req.query('target');
    if (target !== 'item_cover' && target !== 'project_cover' && target !== 'avatar') throw new NotFound();
    return { target, itemId: c.req.query('itemId'), projectId: c.req.query('projectId') } as const;
  };
  const slot = async (c: C) => {
    const input = slotInput(c);
    c.header('Cache-Control', 'no-store');
    return c.html(await imageSlot(deps, viewer(c), input.target, input, c.get('csrfToken')));
  };

  app.get('/dashboard/items/:id/files', requireCreator, (c) => list(c, c.req.param('id')));
  app.get('/dashboard/projects/:id/tracks', requireCreator, async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.html(await trackListFragment(deps, viewer(c), c.req.param('id')));
  });
  app.get('/dashboard/media/image-slot', requireCreator, slot);
  app.post('/dashboard/media/image-slot/remove', requireCreator, async (c) => {
    const input = slotInput(c);
    await removeImage(deps, viewer(c), input);
    if (c.req.header('hx-request')) return slot(c);
    setFlash(c, deps.config, 'success', input.target === 'avatar' ? 'Avatar removed.' : 'Cover removed.');
    return c.redirect(formPageOf(input), 303);
  });

  app.post('/dashboard/media/:id/reprocess', requireCreator, async (c) => {
    const file = await uploads.reprocessFile(deps, viewer(c), c.req.param('id'));
    if (c.req.header('hx-request') && file.purpose === 'item' && file.item_id) return list(c, file.item_id);
    return c.redirect(formPageOf({ target: file.purpose, itemId: file.item_id ?? undefined, projectId: file.project_id ?? undefined }), 303);
  });

  // Without JavaScript the form arrives without confirm=yes: show what would go, and delete on
  // the second post (htmx sends confirm=yes after its hx-confirm dialog).
  app.post('/dashboard/media/:id/delete', requireCreator, async (c) => {
    if ((await c.req.parseBody()).confirm !== 'yes') {
      const { file, derivatives, takesItemOffSale } = await uploads.fileDeletionPreview(deps, viewer(c), c.req.param('id'));
      const cancelHref = formPageOf({ target: file.purpose, itemId: file.item_id ?? undefined, projectId: file.project_id ?? undefined });
      return renderPage(c, { title: 'Delete file?', devMode: deps.config.env === 'development' },
        <ConfirmFileDeletePage file={file} derivatives={derivatives} takesItemOffSale={takesItemOffSale} csrfToken={c.get('csrfToken')} cancelHref={cancelHref} />);
    }
    const { file, withdrawn } = await uploads.deleteFile(deps, viewer(c), c.req.param('id'));
    const formPage = formPageOf({ target: file.purpose, itemId: file.item_id ?? undefined, projectId: file.project_id ?? undefined });
    // Only the file list is swapped with htmx; an item that went off sale reloads the whole page
    // so its status and the message show (HX-Refresh: a redirect to the same address with
    // #files would only scroll).
    if (c.req.header('hx-request') && file.item_id && !withdrawn) return list(c, file.item_id);
    setFlash(c, deps.config, withdrawn ? 'info' : 'success', withdrawn
      ? `Deleted ${file.original_name}. It was the item's last file fans could get, so the item is unpublished: upload a file and publish it again.`
      : `Deleted ${file.original_name}.`);
    if (c.req.header('hx-request')) {
      c.header('HX-Refresh', 'true');
      return c.body(null, 204);
    }
    return c.redirect(formPage, 303);
  });

  app.get('/dashboard/items/:id/files/upload', requireCreator, async (c) => {
    const item = await getOwnedItem(deps, viewer(c), c.req.param('id'));
    return c.redirect(`/dashboard/items/${item.id}/edit?step=details#files`, 303);
  });
  return app;
}

/**
 * Public cover and avatar thumbnails: /media/images/<file id>/<320|640|1280>.webp. Mounted
 * before sessions (no cookies are read or set, so shared caches may keep them). The file id
 * changes whenever the image does, so the response is immutable.
 */
const UNAVAILABLE_TILE = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4" fill="#d4d4da"/></svg>';

export function publicImageRoutes(deps: Deps) {
  const app = new Hono();
  app.get('/media/images/:fileId/:name', async (c) => {
    const m = /^(\d{3,4})\.webp$/.exec(c.req.param('name'));
    let thumb;
    try {
      thumb = await publicThumbnail(deps, c.req.param('fileId'), Number(m?.[1] ?? 0));
    } catch (err) {
      if (err instanceof NotFound) return c.text('No such image.', 404);
      throw err;
    }
    c.header('ETag', thumb.etag);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    if ((c.req.header('if-none-match') ?? '').split(',').some((t) => t.trim() === thumb.etag)) return c.body(null, 304);
    try {
      const got = await deps.store.get(thumb.key);
      c.header('Content-Type', 'image/webp');
      c.header('Content-Length', String(got.contentLength));
      return c.body(Readable.toWeb(got.body) as ReadableStream, 200);
    } catch (err) {
      deps.log.warn({ err, key: thumb.key }, 'a public image could not be read from storage');
      c.header('Cache-Control', 'no-store');
      if (err instanceof ObjectNotFound) return c.text('This image is unavailable right now.', 404);
      // Storage unreachable: a plain tile the <img> can show (browsers draw an error response's
      // image) instead of a broken-image icon; not cached, so the real one comes back by itself.
      c.header('Retry-After', '30');
      c.header('Content-Type', 'image/svg+xml');
      return c.body(UNAVAILABLE_TILE, 503);
    }
  });
  return app;
}

export { filesUrl };
