// The item and project pages' playback sections, rendered for the current listener.
import type { Context } from 'hono';
import type { Deps } from '../../deps.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import type { ItemForAccess } from './access.ts';
import { listenerOf } from './listener.ts';
import { itemMediaData, projectMediaData } from './page-data.ts';
import { ItemMedia, ProjectMedia } from './views/media.tsx';

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
