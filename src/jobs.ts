// Every job type and its handler, and the recurring schedule. Adding a job to a module means
// adding its handlers here; the worker runs exactly this list.
import type { Task, TaskList } from 'graphile-worker';
import type { Deps } from './deps.ts';
import { accountJobs } from './modules/accounts/index.ts';
import { mailJobs } from './modules/mail/index.ts';
import { commerceJobs, LOCAL_PAYOUTS_JOB, RECONCILE_JOB } from './modules/commerce/index.ts';
import { mediaJobs } from './modules/media/index.ts';
import { playbackJobs, ZIP_CLEANUP_JOB } from './modules/playback/index.ts';
import { pruneRateLimits } from './platform/http/rate-limit.ts';

const RATE_LIMITS_PRUNE_JOB = 'rate_limits_prune';

function handlers(deps: Deps): Record<string, Task> {
  return {
    ...mailJobs(deps), ...accountJobs(deps), ...mediaJobs(deps), ...commerceJobs(deps), ...playbackJobs(deps),
    [RATE_LIMITS_PRUNE_JOB]: async () => { await pruneRateLimits(deps.pool); },
  };
}

/**
 * The task list the worker runs. Each job runs with its own child logger (jobId, task,
 * attempt) in the deps its handler receives, so every line it logs names the job, and one
 * line marks its end with the outcome and duration.
 */
export function taskList(deps: Deps): TaskList {
  return Object.fromEntries(Object.keys(handlers(deps)).map((task) => [task, (async (payload, helpers) => {
    const log = deps.log.child({ jobId: helpers.job.id, task, attempt: helpers.job.attempts });
    const started = performance.now();
    try {
      await handlers({ ...deps, log })[task]!(payload, helpers);
      log.info({ ms: Math.round(performance.now() - started) }, 'job done');
    } catch (err) {
      log.warn({ err, ms: Math.round(performance.now() - started), maxAttempts: helpers.job.max_attempts }, 'job failed; the queue retries it with backoff');
      throw err;
    }
  }) satisfies Task]));
}

/** graphile-worker crontab: minute hour day month weekday task */
export const CRONTAB = [
  '17 * * * * accounts_prune',
  `41 * * * * ${RATE_LIMITS_PRUNE_JOB}`,
  `5 3 * * * ${LOCAL_PAYOUTS_JOB}`, // daily, like a processor's automatic payout schedule
  `35 4 * * * ${RECONCILE_JOB}`,
  '*/15 * * * * media_uploads_cleanup',
  `45 2 * * * ${ZIP_CLEANUP_JOB}`,
  '*/30 * * * * media_purge', // a backstop: deletes queue it themselves (a trigger on media_files)
].join('\n');
