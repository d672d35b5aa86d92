// The uploaders' no-JavaScript forms: POST /dashboard/items/:id/files/upload (an item's files)
// and POST /dashboard/media/upload?target=… (covers, the avatar, album tracks). Mounted before
// the app's 1 MB form limit and body-parsing CSRF check, because those read whole bodies: these
// routes stream the multipart body with busboy and check the CSRF field (sent before the file)
// themselves. Outcomes come back as a flash message on the page the form was on.
import busboy from 'busboy';
import { Hono, type Context } from 'hono';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Deps } from '../../deps.ts';
import { safeEqual } from '../../platform/crypto.ts';
import { AppError, Forbidden, NotFound } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { COOKIE, readCookie } from '../../platform/http/cookies.ts';
import { csrfTokenFor } from '../../platform/http/csrf.ts';
import { setFlash } from '../../platform/http/flash.ts';
import { loadViewer } from '../accounts/index.ts';
import { prepareSingleUpload, storeSingleUpload } from './single-upload.ts';
import type { TargetInput } from './targets.ts';

/** Where each kind of upload form lives, to return to it. */
export function formPageOf(t: { target?: string; itemId?: string; projectId?: string }): string {
  switch (t.target) {
    case 'item_cover': return `/dashboard/items/${t.itemId ?? ''}/edit?step=details#cover`;
    case 'project_cover': return `/dashboard/projects/${t.projectId ?? ''}#cover`;
    case 'track': return `/dashboard/projects/${t.projectId ?? ''}#tracks`;
    case 'avatar': return '/dashboard/settings#avatar';
    default: return `/dashboard/items/${t.itemId ?? ''}/edit?step=details#files`;
  }
}

export function streamedUploadRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.post('/dashboard/items/:id/files/upload', loadViewer(deps), (c) => streamed(deps, c, { target: 'item', itemId: c.req.param('id') }));
  app.post('/dashboard/media/upload', loadViewer(deps), (c) => {
    const q = (k: string) => c.req.query(k) ?? '';
    const target = q('target');
    // Without a known target there is no page to go back to: a plain 404.
    if (!['track', 'item_cover', 'project_cover', 'avatar'].includes(target)) throw new NotFound();
    return streamed(deps, c, { target, itemId: q('itemId') || undefined, projectId: q('projectId') || undefined, albumBase: Number(q('albumBase')) || 0 });
  });
  return app;
}

async function streamed(deps: Deps, c: Context<AppEnv>, input: TargetInput & { target: string; itemId?: string; projectId?: string }) {
  const viewer = c.get('viewer');
  const back = formPageOf(input);
  if (!viewer) return c.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
  const cookie = readCookie(c, COOKIE.csrf);
  const expected = cookie ? csrfTokenFor(deps.config.appSecret, cookie) : null;
  try {
    if (!viewer.isCreator) throw new Forbidden('Only creators can upload files.');
    const prepared = await prepareSingleUpload(deps, viewer, input, Number(c.req.header('content-length') ?? 0));
    if (!(c.req.header('content-type') ?? '').startsWith('multipart/form-data') || !c.req.raw.body) {
      throw new AppError(415, 'Send the file with the upload form (multipart/form-data).');
    }
    const result = await new Promise<{ bytes: number }>((resolve, reject) => {
      const bb = busboy({ headers: Object.fromEntries(c.req.raw.headers), limits: { files: 1, fields: 5, fieldSize: 1024 }, defParamCharset: 'utf8' });
      let token: string | undefined;
      let stored: Promise<{ bytes: number }> | null = null;
      bb.on('field', (name, value) => { if (name === '_csrf') token = value; });
      bb.on('file', (_name, stream, info) => {
        if (stored) { stream.resume(); return; }
        if (!token || !expected || !safeEqual(token, expected)) {
          stream.resume();
          stored = Promise.reject(new Forbidden('This form has expired or was sent from another site. Please reload the page and try again.'));
          stored.catch(() => {});
          return;
        }
        stored = storeSingleUpload(deps, viewer, prepared, { name: info.filename ?? '', type: info.mimeType, stream });
        stored.catch(() => stream.resume()); // keep reading so the request can finish
      });
      bb.on('error', reject);
      bb.on('close', () => (stored ?? Promise.reject(new AppError(400, 'Choose a file to upload.'))).then(resolve, reject));
      Readable.fromWeb(c.req.raw.body as WebReadableStream).on('error', reject).pipe(bb);
    });
    setFlash(c, deps.config, 'success', `Uploaded (${result.bytes} bytes). It is being processed now.`);
  } catch (err) {
    // Someone else's (or no) item is a plain 404, as on every other route: no flash that
    // would hint the item exists.
    if (!(err instanceof AppError) || err instanceof NotFound) throw err;
    setFlash(c, deps.config, 'error', err.message);
  }
  return c.redirect(back, 303);
}
