// Thin routes: the JSON upload API the uploader script speaks, and the dashboard's files
// fragment and Reprocess action. Every id goes through a service that answers 404 for
// anything the signed-in creator does not own.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.ts';
import { BadRequest, ValidationError } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { getOwnedItem } from '../catalog/index.ts';
import { requireCreator } from '../creators/index.ts';
import * as uploads from './uploads-service.ts';
import { FilesList, filesUrl } from './views/files.tsx';

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
    const files = await uploads.listItemFiles(deps, item.id);
    c.header('Cache-Control', 'no-store');
    return c.html(<FilesList itemId={item.id} files={files} csrfToken={c.get('csrfToken')} />);
  };

  app.get('/dashboard/items/:id/files', requireCreator, (c) => list(c, c.req.param('id')));

  app.post('/dashboard/media/:id/reprocess', requireCreator, async (c) => {
    const itemId = await uploads.reprocessFile(deps, viewer(c), c.req.param('id'));
    if (c.req.header('hx-request')) return list(c, itemId);
    return c.redirect(`/dashboard/items/${itemId}/edit?step=details#files`, 303);
  });

  app.get('/dashboard/items/:id/files/upload', requireCreator, async (c) => {
    const item = await getOwnedItem(deps, viewer(c), c.req.param('id'));
    return c.redirect(`/dashboard/items/${item.id}/edit?step=details#files`, 303);
  });
  return app;
}

export { filesUrl };
