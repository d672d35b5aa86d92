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
    const [db, store] = await Promise.all([isDatabaseUp(deps.pool), deps.store.ping()]);
    const database = db ? 'up' : 'down';
    // Storage being down is reported but not fatal: browsing, search and purchases still work.
    return c.json({ status: db ? 'ready' : 'unavailable', database, storage: store ? 'up' : 'down' }, db ? 200 : 503);
  });
  return app;
}
