// Web composition root: config → database → app → (worker) → serve. `npm start`.
import { createApp } from './app.tsx';
import { openDeps } from './boot.ts';
import { CRONTAB, taskList } from './jobs.ts';
import { reportCodecs, sweepStaleScratch } from './modules/media/index.ts';
import { ensureDemoContent } from './seed.ts';
import { loadConfigOrExit } from './platform/config.ts';
import { serveApp } from './platform/http/node-server.ts';
import { createLogger } from './platform/log.ts';
import { startWorker, stopWorker } from './platform/queue.ts';

const started = performance.now();
const config = loadConfigOrExit();
const log = createLogger(config.logLevel);
const { deps, close } = await openDeps(config, log).catch((err: Error) => {
  console.error(`\nCould not start: ${err.message}\n`);
  process.exit(1);
});
if (config.runWorkerInWeb) await sweepStaleScratch(log); // left by a worker on this machine that was killed
const runner = config.runWorkerInWeb
  ? await startWorker({ pool: deps.pool, tasks: taskList(deps), crontab: CRONTAB, concurrency: config.workerConcurrency, log })
  : null;

const app = createApp(deps);
const server = serveApp({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  const ms = Math.round(performance.now() - started);
  log.info({ port: info.port, ms, worker: !!runner }, 'ready');
  console.log(`\nMakenot.work is running at ${config.baseUrl} (ready in ${ms} ms)${config.env === 'development' ? `\nDev mailbox: ${config.baseUrl}/dev/mailbox` : ''}\n`);
  // After listening, so the first start answers at once: the seed only queues the demo files,
  // and the worker processes them while the site is already browsable.
  if (config.seedDemo) ensureDemoContent(deps).catch((err: unknown) => log.error({ err }, 'seeding the demo content failed'));
});
void reportCodecs(log); // in the background: a missing codec is logged, never fatal
server.on('error', async (err: NodeJS.ErrnoException) => {
  console.error(err.code === 'EADDRINUSE'
    ? `\nPort ${config.port} is already in use (is Makenot.work already running?). Stop the other process or set PORT.\n`
    : `\nThe web server failed: ${err.message}\n`);
  if (runner) await stopWorker(runner, { pool: deps.pool, graceMs: config.shutdownGraceSeconds * 1000, log });
  await close();
  process.exit(1);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  const graceMs = config.shutdownGraceSeconds * 1000;
  // Stop accepting connections (the proxy sends new requests to the other instances) and let
  // in-flight requests finish; connections still busy after the grace period are cut.
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  log.info({ signal, graceMs }, 'shutting down: not accepting connections, draining requests');
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  // Meanwhile the worker stops taking jobs; running ones finish or are handed back.
  const [, jobs] = await Promise.all([drained, runner ? stopWorker(runner, { pool: deps.pool, graceMs, log }) : null]);
  clearTimeout(force);
  await closeOrGiveUp(close);
  log.info({ jobs: jobs ?? 'no worker' }, 'stopped cleanly');
  process.exit(0);
}
/** Abandoned job handlers may still hold database clients: don't wait on them forever. */
async function closeOrGiveUp(close: () => Promise<void>) {
  await Promise.race([close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
