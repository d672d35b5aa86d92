import type { Task } from 'graphile-worker';
import type { Deps } from '../../deps.ts';
import { makePreviewClip, PREVIEW_CLIP_JOB } from './preview-clip.ts';
import { MEDIA_RETAG_JOB } from './after-ready.ts';
import { processUploadedFile, retagFile } from './process-job.ts';
import { MEDIA_PURGE_JOB, runPurges } from './purge.ts';
import { cleanupAbandonedUploads, MEDIA_PROCESS_JOB, UPLOADS_CLEANUP_JOB } from './uploads-service.ts';

export function mediaJobs(deps: Deps): Record<string, Task> {
  return {
    [MEDIA_PROCESS_JOB]: async (payload, helpers) => {
      const { fileId } = payload as { fileId: string };
      const log = deps.log.child({ job: helpers.job.id, fileId });
      await processUploadedFile(deps, log, fileId, { attempts: helpers.job.attempts, maxAttempts: helpers.job.max_attempts });
    },
    [UPLOADS_CLEANUP_JOB]: async () => { await cleanupAbandonedUploads(deps); },
    [PREVIEW_CLIP_JOB]: async (payload, helpers) => {
      const { fileId, seconds } = payload as { fileId: string; seconds: number };
      await makePreviewClip(deps, deps.log.child({ job: helpers.job.id, fileId }), fileId, seconds);
    },
    [MEDIA_PURGE_JOB]: async () => { await runPurges(deps); },
    [MEDIA_RETAG_JOB]: async (payload, helpers) => {
      const { fileId } = payload as { fileId: string };
      await retagFile(deps, deps.log.child({ job: helpers.job.id, fileId }), fileId);
    },
  };
}
