// The demo creator's catalog: one published project with an item of every type, so a fresh
// install has something to browse, search and tag. Media files arrive with the media pipeline.
import type { Deps } from '../../deps.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { createItem, publishItem, updateItem } from './items-service.ts';
import { createProject, listOwnedProjects, setProjectsStatus } from './projects-service.ts';

const ITEMS = [
  { type: 'audio', title: 'Café Mélancolie', fields: { description: 'A slow piano piece for rainy evenings.', price_kind: 'pwyw', price_amount: '1', price_suggested: '5', tags: 'music/ambient, music/piano', release_date: '2026-11-01', credits: 'Piano and field recordings by Demo.' } },
  { type: 'audio', title: 'Night Drive', fields: { description: 'Synths, tape hiss and the motorway at 3 a.m.', price_kind: 'fixed', price_amount: '2.50', tags: 'music/electronic/synthwave' } },
  { type: 'video', title: 'Making of “Night Drive”', fields: { description: 'Twelve minutes in the studio.', price_kind: 'free', tags: 'video/behind-the-scenes' } },
  { type: 'text', title: 'Liner notes', fields: { description: 'The story behind the album.', price_kind: 'fixed', price_amount: '3', tags: 'writing/essays', body: 'Every song on this album started on a night bus.\n\n<!-- more -->\n\nThe rest of the story is for people who bought the notes: the tape machine, the rain, and the cafe that closed.' } },
  { type: 'download', title: 'Sample pack', fields: { description: '40 one-shot samples, WAV, royalty free.', price_kind: 'pwyw', price_amount: '0', tags: 'software/samples, music/electronic' } },
  { type: 'image', title: 'Album artwork (print)', fields: { description: 'High resolution cover art for printing.', price_kind: 'fixed', price_amount: '4', tags: 'art/prints' } },
] as const;

/** Returns true when it created the catalog (only when the demo creator has no projects yet). */
export async function seedDemoCatalog(deps: Deps, viewer: Viewer): Promise<boolean> {
  if ((await listOwnedProjects(deps, viewer)).length) return false;
  const project = await createProject(deps, viewer, {
    title: 'Night Buses', description: 'A debut album, its making-of, liner notes and a sample pack. **Everything here is demo content.**',
  });
  for (const spec of ITEMS) {
    const id = await createItem(deps, viewer, project.id, { type: spec.type, title: spec.title });
    await updateItem(deps, viewer, id, { ai_use: 'handmade', ...spec.fields });
    await publishItem(deps, viewer, id);
  }
  await setProjectsStatus(deps, viewer, [project.id], 'published');
  return true;
}
