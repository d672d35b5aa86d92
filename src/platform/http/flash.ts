// One-shot messages shown on the page after a redirect ("Welcome back"), carried in a
// signed cookie so they survive the POST → redirect → GET without server state.
import type { Context, MiddlewareHandler } from 'hono';
import { isHttps, type Config } from '../config.ts';
import { hmac, safeEqual } from '../crypto.ts';
import type { AppEnv, Flash } from './context.ts';
import { COOKIE, clearAppCookie, readCookie, setAppCookie } from './cookies.ts';

export function flashMessages(opts: { secret: string }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('flash', null);
    const raw = readCookie(c, COOKIE.flash);
    if (raw) {
      clearAppCookie(c, COOKIE.flash);
      const [payload = '', sig = ''] = raw.split('.');
      if (safeEqual(sig, hmac(opts.secret, `flash:${payload}`))) {
        try {
          c.set('flash', JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Flash);
        } catch { /* a malformed cookie is simply ignored */ }
      }
    }
    await next();
  };
}

export function setFlash(c: Context, config: Config, kind: Flash['kind'], message: string) {
  const payload = Buffer.from(JSON.stringify({ kind, message } satisfies Flash)).toString('base64url');
  setAppCookie(c, COOKIE.flash, `${payload}.${hmac(config.appSecret, `flash:${payload}`)}`, { https: isHttps(config), maxAgeSeconds: 60 });
}
