import type { Task } from 'graphile-worker';
import type { Deps } from '../../deps.ts';
import { deliverMail, SEND_MAIL_JOB } from './service.ts';

export function mailJobs(deps: Deps): Record<string, Task> {
  return {
    [SEND_MAIL_JOB]: async (payload, helpers) => {
      const { outboxId } = payload as { outboxId: string };
      await deliverMail({ ...deps, log: deps.log.child({ job: helpers.job.id }) }, outboxId, helpers.job.attempts);
    },
  };
}
