// The item and project pages' playback sections, rendered for the current listener.
import type { Context } from 'hono';
import type { Deps } from '../../deps.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import type { ItemForAccess } from './access.ts';
import { listenerOf } from './listener.ts';
import { itemMediaData, projectMediaData } from './page-data.ts';
import { itemSummaries } from '../catalog/index.ts';
import { readyMediaOfItems } from '../media/index.ts';
import { ItemMedia, LibraryActions, ProjectMedia } from './views/media.tsx';

/** The item page's players and downloads, or null when the item has no ready files. */
export async function itemMediaSection(deps: Deps, c: Context<AppEnv>, item: ItemForAccess & { title: string; type: string; creator_name: string }) {
  const data = await itemMediaData(deps, listenerOf(c, deps), item);
  return data ? <ItemMedia data={data} /> : null;
}

/** The project page's track list (one queue) and album downloads, or null without ready files. */
export async function projectMediaSection(deps: Deps, c: Context<AppEnv>, project: { id: string; title: string; creator_name: string },
  items: { id: string; title: string; type: string }[]) {
  const data = await projectMediaData(deps, listenerOf(c, deps), project, items);
  return data ? <ProjectMedia data={data} /> : null;
}

/**
 * The library's actions for the items a buyer owns: play (into the site player, the whole
 * library as one queue), watch, read or view, and a way to the downloads.
 */
export async function libraryActions(deps: Deps, itemIds: string[]) {
  const ids = [...new Set(itemIds)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const [items, media] = await Promise.all([itemSummaries(deps.db, ids), readyMediaOfItems(deps, ids)]);
  return (itemId: string) => {
    const item = items.find((i) => i.id === itemId);
    if (!item) return null;
    const files = media.filter((m) => m.itemId === itemId);
    const audio = files.find((m) => m.kind === 'audio');
    return <LibraryActions item={item} audio={audio ? { id: audio.id, duration: audio.duration } : null} hasFiles={files.length > 0} />;
  };
}
