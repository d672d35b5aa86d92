// The local backend's signed URLs, served by the app: GET/HEAD for downloads and streams
// (Range/206, ETag, If-None-Match) and PUT for presigned uploads and multipart parts. Bodies
// are streamed in both directions. Mounted before sessions and CSRF: the signature is the
// credential, so it answers the same on every app instance that shares APP_SECRET.
import { Hono, type Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished, pipeline } from 'node:stream/promises';
import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Logger } from '../log.ts';
import { contentDisposition } from './s3.ts';
import { STORAGE_PATH, verifySigned } from './signing.ts';
import { InvalidPart, ObjectNotFound, RangeNotSatisfiable, STREAM_BUFFER_BYTES, UploadNotFound, WriteRefused, type ByteRange, type ObjectStore } from './types.ts';

// Uploaded bytes are served from our own origin: they must never run as a page of it.
const SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'";

export function storageRoutes(opts: { store: ObjectStore; secret: string; now: () => Date; log?: Logger }) {
  const app = new Hono();

  const check = (c: Context, purposes: string[]) => {
    const key = decodeKey(c.req.path);
    const verdict = key === null ? null : verifySigned(opts.secret, key, new URL(c.req.url).searchParams, Math.floor(opts.now().getTime() / 1000));
    if (!verdict?.ok || !purposes.includes(verdict.grant.purpose)) return null;
    return verdict.grant;
  };
  const deny = (c: Context) => c.text('This link is invalid or has expired.', 403);

  app.on(['GET', 'HEAD'], `${STORAGE_PATH}*`, async (c) => {
    const grant = check(c, ['get']);
    if (!grant) return deny(c);
    c.header('Content-Security-Policy', SANDBOX_CSP);
    const head = await opts.store.head(grant.key);
    if (!head) return c.text('That file no longer exists.', 404);
    c.header('ETag', head.etag);
    c.header('Accept-Ranges', 'bytes');
    c.header('Cache-Control', `private, max-age=${Math.max(0, grant.expires - Math.floor(opts.now().getTime() / 1000))}`);
    c.header('Content-Type', grant.contentType ?? head.contentType);
    if (grant.downloadName) c.header('Content-Disposition', contentDisposition(grant.downloadName));
    if (etagMatches(c.req.header('if-none-match'), head.etag)) return c.body(null, 304);

    const rangeHeader = c.req.header('range');
    // If-Range: a range of a changed object would splice two versions; send it whole instead.
    const ifRange = c.req.header('if-range');
    const range = rangeHeader && (!ifRange || ifRange === head.etag) ? parseRange(rangeHeader, head.size) : null;
    if (range === 'unsatisfiable') {
      c.header('Content-Range', `bytes */${head.size}`);
      return c.body(null, 416);
    }
    try {
      if (c.req.method === 'HEAD') {
        c.header('Content-Length', String(head.size));
        return c.body(null, 200);
      }
      const got = await opts.store.get(grant.key, range ? { range } : {});
      c.header('Content-Length', String(got.contentLength));
      if (got.range) c.header('Content-Range', `bytes ${got.range.start}-${got.range.end}/${got.size}`);
      const status = got.range ? 206 : 200;
      // Under @hono/node-server, pipe the file into the socket's response directly: going through
      // a web ReadableStream costs about a third of the throughput. In-process requests have none.
      const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
      if (outgoing) return sendDirect(c, outgoing, status, got.body);
      return c.body(Readable.toWeb(got.body) as ReadableStream, status);
    } catch (err) {
      if (err instanceof ObjectNotFound) return c.text('That file no longer exists.', 404);
      if (err instanceof RangeNotSatisfiable) {
        c.header('Content-Range', `bytes */${err.size}`);
        return c.body(null, 416);
      }
      throw err;
    }
  });

  app.put(`${STORAGE_PATH}*`, async (c) => {
    const grant = check(c, ['put', 'part']);
    if (!grant) return deny(c);
    const length = Number(c.req.header('content-length'));
    if (!c.req.header('content-length') || !Number.isSafeInteger(length) || length < 0) return c.text('Content-Length is required.', 411);
    // Under @hono/node-server, read the socket's IncomingMessage directly: converting it to a web
    // stream and back costs more than half the throughput. In-process requests (tests) have none.
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const { body, drain } = incoming ? detachable(incoming)
      : { body: c.req.raw.body ? Readable.fromWeb(c.req.raw.body as WebReadableStream) : Readable.from([]), drain: async () => {} };
    try {
      if (grant.purpose === 'part') {
        const part = await opts.store.uploadPart(grant.key, grant.uploadId ?? '', grant.partNumber ?? 0, body, length);
        c.header('ETag', part.etag);
        return c.body(null, 200);
      }
      const out = await opts.store.put(grant.key, body, { contentType: grant.contentType ?? c.req.header('content-type'), contentLength: length });
      c.header('ETag', out.etag);
      return c.body(null, 200);
    } catch (err) {
      if (err instanceof UploadNotFound) return c.text('This upload no longer exists.', 404);
      if (err instanceof InvalidPart) return c.text(err.message, 400);
      // The uploader shows this text: 507 tells it not to retry at once (a full disk stays full
      // for a while). The parts already stored are kept, so a later retry continues the upload.
      if (err instanceof WriteRefused) {
        opts.log?.error({ err, key: grant.key }, 'storage refused a write');
        c.header('Retry-After', '300');
        return c.text(err.full
          ? "The server's file storage is full, so this part could not be saved. The parts already sent are kept: try again later to continue where the upload stopped."
          : 'File storage could not save this part just now. The parts already sent are kept: try again in a few minutes.', err.full ? 507 : 503);
      }
      throw err;
    } finally {
      await drain();
    }
  });

  return app;
}

/**
 * The request body as a stream the store may destroy when a write fails. Destroying Node's
 * request itself resets the connection, so the uploader would never read our answer (the 507
 * saying the disk is full) and would see only a dropped connection. Whatever the store did not
 * read is read away before the answer goes out (at most the declared Content-Length).
 */
function detachable(incoming: IncomingMessage) {
  const body = new PassThrough({ highWaterMark: STREAM_BUFFER_BYTES });
  incoming.on('error', (err) => body.destroy(err));
  incoming.pipe(body);
  return {
    body,
    async drain() {
      if (incoming.complete || incoming.destroyed) return;
      incoming.unpipe(body);
      incoming.resume();
      await finished(incoming).catch(() => { /* the client went away: nothing to answer */ });
    },
  };
}

/**
 * Writes status, the headers set so far and the body straight to Node's response. The app's
 * header middleware (nosniff, referrer policy …) runs after this returns, too late for a
 * response already sent, so those headers are added here.
 */
function sendDirect(c: Context, outgoing: ServerResponse, status: number, body: Readable) {
  const headers: Record<string, string> = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' };
  c.res.headers.forEach((value, name) => { headers[name] = value; });
  outgoing.writeHead(status, headers);
  pipeline(body, outgoing).catch(() => { /* the client went away mid-download: nothing to do */ });
  return RESPONSE_ALREADY_SENT;
}

function decodeKey(pathname: string): string | null {
  try {
    return pathname.slice(STORAGE_PATH.length).split('/').map(decodeURIComponent).join('/');
  } catch {
    return null;
  }
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** One range of bytes=a-b, a- or -n. Several ranges are answered with the whole object. */
export function parseRange(header: string, size: number): ByteRange | null | 'unsatisfiable' {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
