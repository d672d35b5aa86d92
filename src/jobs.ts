// Every job type and its handler, and the recurring schedule. Adding a job to a module means
// adding its handlers here; the worker runs exactly this list.
import type { TaskList } from 'graphile-worker';
import type { Deps } from './deps.ts';
import { accountJobs } from './modules/accounts/index.ts';
import { mailJobs } from './modules/mail/index.ts';

export function taskList(deps: Deps): TaskList {
  return { ...mailJobs(deps), ...accountJobs(deps) };
}

/** graphile-worker crontab: minute hour day month weekday task */
export const CRONTAB = [
  '17 * * * * accounts_prune',
].join('\n');
