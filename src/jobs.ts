// Every job type and its handler, and the recurring schedule. Adding a job to a module means
// adding its handlers here; the worker runs exactly this list.
import type { TaskList } from 'graphile-worker';
import type { Deps } from './deps.ts';
import { accountJobs } from './modules/accounts/index.ts';
import { mailJobs } from './modules/mail/index.ts';
import { commerceJobs, LOCAL_PAYOUTS_JOB, RECONCILE_JOB } from './modules/commerce/index.ts';
import { mediaJobs } from './modules/media/index.ts';
import { playbackJobs, ZIP_CLEANUP_JOB } from './modules/playback/index.ts';

export function taskList(deps: Deps): TaskList {
  return { ...mailJobs(deps), ...accountJobs(deps), ...mediaJobs(deps), ...commerceJobs(deps), ...playbackJobs(deps) };
}

/** graphile-worker crontab: minute hour day month weekday task */
export const CRONTAB = [
  '17 * * * * accounts_prune',
  `5 3 * * * ${LOCAL_PAYOUTS_JOB}`, // daily, like a processor's automatic payout schedule
  `35 4 * * * ${RECONCILE_JOB}`,
  '*/15 * * * * media_uploads_cleanup',
  `45 2 * * * ${ZIP_CLEANUP_JOB}`,
].join('\n');
