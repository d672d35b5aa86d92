import type { Task } from 'graphile-worker';
import type { Deps } from '../../deps.ts';
import { ALBUM_ZIP_JOB } from './album.ts';
import { buildAlbumZip, deleteUnusedZips } from './zip-job.ts';

export const ZIP_CLEANUP_JOB = 'playback_zip_cleanup';

export function playbackJobs(deps: Deps): Record<string, Task> {
  return {
    [ALBUM_ZIP_JOB]: async (payload, helpers) => {
      const { zipId } = payload as { zipId: string };
      await buildAlbumZip(deps, deps.log.child({ job: helpers.job.id, zipId }), zipId, { attempts: helpers.job.attempts, maxAttempts: helpers.job.max_attempts });
    },
    [ZIP_CLEANUP_JOB]: async () => { await deleteUnusedZips(deps); },
  };
}
