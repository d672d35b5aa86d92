// Project use cases. Ownership is checked here, in every function, not in the routes.
import type { Deps } from '../../deps.ts';
import { NotFound, ValidationError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { isUuid, readText } from '../../platform/validate.ts';
import { findPublicUser } from '../accounts/index.ts';
import { findCreator } from '../creators/index.ts';
import { parseAlbumPrice } from './album-price.ts';
import { DESCRIPTION_MAX } from './item-input.ts';
import { setAlbumPrice } from './queries/album.ts';
import * as items from './queries/items.ts';
import * as q from './queries/projects.ts';
import { slugify, uniqueSlug } from './slugs.ts';
import type { PublishStatus } from './tables.ts';

function parseProject(input: Record<string, unknown>) {
  const title = readText(input.title, { label: 'Title', max: 200, required: true });
  const description = readText(input.description, { label: 'Description', max: DESCRIPTION_MAX, multiline: true });
  if (!title.ok || !description.ok) {
    throw new ValidationError({ ...(title.ok ? {} : { title: title.error }), ...(description.ok ? {} : { description: description.error }) });
  }
  return { title: title.value, description: description.value };
}

/** Title, description and (when the form has it) the album price, all checked before anything is saved. */
async function parseProjectForm(deps: Deps, viewer: Viewer, input: Record<string, unknown>, projectCurrency: string | null = null) {
  const currency = projectCurrency ?? (await findCreator(deps, viewer.id))?.payout_currency ?? 'USD';
  const album = parseAlbumPrice(input, currency);
  let fields: { title: string; description: string } | null = null;
  const errors: Record<string, string> = { ...album.errors };
  try {
    fields = parseProject(input);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    Object.assign(errors, err.fields);
  }
  return { fields, price: album.price, currency, errors };
}

export async function createProject(deps: Deps, viewer: Viewer, input: Record<string, unknown>) {
  const { fields, price, currency, errors } = await parseProjectForm(deps, viewer, input);
  if (!fields || Object.keys(errors).length) throw new ValidationError(errors);
  const base = slugify(fields.title) || 'project';
  // Two tries cover a concurrent create taking the same slug between our read and insert.
  for (let attempt = 0; attempt < 3; attempt++) {
    const slug = uniqueSlug(base, await q.slugsStartingWith(deps.db, viewer.id, base));
    const created = await q.insertProject(deps.db, { creatorId: viewer.id, slug, ...fields });
    if (created) {
      if (price?.price_kind) await setAlbumPrice(deps.db, viewer.id, created.id, price, currency);
      return created;
    }
  }
  throw new ValidationError({ title: 'Could not find a free web address for this title. Try a different title.' });
}

export async function getOwnedProject(deps: Deps, viewer: Viewer, projectId: string) {
  const project = isUuid(projectId) ? await q.findOwnedProject(deps.db, viewer.id, projectId) : undefined;
  if (!project) throw new NotFound();
  return project;
}

export async function updateProject(deps: Deps, viewer: Viewer, projectId: string, input: Record<string, unknown>) {
  await getOwnedProject(deps, viewer, projectId);
  const fields = parseProject(input);
  await deps.db.transaction().execute(async (tx) => {
    await q.updateProject(tx, viewer.id, projectId, fields);
    await items.refreshSearchDocs(tx, { projectId });
  });
}

/** The project wizard's first step: checks title, description and album price without saving anything. */
export async function checkProjectInput(deps: Deps, viewer: Viewer, input: Record<string, unknown>) {
  const { fields, errors, currency } = await parseProjectForm(deps, viewer, input);
  if (!fields || Object.keys(errors).length) throw new ValidationError(errors);
  return { fields, currency };
}

const PROJECT_STATUSES: PublishStatus[] = ['draft', 'published', 'unpublished'];

/** The project edit form: title, description, status and album price, all validated before anything is saved. */
export async function editProject(deps: Deps, viewer: Viewer, projectId: string, input: Record<string, unknown>) {
  const project = await getOwnedProject(deps, viewer, projectId);
  const { fields, price, currency, errors } = await parseProjectForm(deps, viewer, input, project.currency);
  const status = input.status as PublishStatus;
  if (!PROJECT_STATUSES.includes(status)) errors.status = 'Choose draft, published or unpublished.';
  if (!fields || Object.keys(errors).length) throw new ValidationError(errors);
  const changes: { title: string; description: string } = fields;
  await deps.db.transaction().execute(async (tx) => {
    await q.updateProject(tx, viewer.id, project.id, changes);
    await q.setProjectsStatus(tx, viewer.id, [project.id], status);
    if (price) await setAlbumPrice(tx, viewer.id, project.id, price, currency);
    await items.refreshSearchDocs(tx, { projectId: project.id });
  });
}

export const listOwnedProjects = (deps: Deps, viewer: Viewer) => q.listOwnedProjects(deps.db, viewer.id);

export async function setProjectsStatus(deps: Deps, viewer: Viewer, ids: string[], status: PublishStatus) {
  return (await q.setProjectsStatus(deps.db, viewer.id, ids.filter(isUuid), status)).length;
}

export async function deleteProjects(deps: Deps, viewer: Viewer, ids: string[]) {
  return (await q.deleteProjects(deps.db, viewer.id, ids.filter(isUuid))).length;
}

/** A project page: published projects for everyone, drafts only for their owner (404 otherwise). */
export async function getProjectPage(deps: Deps, username: string, slug: string, viewer: Viewer | null) {
  const user = await findPublicUser(deps.db, username);
  if (!user?.is_creator) throw new NotFound();
  const project = await q.findProjectBySlug(deps.db, user.id, slug);
  const isOwner = viewer?.id === user.id;
  if (!project || (project.status !== 'published' && !isOwner)) throw new NotFound();
  const list = await items.listProjectItems(deps.db, project.id, { publishedOnly: !isOwner });
  return { creator: user, project, items: list, isOwner };
}

export { isUuid };

/** A project and its items as its viewer may see them (404 like the project page otherwise). */
export async function getVisibleProject(deps: Deps, projectId: string, viewerId: string | null) {
  const project = isUuid(projectId) ? await q.findProjectWithCreator(deps.db, projectId) : undefined;
  const isOwner = !!viewerId && project?.creator_id === viewerId;
  if (!project || (project.status !== 'published' && !isOwner)) throw new NotFound();
  const rows = await q.projectItemRows(deps.db, project.id, { publishedOnly: !isOwner });
  return { project, items: rows, isOwner };
}
