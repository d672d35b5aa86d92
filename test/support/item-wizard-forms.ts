// Helpers for tests of the item wizard through the web layer (dashboard-items and
// dashboard-publishing): form posts that follow their redirect, the item's row and tags, step
// addresses, the flash text, and a draft item to start from.
import { createItem } from '../../src/modules/catalog/items-service.ts';
import { createProject } from '../../src/modules/catalog/projects-service.ts';
import type { TestApp } from './app.ts';
import type { TestClient } from './client.ts';
import type { TestUser } from './factories.ts';

/** `app` is read at call time: the test app exists only once the file's before() has run. */
export function itemWizardKit(app: () => TestApp) {
  async function submit(c: TestClient, path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    const body = new URLSearchParams({ _csrf: c.csrf, ...form });
    const res = await c.send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
    const location = res.headers.get('location');
    const next = res.status === 303 && location?.startsWith('/') ? await c.get(location) : null;
    return Object.assign(res, { next });
  }

  const itemRow = (id: string) => app().deps.db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const tagsOf = async (id: string) => (await app().deps.db.selectFrom('item_tags').select('tag_path').where('item_id', '=', id).orderBy('tag_path').execute()).map((r) => r.tag_path);
  const step = (id: string, s: string) => `/dashboard/items/${id}/edit?step=${s}`;
  const flashText = (html: string) => /class="flash flash-\w+"[^>]*>([^<]*)</.exec(html)?.[1] ?? '';

  async function draftItem(creator: TestUser, type: 'audio' | 'video' | 'text' | 'download' | 'image' = 'audio', title = 'Untitled') {
    const project = await createProject(app().deps, creator.viewer, { title: `Project for ${title}` });
    const id = await createItem(app().deps, creator.viewer, project.id, { type, title });
    await creator.client.get(step(id, 'details'));
    return { id, projectId: project.id };
  }

  return { submit, itemRow, tagsOf, step, flashText, draftItem };
}
