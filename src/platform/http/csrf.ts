// CSRF protection for every state-changing request. Each browser holds a random HttpOnly
// cookie; forms carry HMAC(secret, cookie) in a hidden field and htmx sends it as
// X-CSRF-Token. A cross-site page can neither read the cookie nor compute the token.
import type { Context, MiddlewareHandler } from 'hono';
import { hmac, randomToken, safeEqual } from '../crypto.ts';
import { Forbidden } from '../errors.ts';
import type { AppEnv } from './context.ts';
import { COOKIE, readCookie, setAppCookie } from './cookies.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `unrouted`: true for a request no route answers; nothing can change, and the 404/405 handler answers it. */
export function csrfProtection(opts: { secret: string; https: boolean; exemptPrefixes?: string[]; unrouted?: (c: Context) => boolean }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let cookie = readCookie(c, COOKIE.csrf);
    if (!cookie || !/^[\w-]{43}$/.test(cookie)) {
      cookie = randomToken();
      setAppCookie(c, COOKIE.csrf, cookie, { https: opts.https });
    }
    const expected = csrfTokenFor(opts.secret, cookie);
    c.set('csrfToken', expected);

    const exempt = opts.exemptPrefixes?.some((p) => c.req.path.startsWith(p)) || opts.unrouted?.(c);
    if (!SAFE_METHODS.has(c.req.method) && !exempt) {
      const sent = c.req.header('x-csrf-token') ?? (await formToken(c));
      if (!sent || !safeEqual(sent, expected)) {
        throw new Forbidden('This form has expired or was sent from another site. Please reload the page and try again.');
      }
    }
    await next();
  };
}

/** The token a page must send back for this browser's CSRF cookie (for routes that stream their body and check it themselves). */
export function csrfTokenFor(secret: string, cookie: string): string {
  return hmac(secret, `csrf:${cookie}`);
}

/** Issue a fresh CSRF cookie (at login and logout, so a token never outlives its session). */
export function rotateCsrf(c: Context<AppEnv>, opts: { secret: string; https: boolean }) {
  const cookie = randomToken();
  setAppCookie(c, COOKIE.csrf, cookie, { https: opts.https });
  c.set('csrfToken', hmac(opts.secret, `csrf:${cookie}`));
}

async function formToken(c: Context): Promise<string | undefined> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  const body = await c.req.parseBody(); // Hono caches the parsed body for the route handler
  const token = body._csrf;
  return typeof token === 'string' ? token : undefined;
}
