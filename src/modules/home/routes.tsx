// The home page and health endpoints.
import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { isDatabaseUp } from '../../platform/db.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { renderPage } from '../../ui/render.tsx';
import { HomePage } from './views.tsx';

export function homeRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => renderPage(c, { title: '', devMode: deps.config.env === 'development' }, <HomePage viewer={c.get('viewer')} />));
  return app;
}

/** Health checks, mounted before sessions and CSRF so they never touch a cookie. */
export function healthRoutes(deps: Deps) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const database = (await isDatabaseUp(deps.pool)) ? 'up' : 'down';
    // Object storage joins this report once it exists (media issue); until then it is not configured.
    return c.json({ status: database === 'up' ? 'ready' : 'unavailable', database, storage: 'not configured' }, database === 'up' ? 200 : 503);
  });
  return app;
}
