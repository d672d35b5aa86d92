// The local backend's signed URLs over a real socket (@hono/node-server), where bodies are piped
// straight into Node's response: status, ranges, headers and bytes as in-process, the app's
// protective headers included, and a client that hangs up mid-download harms nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { startTestServer, type RunningServer } from '../../../test/support/server.ts';

let server: RunningServer;
const body = randomBytes(3 * 1024 * 1024 + 17);
let url = '';

before(async () => {
  server = await startTestServer();
  await server.deps.store.put('tests/blob.bin', body, { contentType: 'audio/mp4' });
  url = server.url + await server.deps.store.presignGet('tests/blob.bin', { expiresInSeconds: 600, viewerId: 'u:test' });
});
after(() => server.close());

test('whole and ranged GETs over HTTP: status, headers and bytes', async () => {
  const whole = await fetch(url);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('content-length'), String(body.length));
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  assert.equal(whole.headers.get('content-type'), 'audio/mp4');
  assert.equal(whole.headers.get('x-content-type-options'), 'nosniff');
  assert.match(whole.headers.get('content-security-policy') ?? '', /^sandbox/);
  assert.ok(whole.headers.get('etag'));
  assert.ok(Buffer.from(await whole.arrayBuffer()).equals(body));
  const part = await fetch(url, { headers: { range: 'bytes=1000000-1999999' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes 1000000-1999999/${body.length}`);
  assert.ok(Buffer.from(await part.arrayBuffer()).equals(body.subarray(1_000_000, 2_000_000)));
  const tail = await fetch(url, { headers: { range: 'bytes=-17' } });
  assert.ok(Buffer.from(await tail.arrayBuffer()).equals(body.subarray(body.length - 17)));
  assert.equal((await fetch(url, { headers: { range: `bytes=${body.length}-` } })).status, 416);
  assert.equal((await fetch(url.replace('sig=', 'sig=x'))).status, 403);
});

test('a client that disconnects mid-download leaves the server serving', async () => {
  await new Promise<void>((resolve, reject) => {
    const req = http.get(url, (res) => {
      res.once('data', () => { req.destroy(); resolve(); });
    });
    req.on('error', (err) => { if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err); });
  });
  const again = await fetch(url, { headers: { range: 'bytes=0-9' } });
  assert.equal(again.status, 206);
  assert.ok(Buffer.from(await again.arrayBuffer()).equals(body.subarray(0, 10)));
});
