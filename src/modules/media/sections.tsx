// The media module's parts of other modules' pages, each loading what it shows: an item's
// files and cover, a project's cover and "Add tracks", the avatar on the profile settings, and
// the storage meter on the dashboard. Pages call these and place the result; they never read
// media tables themselves.
import type { Deps } from '../../deps.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { albumBase, projectItems } from '../catalog/index.ts';
import { storageLimits } from '../creators/index.ts';
import { imageSlotState, type ImageTarget } from './images.ts';
import { listItemFileViews } from './item-media.ts';
import { formatBytes } from './limits.ts';
import * as q from './queries.ts';
import { FilesSection } from './views/files.tsx';
import { ImageSlot } from './views/image-slot.tsx';
import { AddTracksSection, TrackList, type TrackRow } from './views/tracks.tsx';

export async function imageSlot(deps: Deps, viewer: Viewer, target: ImageTarget, ids: { itemId?: string; projectId?: string }, csrfToken: string) {
  const slot = await imageSlotState(deps, viewer, { target, ...ids });
  return <ImageSlot slot={slot} csrfToken={csrfToken} />;
}

/** The item edit page's Files section, with the item's own cover. */
export async function itemFilesSection(deps: Deps, viewer: Viewer, item: { id: string; status: string }, csrfToken: string) {
  const [files, limits, cover] = await Promise.all([
    listItemFileViews(deps, viewer.id, item.id), storageLimits(deps, viewer.id), imageSlot(deps, viewer, 'item_cover', { itemId: item.id }, csrfToken),
  ]);
  return <FilesSection itemId={item.id} itemPublished={item.status === 'published'} files={files} csrfToken={csrfToken} perFileBytes={limits?.perFileBytes ?? null} cover={cover} />;
}

export async function projectTracks(deps: Deps, viewer: Viewer, projectId: string): Promise<TrackRow[]> {
  const items = await projectItems(deps, viewer, projectId);
  const files = await q.trackFiles(deps.db, items.map((i) => i.id));
  return files.map((f) => {
    const item = items.find((i) => i.id === f.item_id)!;
    const m = f.metadata as { audio?: { duration?: number }; waveformPreview?: number[] };
    return { fileId: f.id, itemId: item.id, itemTitle: item.title, position: item.position, fileName: f.original_name, state: f.state,
      reason: f.state_reason, duration: m.audio?.duration, peaks: m.waveformPreview };
  }).sort((a, b) => a.position - b.position);
}

/** The project page's cover and "Add tracks" sections. */
export async function projectMediaSections(deps: Deps, viewer: Viewer, projectId: string, csrfToken: string) {
  const [cover, tracks, base, limits] = await Promise.all([
    imageSlot(deps, viewer, 'project_cover', { projectId }, csrfToken), projectTracks(deps, viewer, projectId),
    albumBase(deps, viewer, projectId), storageLimits(deps, viewer.id),
  ]);
  return (
    <>
      <section aria-labelledby="cover" class="dash-section" id="cover-section"><h2 id="cover">Cover</h2>{cover}</section>
      <AddTracksSection projectId={projectId} albumBase={base} tracks={tracks} csrfToken={csrfToken} perFileBytes={limits?.perFileBytes ?? null} />
    </>
  );
}

export async function trackListFragment(deps: Deps, viewer: Viewer, projectId: string) {
  return <TrackList projectId={projectId} tracks={await projectTracks(deps, viewer, projectId)} />;
}

/** The avatar part of the profile settings page. */
export async function avatarSection(deps: Deps, viewer: Viewer, csrfToken: string) {
  return (
    <section aria-labelledby="avatar" class="dash-section" id="avatar-section">
      <h2 id="avatar">Avatar</h2>
      {await imageSlot(deps, viewer, 'avatar', {}, csrfToken)}
      <script src="/static/uploader.js" defer></script>
    </section>
  );
}

/** "1.2 GB of 50 GB" with a meter, for the creator dashboard. */
export async function storageMeter(deps: Deps, viewer: Viewer) {
  const [used, limits] = await Promise.all([q.storageUsed(deps.db, viewer.id), storageLimits(deps, viewer.id)]);
  if (!limits) return null;
  const share = Math.min(1, used / limits.totalBytes);
  return (
    <p class="storage-meter" id="storage-meter">
      <span>Storage: <strong>{formatBytes(used)}</strong> of {formatBytes(limits.totalBytes)} used</span>{' '}
      <meter min="0" max="1" value={share.toFixed(4)} high={0.9} optimum={0} aria-label="Storage used">{Math.round(share * 100)}%</meter>
      {share >= 0.9 ? <span class="field-error"> Almost full: <a href="/dashboard/settings">choose a bigger tier</a> or delete files.</span> : null}
    </p>
  );
}
