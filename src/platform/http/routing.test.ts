// Requests at the edges of routing: methods and addresses no route answers (404/405, not the
// 415 or 403 the body and CSRF checks would give), and URLs longer than Node's default header
// limit, on the same Node server setup as `npm start`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type RunningServer } from '../../../test/support/server.ts';
import { TestClient } from '../../../test/support/client.ts';
import { MAX_HEADER_BYTES } from './node-server.ts';

let server: RunningServer;
before(async () => { server = await startTestServer(); });
after(() => server?.close());

test('a method no route takes is 405 with Allow; an address no route takes is 404, for any method', async () => {
  const c = new TestClient(server.app);
  for (const [method, path] of [['PUT', '/'], ['DELETE', '/'], ['PATCH', '/discover'], ['PUT', '/login']] as const) {
    const res = await c.send(path, { method, body: '{}', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.match(res.headers.get('allow') ?? '', /\bGET\b/);
    assert.match(res.html, /does not take/);
  }
  assert.equal((await c.send('/login', { method: 'PUT' })).headers.get('allow'), 'GET, HEAD, POST');
  for (const method of ['PUT', 'POST', 'DELETE']) {
    const res = await c.send('/no/such/page', { method, body: 'x=1', headers: { 'content-type': 'text/plain' } });
    assert.equal(res.status, 404, method);
    assert.match(res.html, /could not find that page/);
  }
  // Real routes keep their checks: a JSON body is still 415, a form without a token 403.
  await c.get('/login');
  assert.equal((await c.send('/login', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status, 415);
  assert.equal((await c.send('/login', { method: 'POST', body: 'identifier=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status, 403);
});

test('a 30 KB search URL (5 000 “é”) gets our search page; an oversized one our 431 page', async () => {
  const res = await fetch(`${server.url}/search?q=${encodeURIComponent('é'.repeat(5000))}`);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /first 200 characters/);
  assert.match(html, /<h1>Search<\/h1>/);

  const huge = await fetch(`${server.url}/search?q=${'a'.repeat(MAX_HEADER_BYTES + 1000)}`);
  assert.equal(huge.status, 431);
  assert.match(huge.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(huge.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  assert.match(await huge.text(), /too long for us to read/);
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the server carries on');
});
