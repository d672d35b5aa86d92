// The web side of sessions: resolve the cookie to a viewer on every request, rotate the id
// after a privilege change, and guard pages that need a signed-in account.
import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.ts';
import { isHttps } from '../../platform/config.ts';
import { randomToken, sha256 } from '../../platform/crypto.ts';
import { NotFound } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { clearAppCookie, COOKIE, readCookie, setAppCookie } from '../../platform/http/cookies.ts';
import { rotateCsrf } from '../../platform/http/csrf.ts';
import * as q from './queries.ts';

const TOUCH_AFTER_MS = 60_000; // write last_seen_at at most once a minute per session

export function loadViewer(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('viewer', null);
    const token = readCookie(c, COOKIE.session);
    if (token) {
      const row = /^[\w-]{43}$/.test(token) ? await q.findLiveSession(deps.db, sha256(token)) : undefined;
      if (!row) {
        clearAppCookie(c, COOKIE.session); // revoked, expired or forged
      } else {
        if (row.sessionRoleVersion !== row.role_version) {
          // Privileges changed since this session began: continue under a fresh id.
          const fresh = randomToken();
          await q.rotateSessionToken(deps.db, row.sessionId, sha256(fresh), row.role_version);
          setSessionCookie(c, deps, fresh);
        } else if (deps.clock.now().getTime() - row.last_seen_at.getTime() > TOUCH_AFTER_MS) {
          await q.touchSession(deps.db, row.sessionId);
        }
        c.set('viewer', {
          id: row.id, username: row.username, displayName: row.display_name, email: row.email,
          emailVerified: row.email_verified_at !== null, isCreator: row.is_creator, isAdmin: row.is_admin,
          sessionId: row.sessionId,
        });
      }
    }
    await next();
  };
}

export function setSessionCookie(c: Context<AppEnv>, deps: Deps, token: string) {
  const https = isHttps(deps.config);
  setAppCookie(c, COOKIE.session, token, { https, maxAgeSeconds: q.SESSION_ABSOLUTE_DAYS * 86_400 });
  rotateCsrf(c, { secret: deps.config.appSecret, https });
}

export function endSessionCookie(c: Context<AppEnv>, deps: Deps) {
  clearAppCookie(c, COOKIE.session);
  rotateCsrf(c, { secret: deps.config.appSecret, https: isHttps(deps.config) });
}

export function sessionToken(c: Context): string | undefined {
  return readCookie(c, COOKIE.session);
}

/** Pages behind sign-in: visitors are sent to /login and come back afterwards. */
export const requireViewer: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('viewer')) {
    // After a POST (say, from a page whose session was just revoked) go back to where it came from.
    const back = c.req.method === 'GET' ? c.req.path : '/account';
    return c.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
  }
  await next();
};

/** Admin pages: anyone else gets a 404, as if they did not exist. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('viewer')?.isAdmin) throw new NotFound();
  await next();
};
