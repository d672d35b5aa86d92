// Response hardening and per-request context: security headers, request id, child logger,
// client address.
import type { MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { AppEnv } from './context.ts';

// Only our own origin: no inline scripts or styles, no third-party anything, no framing.
// extraOrigins: an S3 store's origin, which the uploader PUTs parts to and players stream from.
const csp = (extra: string[]) => [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  ["img-src 'self' data: blob:", ...extra].join(' '),
  ["media-src 'self' blob:", ...extra].join(' '),
  ["connect-src 'self'", ...extra].join(' '),
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(opts: { https: boolean; extraOrigins?: string[] }): MiddlewareHandler {
  const CSP = csp(opts.extraOrigins ?? []);
  return async (c, next) => {
    await next();
    // c.header() (not c.res.headers.set) so this also reaches responses built by sub-apps.
    if (!c.res.headers.has('Content-Security-Policy')) c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (opts.https) c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
}

export function requestContext(opts: { log: Logger; trustProxy: boolean }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    c.set('clientIp', clientIp(c, opts.trustProxy));
    const log = opts.log.child({ requestId });
    c.set('log', log);
    const started = performance.now();
    await next();
    c.header('X-Request-Id', requestId);
    log.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
  };
}

function clientIp(c: Parameters<MiddlewareHandler>[0], trustProxy: boolean): string {
  if (trustProxy) {
    // The proxy appends the address it saw; the last entry is the one we can trust.
    const forwarded = c.req.header('x-forwarded-for')?.split(',').map((s) => s.trim()).filter(Boolean);
    if (forwarded?.length) return forwarded[forwarded.length - 1]!;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // in-process requests (tests) have no socket
  }
}
