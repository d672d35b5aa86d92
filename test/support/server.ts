// The real platform on a real port (own database, worker running) for browser journeys.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CRONTAB, taskList } from '../../src/jobs.ts';
import { serveApp } from '../../src/platform/http/node-server.ts';
import { startWorker, stopWorker } from '../../src/platform/queue.ts';
import { createTestApp, type TestApp } from './app.ts';

export interface RunningServer extends TestApp { url: string }

export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer> {
  // BASE_URL must match the port, which is only known after listening: reserve it first.
  const probe = serve({ fetch: () => new Response(), port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise((r) => probe.once('listening', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));

  const url = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ BASE_URL: url, ...env });
  const runner = await startWorker({ pool: t.deps.pool, tasks: taskList(t.deps), crontab: CRONTAB, concurrency: 2, log: t.deps.log });
  // The same server setup as main.ts (header limit, refusal pages).
  const server = serveApp({ fetch: t.app.fetch, port, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  return {
    ...t,
    url,
    async close() {
      await new Promise((r) => { server.close(r); server.closeAllConnections(); });
      await stopWorker(runner, { pool: t.deps.pool, graceMs: 30_000, log: t.deps.log });
      await t.close();
    },
  };
}
