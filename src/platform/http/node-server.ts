// The Node HTTP server the app runs on (main.ts, and the test server for browser journeys): its
// header limit, and a real page for the requests Node refuses before the app sees them.
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Request line plus headers. Node's default (16 KiB) refuses a search for 5 000 accented letters
 * (30 KB of percent-encoded URL) with a bare 431 and no body; 64 KiB fits that with cookies, and
 * the routes cap what they read of a query (search uses its first 200 characters).
 */
export const MAX_HEADER_BYTES = 64 * 1024;

type Fetch = (request: Request) => Response | Promise<Response>;

export function serveApp(opts: { fetch: Fetch; port: number; hostname: string }, onListening?: (info: AddressInfo) => void): Server {
  const server = serve({ fetch: opts.fetch, port: opts.port, hostname: opts.hostname, serverOptions: { maxHeaderSize: MAX_HEADER_BYTES } }, onListening) as Server;
  server.on('clientError', answerClientError);
  return server;
}

const REFUSALS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'That address (or the cookies sent with it) is too long for us to read. Try a shorter search or link.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request took too long to arrive. Please try again.'],
};

/**
 * What Node would send by default, as a small page of ours with the usual security headers:
 * 431 for oversized headers, 408 for a request that never finished, 400 for anything malformed.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket) {
  // Nothing to answer on a dead socket, or in the middle of a response already started.
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (err.code === 'ECONNRESET' || !socket.writable || started) {
    socket.destroy();
    return;
  }
  const [status, reason, message] = REFUSALS[err.code ?? ''] ?? [400, 'Bad Request', 'We could not read that request.'];
  const body = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<title>${reason} · Makenot.work</title><link rel="stylesheet" href="/static/app.css"></head>`
    + `<body><main id="main"><h1>${reason}</h1><p>${message}</p><p><a href="/">Home</a> · <a href="/search">Search</a></p></main></body></html>`;
  socket.end([
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: text/html; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Content-Security-Policy: default-src 'none'; style-src 'self'; frame-ancestors 'none'",
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    '', body,
  ].join('\r\n'));
}
