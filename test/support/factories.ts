// Test data made through the real flows: accounts through the sign-up form, creators through
// onboarding, projects and items through the catalog services (as the dashboard calls them).
import type { Viewer } from '../../src/platform/http/context.ts';
import { createProject } from '../../src/modules/catalog/projects-service.ts';
import { createItem, publishItem, updateItem } from '../../src/modules/catalog/items-service.ts';
import { setProjectsStatus } from '../../src/modules/catalog/projects-service.ts';
import path from 'node:path';
import { ingestLocalFile } from '../../src/modules/media/index.ts';
import { DEMO_MEDIA_DIR } from '../../src/seed.ts';
import type { TestApp } from './app.ts';
import { TestClient } from './client.ts';

let seq = 0;
export const uniqueName = (prefix = 'user') => `${prefix}${++seq}_${Date.now().toString(36)}`.slice(0, 30);

export interface TestUser { client: TestClient; viewer: Viewer; password: string }

/** Signs up through the form; the returned client is logged in. */
export async function signUpUser(t: TestApp, username = uniqueName()): Promise<TestUser> {
  const client = new TestClient(t.app, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0' });
  const password = 'a long enough password';
  await client.get('/signup');
  const res = await client.post('/signup', { username, email: `${username}@example.com`, password });
  if (res.status !== 303) throw new Error(`sign-up failed (${res.status}): ${res.html.slice(0, 500)}`);
  return { client, viewer: await viewerOf(t, username), password };
}

/** A signed-up user who went through creator onboarding. */
export async function signUpCreator(t: TestApp, opts: { username?: string; currency?: string; tier?: string } = {}): Promise<TestUser> {
  const user = await signUpUser(t, opts.username);
  await user.client.get('/creator/start');
  const res = await user.client.post('/creator/start', { tier: opts.tier ?? 'basic', currency: opts.currency ?? 'USD' });
  if (res.status !== 303) throw new Error(`onboarding failed (${res.status}): ${res.html.slice(0, 500)}`);
  return { ...user, viewer: await viewerOf(t, user.viewer.username) };
}

export async function viewerOf(t: TestApp, username: string): Promise<Viewer> {
  const u = await t.deps.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
  return {
    id: u.id, username: u.username, displayName: u.display_name, email: u.email, emailVerified: !!u.email_verified_at,
    isCreator: u.is_creator, isAdmin: u.is_admin, sessionId: '00000000-0000-0000-0000-000000000000',
  };
}

type ItemSpecType = 'audio' | 'video' | 'text' | 'download' | 'image';

// Publishing needs content fans can get (a file ready or processing; a text's body). Items made
// here get a demo file of their kind through the real single-file upload, left in the
// "uploaded" state (processing runs only if the test runs the jobs), and texts a line of text.
const DEMO_FILE: Partial<Record<ItemSpecType, string>> = {
  audio: '01-night-drive.mp3', video: 'making-of-night-drive.mp4', download: 'sample-pack.zip', image: 'cover.jpg',
};

/** Gives an item of a file type its demo file (uploaded, not processed); texts need no file. */
export async function attachDemoFile(t: Pick<TestApp, 'deps'>, viewer: Viewer, itemId: string, type: ItemSpecType) {
  const demo = DEMO_FILE[type];
  if (demo) await ingestLocalFile(t.deps, viewer, { target: 'item', itemId }, path.join(DEMO_MEDIA_DIR, demo), { name: demo });
}

/** A published project with the given items, each published with its fields set (and a file, see above). */
export async function publishedProject(t: TestApp, creator: TestUser, title: string,
  items: { type: ItemSpecType; title: string; fields?: Record<string, string>;
    /** Attaches the item's own file instead of the demo one (e.g. uploadThroughPipeline); returns its id. */
    file?: (itemId: string) => Promise<string> }[]) {
  const project = await createProject(t.deps, creator.viewer, { title, description: `About ${title}` });
  await setProjectsStatus(t.deps, creator.viewer, [project.id], 'published');
  const itemIds: string[] = [];
  const fileIds: (string | undefined)[] = [];
  for (const spec of items) {
    const id = await createItem(t.deps, creator.viewer, project.id, { type: spec.type, title: spec.title });
    await updateItem(t.deps, creator.viewer, id, { ai_use: 'handmade', ...(spec.type === 'text' ? { body: `The text of ${spec.title}.` } : {}), ...spec.fields });
    if (spec.file) fileIds.push(await spec.file(id));
    else { fileIds.push(undefined); await attachDemoFile(t, creator.viewer, id, spec.type); }
    await publishItem(t.deps, creator.viewer, id);
    itemIds.push(id);
  }
  return { project, itemIds, fileIds };
}
