// The demo creator's catalog: one published project (an album of four tracks, its making-of
// video, liner notes, a sample pack and a print) so a fresh install has something to browse,
// search, play and buy. Its files are pushed through the media pipeline by src/seed.ts.
import type { Deps } from '../../deps.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { createItem, listOwnedItems, publishItem, updateItem } from './items-service.ts';
import { createProject, listOwnedProjects, setProjectsStatus } from './projects-service.ts';

// `media` names the file in demo/media/ (made by scripts/make-demo-media.ts) that the seed
// pushes through the real upload pipeline for the item.
const ITEMS = [
  { type: 'audio', title: 'Night Drive', media: '01-night-drive.mp3', fields: { description: 'Synths, tape hiss and the motorway at 3 a.m.', price_kind: 'fixed', price_amount: '2.50', tags: 'music/electronic/synthwave', release_date: '2026-11-01' } },
  { type: 'audio', title: 'Café Mélancolie', media: '02-cafe-melancolie.ogg', fields: { description: 'A slow piece for rainy evenings.', price_kind: 'pwyw', price_amount: '1', price_suggested: '5', tags: 'music/ambient', credits: 'Chords and noise by Demo.' } },
  { type: 'audio', title: 'Rain on the Window', media: '03-rain-on-the-window.flac', fields: { description: 'Lossless, so the FLAC download is real.', price_kind: 'pwyw', price_amount: '0', tags: 'music/ambient' } },
  { type: 'audio', title: 'Last Stop (spoken)', media: '04-last-stop-spoken.opus', fields: { description: 'A voice over a pad: the end of the line.', price_kind: 'free', tags: 'music/spoken-word' } },
  { type: 'video', title: 'Making of “Night Drive”', media: 'making-of-night-drive.mp4', fields: { description: 'Eight seconds in the studio.', price_kind: 'free', tags: 'video/behind-the-scenes' } },
  { type: 'text', title: 'Liner notes', media: null, fields: { description: 'The story behind the album.', price_kind: 'fixed', price_amount: '3', tags: 'writing/essays', body: 'Every song on this album started on a night bus.\n\n<!-- more -->\n\nThe rest of the story is for people who bought the notes: the tape machine, the rain, and the cafe that closed.' } },
  { type: 'download', title: 'Sample pack', media: 'sample-pack.zip', fields: { description: 'Four one-shot samples, WAV, CC0.', price_kind: 'pwyw', price_amount: '0', tags: 'software/samples, music/electronic' } },
  { type: 'image', title: 'Album artwork (print)', media: 'cover.jpg', fields: { description: 'High resolution cover art for printing.', price_kind: 'fixed', price_amount: '4', tags: 'art/prints' } },
] as const;

export const DEMO_PROJECT_COVER = 'cover.jpg';

/** The demo project and its items with the demo file each should have (for the media seed). */
export async function demoCatalog(deps: Deps, viewer: Viewer) {
  const project = (await listOwnedProjects(deps, viewer)).find((p) => p.slug === 'night-buses');
  if (!project) return null;
  const items = (await listOwnedItems(deps, viewer)).filter((i) => i.project_id === project.id);
  return {
    projectId: project.id,
    items: ITEMS.flatMap((spec) => {
      const item = items.find((i) => i.title === spec.title);
      return item && spec.media ? [{ id: item.id, media: spec.media }] : [];
    }),
  };
}

/** Returns true when it created the catalog (only when the demo creator has no projects yet). */
export async function seedDemoCatalog(deps: Deps, viewer: Viewer): Promise<boolean> {
  if ((await listOwnedProjects(deps, viewer)).length) return false;
  const project = await createProject(deps, viewer, {
    title: 'Night Buses', description: 'A debut album, its making-of, liner notes and a sample pack. **Everything here is demo content.**',
  });
  for (const spec of ITEMS) {
    const id = await createItem(deps, viewer, project.id, { type: spec.type, title: spec.title });
    await updateItem(deps, viewer, id, { ai_use: 'handmade', ...spec.fields });
  }
  await setProjectsStatus(deps, viewer, [project.id], 'published');
  return true;
}

/**
 * Publishes the demo items still in draft, once the seed has given them their files: an item
 * is published only with content fans can get. Items a creator unpublished stay unpublished.
 */
export async function publishDemoDrafts(deps: Deps, viewer: Viewer) {
  const project = (await listOwnedProjects(deps, viewer)).find((p) => p.slug === 'night-buses');
  if (!project) return;
  for (const item of await listOwnedItems(deps, viewer)) {
    if (item.project_id === project.id && item.status === 'draft') await publishItem(deps, viewer, item.id);
  }
}
