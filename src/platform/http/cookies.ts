// Cookie names and attributes in one place, so every cookie gets the same hardening.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

export const COOKIE = { session: 'mnw_session', csrf: 'mnw_csrf', flash: 'mnw_flash' } as const;

export function setAppCookie(c: Context, name: string, value: string, opts: { https: boolean; maxAgeSeconds?: number }) {
  setCookie(c, name, value, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: opts.https,
    path: '/',
    ...(opts.maxAgeSeconds !== undefined ? { maxAge: opts.maxAgeSeconds } : {}),
  });
}

export function readCookie(c: Context, name: string): string | undefined {
  return getCookie(c, name);
}

export function clearAppCookie(c: Context, name: string) {
  deleteCookie(c, name, { path: '/' });
}
