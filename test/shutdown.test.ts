// Graceful shutdown of the real web process (src/main.ts as `npm start` runs it, worker
// inside): SIGTERM with a request in flight stops new connections at once, lets that request
// finish with its real answer, and exits 0. The JSON log lines carry request ids.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDatabase } from './support/db.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'makenot-shutdown-'));
before(async () => { database = await createTestDatabase(); });
after(async () => {
  await database.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const refused = (port: number) => new Promise<boolean>((resolve) => {
  const socket = net.connect(port, '127.0.0.1');
  socket.once('connect', () => { socket.destroy(); resolve(false); });
  socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
});

test('SIGTERM drains an in-flight request, refuses new connections and exits cleanly', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env, APP_ENV: 'development', DATABASE_URL: database.url, PORT: String(port), BASE_URL: base, DATA_DIR: dataDir,
      SEED_DEMO: 'false', LOG_LEVEL: 'info', RUN_WORKER: 'true', SHUTDOWN_GRACE_SECONDS: '30',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waitFor = (text: string) => new Promise<void>((resolve, reject) => {
    if (out.includes(text)) return resolve();
    const onData = () => { if (out.includes(text)) { child.stdout.off('data', onData); resolve(); } };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before "${text}":\n${out}`)));
  });
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor('is running at');

    // A browser's login form: the CSRF cookie and token from the page.
    const page = await fetch(`${base}/login`);
    const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    assert.ok(token);
    const body = new URLSearchParams({ _csrf: token, identifier: 'nobody_here', password: 'not the password at all' }).toString();

    // The request is in flight: headers sent, half the body still to come.
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(`${base}/login`, { method: 'POST', agent: false, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 20));
      setTimeout(() => {
        child.kill('SIGTERM');
        void waitFor('shutting down').then(async () => {
          assert.ok(await refused(port), 'new connections are refused while draining');
          req.end(body.slice(20));
        }).catch(reject);
      }, 300);
    });
    const { status, text } = await response;
    assert.equal(status, 422, 'the in-flight login got its real answer (wrong password)');
    assert.match(text, /do not match/);
    assert.equal(await exited, 0, out);
    assert.match(out, /stopped cleanly/);

    // Structured logs: one JSON line per request, each with its own request id.
    const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l.msg === 'request');
    const login = requests.find((l) => l.method === 'POST' && l.path === '/login');
    assert.ok(login, out);
    assert.equal(login.status, 422);
    assert.match(String(login.requestId), /^[0-9a-f-]{36}$/);
    assert.equal(new Set(requests.map((l) => l.requestId)).size, requests.length, 'request ids are unique');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
