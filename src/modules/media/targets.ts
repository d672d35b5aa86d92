// What an upload is for. Every upload names its target; ownership is checked here (404 for
// anything the creator does not own), and the target decides what the content must be (an
// audio item needs audio, a cover needs an image) and how much storage its renditions reserve.
import type { Deps } from '../../deps.ts';
import { BadRequest, NotFound } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { createTrackItem, deleteTrackItem, getOwnedItem, getOwnedProject, listVersions } from '../catalog/index.ts';
import { findCreator } from '../creators/index.ts';
import type { Kind } from './processing/index.ts';
import type { MediaPurpose } from './tables.ts';

export type TargetKind = 'item' | 'track' | 'item_cover' | 'project_cover' | 'avatar';
const KINDS: readonly TargetKind[] = ['item', 'track', 'item_cover', 'project_cover', 'avatar'];

export interface TargetInput {
  target?: unknown;
  itemId?: unknown;
  projectId?: unknown;
  versionId?: unknown;
  /** Track uploads: the project's highest position when the album upload began. */
  albumBase?: unknown;
}

export interface ResolvedTarget {
  purpose: MediaPurpose;
  itemId: string | null;
  projectId: string | null;
  versionId: string | null;
  trackBase: number | null;
  /** What processing must find; undefined accepts anything (downloads, text attachments). */
  kindHint: Kind | undefined;
  /** Covers and avatars: the image in use now (null = none). */
  currentImageKey?: string | null;
  /** A track's item does not exist yet: it is made by materialise(), once limits pass. */
  pendingTrack?: { projectId: string };
}

export const ITEM_KIND: Record<string, Kind | undefined> = { audio: 'audio', video: 'video', image: 'image' };

export async function resolveTarget(deps: Deps, viewer: Viewer, input: TargetInput): Promise<ResolvedTarget> {
  const kind = (input.target ?? 'item') as TargetKind;
  if (!KINDS.includes(kind)) throw new BadRequest(`Unknown upload target; use one of ${KINDS.join(', ')}.`);
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (kind) {
    case 'item': {
      const item = await getOwnedItem(deps, viewer, str(input.itemId));
      let versionId: string | null = null;
      if (input.versionId !== undefined && input.versionId !== null && input.versionId !== '') {
        const match = (await listVersions(deps, item.id)).find((v) => v.id === input.versionId);
        if (!match) throw new NotFound('We could not find that version of the item.');
        versionId = match.id;
      }
      return { purpose: 'item', itemId: item.id, projectId: null, versionId, trackBase: null, kindHint: ITEM_KIND[item.type] };
    }
    case 'track': {
      const project = await getOwnedProject(deps, viewer, str(input.projectId));
      const base = typeof input.albumBase === 'number' && Number.isSafeInteger(input.albumBase) && input.albumBase >= 0 ? input.albumBase : 0;
      return { purpose: 'item', itemId: null, projectId: null, versionId: null, trackBase: base, kindHint: 'audio', pendingTrack: { projectId: project.id } };
    }
    case 'item_cover': {
      const item = await getOwnedItem(deps, viewer, str(input.itemId));
      return { purpose: 'item_cover', itemId: item.id, projectId: null, versionId: null, trackBase: null, kindHint: 'image', currentImageKey: item.cover_key };
    }
    case 'project_cover': {
      const project = await getOwnedProject(deps, viewer, str(input.projectId));
      return { purpose: 'project_cover', itemId: null, projectId: project.id, versionId: null, trackBase: null, kindHint: 'image', currentImageKey: project.cover_key };
    }
    case 'avatar': {
      const creator = await findCreator(deps, viewer.id);
      if (!creator) throw new NotFound();
      return { purpose: 'avatar', itemId: null, projectId: null, versionId: null, trackBase: null, kindHint: 'image', currentImageKey: creator.avatar_key };
    }
  }
}

/**
 * Creates a track's draft audio item (titled after the file until its tags are read). Returns
 * the target with its item and an undo for when the upload cannot start after all.
 */
export async function materialise(deps: Deps, viewer: Viewer, target: ResolvedTarget, fileName: string) {
  if (!target.pendingTrack) return { target, undo: async () => {} };
  const itemId = await createTrackItem(deps, viewer, target.pendingTrack.projectId, fileName);
  return {
    target: { ...target, itemId, pendingTrack: undefined },
    undo: async () => { await deleteTrackItem(deps, viewer, itemId); },
  };
}

/**
 * Storage held back at upload start for what processing will add. Audio gets its streaming
 * copy and five or six download formats (about 2× a typical original); video its 720p and
 * 360p renditions (at most about the original's size). Images and downloads add little or
 * nothing. The real sizes replace the reservation when processing ends (see pipeline.ts).
 */
export function reservationFor(kindHint: Kind | undefined, size: number): number {
  if (kindHint === 'audio') return size * 2;
  if (kindHint === 'video') return size;
  return 0;
}
