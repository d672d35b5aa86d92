// Who is listening: the signed-in account, or an anonymous visitor known by a random cookie
// (so "N free plays" can be counted without an account; clearing cookies resets it, as on
// every such site). Guests who bought with an email carry their receipt link's parameters.
import type { Context } from 'hono';
import type { Deps } from '../../deps.ts';
import { isHttps } from '../../platform/config.ts';
import { randomToken } from '../../platform/crypto.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { readCookie, setAppCookie } from '../../platform/http/cookies.ts';
import type { Listener } from './access.ts';

const LISTENER_COOKIE = 'mnw_listener';
const ONE_YEAR = 365 * 86_400;

export function listenerOf(c: Context<AppEnv>, deps: Deps): Listener {
  const viewer = c.get('viewer');
  const receipt = { receipt: c.req.query('receipt'), exp: c.req.query('exp'), sig: c.req.query('sig') };
  if (viewer) return { userId: viewer.id, key: `u:${viewer.id}`, receipt };
  let id = readCookie(c, LISTENER_COOKIE);
  if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
    id = randomToken(18);
    setAppCookie(c, LISTENER_COOKIE, id, { https: isHttps(deps.config), maxAgeSeconds: ONE_YEAR });
  }
  return { userId: null, key: `a:${id}`, receipt };
}

/** The receipt parameters to append to playback URLs on a page opened from a receipt link. */
export function receiptQuery(listener: Listener): string {
  const { receipt, exp, sig } = listener.receipt;
  return receipt && exp && sig ? `receipt=${encodeURIComponent(receipt)}&exp=${encodeURIComponent(exp)}&sig=${encodeURIComponent(sig)}` : '';
}
