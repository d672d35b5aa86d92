// Page routes accept form posts only. Anything else (JSON, a truncated or boundary-less
// multipart body) gets a clear 4xx here, before CSRF checks or handlers try to read it.
import type { Context, MiddlewareHandler } from 'hono';
import { BadRequest } from '../errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/** `unrouted`: true for a request no route answers; it is left to the 404/405 handler. */
export function formBodiesOnly(opts: { exemptPrefixes: string[]; unrouted?: (c: Context) => boolean }): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method) && !opts.exemptPrefixes.some((p) => c.req.path.startsWith(p)) && !opts.unrouted?.(c)) {
      const type = (c.req.header('content-type') ?? '').toLowerCase();
      if (!FORM_TYPES.some((t) => type.startsWith(t))) {
        throw new BadRequest('This address accepts web forms only (application/x-www-form-urlencoded or multipart/form-data).', 415);
      }
      try {
        await c.req.parseBody(); // cached by Hono for the CSRF check and the handler
      } catch {
        throw new BadRequest('The form data could not be read. Please reload the page and try again.');
      }
    }
    await next();
  };
}
