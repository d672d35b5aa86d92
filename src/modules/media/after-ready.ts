// What a processed file changes beyond its own row, just before it is marked ready (so a
// crash in between repeats it; every step is idempotent):
// - a cover or avatar becomes the one in use, and the ones it replaces are deleted; audio
//   downloads that embed another cover are re-made with the new one (the media_retag job);
// - an album track takes its title and position from the file's tags.
import type { Deps } from '../../deps.ts';
import { enqueueJob } from '../../platform/queue.ts';
import { applyTrackTags, itemMediaContext, itemsUsingProjectCover, setItemCover, setProjectCover } from '../catalog/index.ts';
import { setAvatar } from '../creators/index.ts';
import type { FileRow } from './pipeline.ts';
import { trackNumberOf } from './processing/tags.ts';
import type { ProcessResult } from './processing/index.ts';
import * as q from './queries.ts';
import { FINAL_STATES } from './tables.ts';

/** Returns false when the file was superseded (a newer image is already in use) and removed. */
export async function applyReadyEffects(deps: Deps, file: FileRow, result: ProcessResult): Promise<boolean> {
  if (file.purpose === 'item') {
    if (file.track_base !== null && file.item_id && result.kind === 'audio') {
      const tags = result.metadata.audio?.tags ?? {};
      const track = trackNumberOf(tags);
      await applyTrackTags(deps, file.item_id, { title: tags.title, position: track === undefined ? undefined : file.track_base + track });
    }
    return true;
  }
  const all = await q.imageFilesOf(deps.db, file.creator_id, { purpose: file.purpose, itemId: file.item_id, projectId: file.project_id });
  const at = all.findIndex((f) => f.id === file.id);
  // Newest first: a newer image that is already ready wins, whatever order processing ran in.
  if (all.slice(0, Math.max(0, at)).some((f) => f.state === 'ready')) {
    await q.deleteFiles(deps.db, [file.id]);
    return false;
  }
  const key = file.object_key;
  if (!key) throw new Error(`file ${file.id} has no original yet`);
  const owner = { id: file.creator_id }; // the job has no viewer: the file's creator
  if (file.purpose === 'item_cover') await setItemCover(deps, owner, file.item_id!, key);
  if (file.purpose === 'project_cover') await setProjectCover(deps, owner, file.project_id!, key);
  if (file.purpose === 'avatar') await setAvatar(deps, file.creator_id, key);
  // Older ones are removed once final; one still processing removes itself when it finishes.
  await q.deleteFiles(deps.db, all.slice(at + 1).filter((f) => FINAL_STATES.includes(f.state)).map((f) => f.id));
  if (file.purpose === 'item_cover') await reembed(deps, [file.item_id!], key);
  if (file.purpose === 'project_cover') await reembed(deps, await itemsUsingProjectCover(deps, file.project_id!), key);
  return true;
}

export const MEDIA_RETAG_JOB = 'media_retag';

/** Queues a re-make of the downloads of these items' ready audio files that embed another cover. */
async function reembed(deps: Deps, itemIds: string[], coverKey: string) {
  for (const f of await q.readyAudioFiles(deps.db, itemIds)) {
    if ((f.metadata as { embeddedCoverKey?: string | null }).embeddedCoverKey === coverKey) continue;
    await enqueueJob(deps.db, MEDIA_RETAG_JOB, { fileId: f.id }, { jobKey: `${MEDIA_RETAG_JOB}:${f.id}`, maxAttempts: 3 });
  }
}

/**
 * After an audio file is marked ready: if the cover it should carry changed while it was
 * processed (a cover uploaded at the same time as an album), its downloads are re-made.
 */
export async function reembedIfCoverChanged(deps: Deps, file: FileRow, embedded: string | null) {
  if (file.purpose !== 'item' || !file.item_id) return;
  const item = await itemMediaContext(deps, file.item_id);
  const wanted = item?.itemCoverKey ?? item?.projectCoverKey ?? null;
  if (wanted && wanted !== embedded) await reembed(deps, [file.item_id], wanted);
}
