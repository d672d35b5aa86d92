// POST /dashboard/items/:id/files/upload — the uploader's no-JavaScript form. Mounted before
// the app's 1 MB form limit and body-parsing CSRF check, because those read whole bodies: this
// route streams the multipart body with busboy and checks the CSRF field (sent before the
// file) itself. Outcomes come back as a flash message on the item page.
import busboy from 'busboy';
import { Hono } from 'hono';
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

export function streamedUploadRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.post('/dashboard/items/:id/files/upload', loadViewer(deps), async (c) => {
    const viewer = c.get('viewer');
    const back = `/dashboard/items/${c.req.param('id')}/edit?step=details#files`;
    if (!viewer) return c.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
    const cookie = readCookie(c, COOKIE.csrf);
    const expected = cookie ? csrfTokenFor(deps.config.appSecret, cookie) : null;
    try {
      if (!viewer.isCreator) throw new Forbidden('Only creators can upload files.');
      const target = await prepareSingleUpload(deps, viewer, c.req.param('id'), Number(c.req.header('content-length') ?? 0));
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
          stored = storeSingleUpload(deps, viewer, target, { name: info.filename ?? '', type: info.mimeType, stream });
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
  });
  return app;
}
