// Our few static assets (stylesheet, htmx, small scripts), read once at boot and served
// from memory with a content hash ETag and long caching. No third-party origin is involved.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

const require = createRequire(import.meta.url);
const here = (name: string) => fileURLToPath(new URL(`./static/${name}`, import.meta.url));

const FILES: Record<string, { path: string; type: string }> = {
  'app.css': { path: here('app.css'), type: 'text/css; charset=utf-8' },
  'favicon.svg': { path: here('favicon.svg'), type: 'image/svg+xml' },
  'htmx.min.js': { path: require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'uploader.js': { path: here('uploader.js'), type: 'text/javascript; charset=utf-8' },
  'player.js': { path: here('player.js'), type: 'text/javascript; charset=utf-8' },
  'tag-suggest.js': { path: here('tag-suggest.js'), type: 'text/javascript; charset=utf-8' },
};

export function mountStaticFiles(app: Hono<any>) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const loaded = Object.entries(FILES).map(([name, f]) => {
    const body = fs.readFileSync(f.path);
    return { name, body, type: f.type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
  });
  for (const f of loaded) {
    app.get(`/static/${f.name}`, (c) => {
      c.header('ETag', f.etag);
      c.header('Cache-Control', 'public, max-age=3600');
      if (c.req.header('if-none-match') === f.etag) return c.body(null, 304);
      c.header('Content-Type', f.type);
      return c.body(new Uint8Array(f.body));
    });
  }
}
