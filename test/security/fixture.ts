// The cast of the security tests: an owner (a creator with a published project, an item with a
// version, chapters, an upload and a sale), another creator, a fan who bought the owner's item,
// an admin, and an anonymous visitor — all made through the real forms and services.
import { setAdminRole } from '../../src/modules/accounts/index.ts';
import { addVersion, setChapters } from '../../src/modules/catalog/items-service.ts';
import type { TestApp } from '../support/app.ts';
import { TestClient } from '../support/client.ts';
import { checkoutKey } from '../support/commerce.ts';
import { publishedProject, signUpCreator, signUpUser, viewerOf, type TestUser } from '../support/factories.ts';
import { api, uploadThroughPipeline } from '../support/uploads.ts';
import { WESNOTH_MUSIC_DIR } from '../../src/modules/media/processing/fixtures.ts';

export const ROLES = ['anonymous', 'fan', 'other', 'owner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Cast {
  clients: Record<Role, TestClient>;
  users: Record<Exclude<Role, 'anonymous'>, TestUser>;
  ids: { project: string; projectSlug: string; item: string; version: string; file: string; order: string; session: string; otherItem: string; track: string };
}

/** A second, fresh session of a user (for routes that end the session they are sent with). */
export async function logIn(t: TestApp, user: TestUser): Promise<TestClient> {
  const client = new TestClient(t.app, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0' });
  await client.get('/login');
  const res = await client.post('/login', { identifier: user.viewer.username, password: user.password });
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  return client;
}

/** `track`: also a real track through the real pipeline on the owner's item (for the playback routes). */
export async function makeCast(t: TestApp, opts: { track?: boolean } = {}): Promise<Cast> {
  // In development the first account becomes an admin: take that seat with a bystander so the
  // owner is only an owner.
  await signUpUser(t);
  const owner = await signUpCreator(t);
  const other = await signUpCreator(t);
  const fan = await signUpUser(t);
  const admin = await signUpUser(t);
  await setAdminRole(t.deps, admin.viewer.username, true);
  admin.viewer = await viewerOf(t, admin.viewer.username);

  const { project, itemIds: [item = ''] } = await publishedProject(t, owner, 'Owner’s album', [
    { type: 'audio', title: 'Owner’s track', fields: { price_kind: 'fixed', price_amount: '4.00', tags: 'music/ambient', preview_mode: 'off' } }]);
  await addVersion(t.deps, owner.viewer, item, { label: '1.0', released_on: '2026-01-01' });
  await setChapters(t.deps, owner.viewer, item, { chapters: '0:00 Intro' });
  const version = (await t.deps.db.selectFrom('item_versions').select('id').where('item_id', '=', item).executeTakeFirstOrThrow()).id;
  await owner.client.get(`/dashboard/items/${item}/edit?step=details`);
  const track = opts.track ? await uploadThroughPipeline(t, owner, item, `${WESNOTH_MUSIC_DIR}/defeat.ogg`) : '';
  const upload = await api(owner, 'POST', '/api/uploads', { fileName: 'take.wav', size: 1000, type: 'audio/wav', itemId: item });
  if (upload.status !== 201) throw new Error(`upload start: ${upload.status} ${JSON.stringify(upload.json)}`);
  const { itemIds: [otherItem = ''] } = await publishedProject(t, other, 'Other’s shop', [{ type: 'download', title: 'Other’s thing' }]);

  // The fan buys the owner's track with the local TEST MODE checkout.
  await fan.client.get(`/i/${item}`);
  const checkout = await fan.client.post(`/i/${item}/checkout`, { checkout_key: checkoutKey() });
  const session = checkout.headers.get('location')!.split('/').pop()!;
  await fan.client.post(`/checkout/test/${session}`, { outcome: 'pay' });
  const order = (await t.deps.db.selectFrom('order_lines').select('order_id').where('item_id', '=', item).executeTakeFirstOrThrow()).order_id;

  const anonymous = new TestClient(t.app, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0' });
  await anonymous.get('/');
  for (const u of [owner, other, fan, admin]) await u.client.get('/');
  return {
    clients: { anonymous, fan: fan.client, other: other.client, owner: owner.client, admin: admin.client },
    users: { fan, other, owner, admin },
    ids: { project: project.id, projectSlug: project.slug, item, version, file: upload.json.id as string, order, session, otherItem, track },
  };
}
