// A creator's public page: profile, published projects and latest items.
import type { Deps } from '../../deps.ts';
import { NotFound } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { findCreator } from '../creators/index.ts';
import { findPublicUser } from '../accounts/index.ts';
import { listPublicItemsByCreator } from './queries/items.ts';
import { listPublishedProjects } from './queries/projects.ts';

export async function getProfilePage(deps: Deps, username: string, viewer: Viewer | null) {
  const user = await findPublicUser(deps.db, username);
  const creator = user?.is_creator ? await findCreator(deps, user.id) : undefined;
  if (!user || !creator) throw new NotFound('There is no creator with that name.');
  const [projects, items] = await Promise.all([
    listPublishedProjects(deps.db, user.id),
    listPublicItemsByCreator(deps.db, user.id, 50),
  ]);
  return { user, creator, projects, items, isOwner: viewer?.id === user.id };
}
