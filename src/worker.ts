// Worker composition root: the same dependencies, no web server. `npm run worker` — for
// running workers on their own machines (set RUN_WORKER=false on the web processes).
import { openDeps } from './boot.ts';
import { CRONTAB, taskList } from './jobs.ts';
import { loadConfigOrExit } from './platform/config.ts';
import { createLogger } from './platform/log.ts';
import { startWorker, stopWorker } from './platform/queue.ts';
import { reportCodecs, sweepStaleScratch } from './modules/media/index.ts';

const config = loadConfigOrExit();
const log = createLogger(config.logLevel);
const { deps, close } = await openDeps(config, log, { poolSize: config.workerConcurrency + 4 });
await sweepStaleScratch(log); // scratch directories of workers on this machine that were killed
void reportCodecs(log);
const runner = await startWorker({ pool: deps.pool, tasks: taskList(deps), crontab: CRONTAB, concurrency: config.workerConcurrency, log });
log.info({ concurrency: config.workerConcurrency }, 'worker running');

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  const graceMs = config.shutdownGraceSeconds * 1000;
  log.info({ signal, graceMs }, 'worker stopping: letting running jobs finish');
  const jobs = await stopWorker(runner, { pool: deps.pool, graceMs, log });
  // Abandoned handlers may still hold database clients: don't wait on them forever.
  await Promise.race([close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  log.info({ jobs }, 'worker stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
