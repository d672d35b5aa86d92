// Renders a full page (layout + body) for a route, with the request's viewer, CSRF token and flash.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { html } from 'hono/html';
import type { AppEnv } from '../platform/http/context.ts';
import { Layout } from './layout.tsx';

export interface PageOptions {
  title: string;
  status?: 200 | 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;
  devMode: boolean;
}

export function renderPage(c: Context<AppEnv>, opts: PageOptions, body: Child) {
  const page = (
    <Layout title={opts.title} viewer={c.get('viewer') ?? null} csrfToken={c.get('csrfToken') ?? ''}
      flash={c.get('flash') ?? null} devMode={opts.devMode}
      path={c.req.method === 'GET' ? c.req.path : '/account'}>
      {body}
    </Layout>
  );
  c.header('Cache-Control', 'no-store');
  return c.html(html`<!DOCTYPE html>${page}`, opts.status ?? 200);
}
