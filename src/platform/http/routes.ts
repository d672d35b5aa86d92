// Which methods the app answers at a path, from its own route table. Lets a request no route
// takes (PUT /, POST /nowhere) get 405 or 404 instead of tripping the form-body and CSRF checks,
// which run before routing and would answer 415 or 403 for an address that does not exist.
import type { Hono } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';

export interface RouteIndex {
  /** The methods some route answers at `path` (HEAD wherever GET is), sorted. */
  methodsFor(path: string): string[];
  /** Whether a route (not just a middleware) answers `method` at `path`. */
  answers(method: string, path: string): boolean;
}

/** Built on first use, so routes registered after this call are included. */
export function routeIndex(app: Hono<any>): RouteIndex { // eslint-disable-line @typescript-eslint/no-explicit-any
  let router: TrieRouter<string> | null = null;
  const build = () => {
    const r = new TrieRouter<string>();
    // Middleware (app.use) is registered as method ALL: it answers nothing by itself.
    for (const route of app.routes) if (route.method !== 'ALL') r.add('ALL', route.path, route.method.toUpperCase());
    return r;
  };
  const methodsFor = (path: string) => {
    router ??= build();
    const methods = new Set(router.match('GET', path)[0].map(([method]) => method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
  return { methodsFor, answers: (method, path) => methodsFor(path).includes(method.toUpperCase()) };
}
