// What the item and project pages show of playback: the ready files, the formats they come in
// (shown before purchase), and what this listener may do with them, all from the same access
// check the stream and download URLs use.
import type { Deps } from '../../deps.ts';
import { storageAvailable } from '../../platform/storage/index.ts';
import { readyMediaOfItems, type ReadyMedia } from '../media/index.ts';
import { accessTo, type Access, type ItemForAccess, type Listener } from './access.ts';
import { albumOffer, type AlbumOffer } from './album.ts';
import { formatsOf } from './formats.ts';
import { receiptQuery } from './listener.ts';
import { renditionsOf } from './streams.ts';

export interface PlayableFile {
  id: string;
  kind: ReadyMedia['kind'];
  name: string;
  bytes: number;
  duration: number | null;
  renditions: string[];
  hasPoster: boolean;
  formats: { id: string; label: string; bytes: number }[];
}

export interface ItemMediaData {
  item: { id: string; title: string; type: string; creator_name: string };
  files: PlayableFile[];
  stream: Access;
  download: Access;
  storageUp: boolean;
  /** Receipt parameters to carry on playback URLs (guests), or ''. */
  q: string;
}

export interface ProjectTrack { itemId: string; title: string; file: PlayableFile }

export interface ProjectMediaData {
  project: { id: string; title: string; creator_name: string };
  tracks: ProjectTrack[];
  album: AlbumOffer | null;
  storageUp: boolean;
  q: string;
}

function playable(m: ReadyMedia): PlayableFile {
  return {
    id: m.id, kind: m.kind, name: m.name, bytes: m.bytes, duration: m.duration, renditions: renditionsOf(m),
    hasPoster: !!(m.renditions.poster ?? m.renditions['poster-webp']),
    formats: formatsOf(m).map((f) => ({ id: f.id, label: f.label, bytes: f.rendition.bytes })),
  };
}

type PageItem = ItemForAccess & { title: string; type: string; creator_name: string };

export async function itemMediaData(deps: Deps, listener: Listener, item: PageItem): Promise<ItemMediaData | null> {
  if (item.type === 'text') return null;
  const media = await readyMediaOfItems(deps, [item.id]);
  if (!media.length) return null;
  const [stream, download, storageUp] = await Promise.all([
    accessTo(deps, listener, item, 'stream'), accessTo(deps, listener, item, 'download'), storageAvailable(deps.store),
  ]);
  return {
    item: { id: item.id, title: item.title, type: item.type, creator_name: item.creator_name },
    files: media.map(playable), stream, download, storageUp, q: receiptQuery(listener),
  };
}

export async function projectMediaData(deps: Deps, listener: Listener, project: { id: string; title: string; creator_name: string },
  items: { id: string; title: string; type: string }[]): Promise<ProjectMediaData | null> {
  const audio = items.filter((i) => i.type === 'audio');
  const media = await readyMediaOfItems(deps, items.map((i) => i.id));
  if (!media.length) return null;
  const tracks = audio.flatMap((i) => media.filter((m) => m.itemId === i.id && m.kind === 'audio').slice(0, 1)
    .map((m) => ({ itemId: i.id, title: i.title, file: playable(m) })));
  const [album, storageUp] = await Promise.all([albumOffer(deps, listener, project.id), storageAvailable(deps.store)]);
  return { project, tracks, album, storageUp, q: receiptQuery(listener) };
}
