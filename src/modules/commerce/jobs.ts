import type { Task } from 'graphile-worker';
import type { Deps } from '../../deps.ts';
import { reconcile, runLocalPayouts } from './sales.ts';

export const LOCAL_PAYOUTS_JOB = 'commerce_local_payouts';
export const RECONCILE_JOB = 'commerce_reconcile';

export function commerceJobs(deps: Deps): Record<string, Task> {
  return {
    [LOCAL_PAYOUTS_JOB]: async (_payload, helpers) => {
      const paid = await runLocalPayouts({ ...deps, log: deps.log.child({ job: helpers.job.id }) });
      if (paid) deps.log.info({ paid }, 'local payouts made');
    },
    [RECONCILE_JOB]: async (_payload, helpers) => {
      const flagged = await reconcile({ ...deps, log: deps.log.child({ job: helpers.job.id }) });
      if (flagged) deps.log.warn({ flagged }, 'ledger and provider balances differ');
    },
  };
}
