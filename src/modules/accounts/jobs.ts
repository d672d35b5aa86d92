import type { Task } from 'graphile-worker';
import type { Deps } from '../../deps.ts';
import { pruneExpired } from './service.ts';

export const PRUNE_JOB = 'accounts_prune';

export function accountJobs(deps: Deps): Record<string, Task> {
  return { [PRUNE_JOB]: async () => { await pruneExpired(deps); } };
}
