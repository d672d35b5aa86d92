// Upload helpers for tests: the JSON API as the uploader script calls it, and a creator with an item.
import { createItem } from '../../src/modules/catalog/items-service.ts';
import { createProject } from '../../src/modules/catalog/projects-service.ts';
import type { TestApp } from './app.ts';
import { signUpCreator, type TestUser } from './factories.ts';

export async function creatorWithItem(t: TestApp, opts: { tier?: string; type?: 'audio' | 'download' } = {}) {
  const creator = await signUpCreator(t, { tier: opts.tier });
  const project = await createProject(t.deps, creator.viewer, { title: 'Uploads', description: '' });
  const itemId = await createItem(t.deps, creator.viewer, project.id, { type: opts.type ?? 'download', title: 'A thing with files' });
  await creator.client.get(`/dashboard/items/${itemId}/edit?step=details`); // picks up the CSRF token
  return { creator, itemId };
}

/** JSON request with the CSRF header, as uploader.js sends it. */
export async function api(user: TestUser, method: string, path: string, body?: unknown) {
  const res = await user.client.send(path, {
    method,
    headers: { 'x-csrf-token': user.client.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = res.headers.get('content-type')?.includes('json') ? JSON.parse(res.html) as Record<string, any> : {}; // eslint-disable-line @typescript-eslint/no-explicit-any
  return { status: res.status, json };
}
