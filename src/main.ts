// Web composition root: config → database → app → (worker) → serve. `npm start`.
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { createApp } from './app.tsx';
import { openDeps } from './boot.ts';
import { CRONTAB, taskList } from './jobs.ts';
import { ensureDemoContent } from './seed.ts';
import { loadConfigOrExit } from './platform/config.ts';
import { createLogger } from './platform/log.ts';
import { startWorker } from './platform/queue.ts';

const started = performance.now();
const config = loadConfigOrExit();
const log = createLogger(config.logLevel);
const { deps, close } = await openDeps(config, log).catch((err: Error) => {
  console.error(`\nCould not start: ${err.message}\n`);
  process.exit(1);
});
if (config.seedDemo) await ensureDemoContent(deps);
const runner = config.runWorkerInWeb
  ? await startWorker({ pool: deps.pool, tasks: taskList(deps), crontab: CRONTAB, concurrency: config.workerConcurrency, log })
  : null;

const app = createApp(deps);
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  const ms = Math.round(performance.now() - started);
  log.info({ port: info.port, ms, worker: !!runner }, 'ready');
  console.log(`\nMakenot.work is running at ${config.baseUrl} (ready in ${ms} ms)${config.env === 'development' ? `\nDev mailbox: ${config.baseUrl}/dev/mailbox` : ''}\n`);
}) as Server;
server.on('error', async (err: NodeJS.ErrnoException) => {
  console.error(err.code === 'EADDRINUSE'
    ? `\nPort ${config.port} is already in use (is Makenot.work already running?). Stop the other process or set PORT.\n`
    : `\nThe web server failed: ${err.message}\n`);
  await runner?.stop();
  await close();
  process.exit(1);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down: draining requests');
  // Stop accepting connections and let in-flight requests finish (10 s at most).
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 10_000);
  await drained;
  clearTimeout(force);
  await runner?.stop(); // running jobs finish; queued ones stay for the next start
  await close();
  log.info('stopped cleanly');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
