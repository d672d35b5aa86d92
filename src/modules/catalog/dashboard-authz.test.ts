// Authorisation: creator B tries every dashboard route with creator A's ids (and with
// malformed ids). Every one answers 404 — not 403, so existence does not leak — and A's rows
// are exactly as they were. Bulk actions with a mix of ids change only B's own rows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import type { TestClient } from '../../../test/support/client.ts';
import { checkoutKey } from '../../../test/support/commerce.ts';
import { publishedProject, signUpCreator, signUpUser, type TestUser } from '../../../test/support/factories.ts';
import { api } from '../../../test/support/uploads.ts';
import { addVersion, createItem, setChapters, updateItem } from './items-service.ts';
import { createProject } from './projects-service.ts';

let t: TestApp;
let a: TestUser;
let b: TestUser;
const A = { project: '', audio: '', version: '', file: '', order: '' };
const B = { project: '', audio: '', version: '', file: '', order: '' };

before(async () => {
  t = await createTestApp();
  a = await signUpCreator(t);
  b = await signUpCreator(t);
  for (const [user, ids] of [[a, A], [b, B]] as const) {
    ids.project = (await createProject(t.deps, user.viewer, { title: `${user.viewer.username}'s project`, description: 'original' })).id;
    ids.audio = await createItem(t.deps, user.viewer, ids.project, { type: 'audio', title: `${user.viewer.username}'s track` });
    await updateItem(t.deps, user.viewer, ids.audio, { tags: 'music/ambient', price_kind: 'fixed', price_amount: '5' });
    await addVersion(t.deps, user.viewer, ids.audio, { label: '1.0', released_on: '2026-01-01' });
    await setChapters(t.deps, user.viewer, ids.audio, { chapters: '0:00 Intro' });
    ids.version = (await t.deps.db.selectFrom('item_versions').select('id').where('item_id', '=', ids.audio).executeTakeFirstOrThrow()).id;
    await user.client.get(`/dashboard/items/${ids.audio}/edit?step=details`);
    const started = await api(user, 'POST', '/api/uploads', { fileName: 'take.wav', size: 1000, type: 'audio/wav', itemId: ids.audio });
    assert.equal(started.status, 201, JSON.stringify(started.json));
    ids.file = started.json.id as string;
    // A paid sale of the creator's, so the refund route has a real order to aim at.
    const { itemIds: [forSale = ''] } = await publishedProject(t, user, `${user.viewer.username}'s shop`, [
      { type: 'download', title: 'For sale', fields: { price_kind: 'fixed', price_amount: '4.00' } }]);
    const fan = await signUpUser(t);
    await fan.client.get(`/i/${forSale}`);
    const checkout = await fan.client.post(`/i/${forSale}/checkout`, { checkout_key: checkoutKey() });
    await fan.client.post(checkout.headers.get('location')!, { outcome: 'pay' });
    ids.order = (await t.deps.db.selectFrom('order_lines').select('order_id').where('item_id', '=', forSale).executeTakeFirstOrThrow()).order_id;
  }
  await b.client.get('/dashboard');
});
after(() => t.close());

async function submit(c: TestClient, path: string, form: [string, string][]) {
  const body = new URLSearchParams([['_csrf', c.csrf], ...form]);
  return c.send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

/** Everything that belongs to a creator, for before/after comparison. */
async function snapshot(creatorId: string) {
  const db = t.deps.db;
  const projects = await db.selectFrom('projects').selectAll().where('creator_id', '=', creatorId).orderBy('id').execute();
  const items = await db.selectFrom('items').selectAll().where('creator_id', '=', creatorId).orderBy('id').execute();
  const itemIds = items.map((i) => i.id);
  const versions = await db.selectFrom('item_versions').selectAll().where('item_id', 'in', itemIds).orderBy('id').execute();
  const chapters = await db.selectFrom('item_chapters').selectAll().where('item_id', 'in', itemIds).orderBy('id').execute();
  const tags = await db.selectFrom('item_tags').selectAll().where('item_id', 'in', itemIds).orderBy('item_id').orderBy('tag_path').execute();
  const files = await db.selectFrom('media_files').selectAll().where('creator_id', '=', creatorId).orderBy('id').execute();
  const sales = await db.selectFrom('order_ledger').selectAll().where('creator_id', '=', creatorId).orderBy('order_id').execute();
  return { projects, items, versions, chapters, tags, files, sales };
}

// Each id-taking route with the form a real attacker would send: valid, complete input, so a
// missing ownership check would show up as a change.
const STEP_FORMS: Record<string, [string, string][]> = {
  details: [['title', 'Hijacked'], ['description', 'x'], ['tags', 'stolen'], ['release_date', '2020-01-01'], ['go', 'next']],
  pricing: [['price_kind', 'free'], ['go', 'next']],
  ai: [['ai_use', 'generated'], ['go', 'next']],
  review: [['go', 'next']],
};

function attacks(ids: { project: string; item: string; version: string; file: string; order: string }): { method: 'GET' | 'POST'; route: string; path: string; form: [string, string][] }[] {
  const list: { method: 'GET' | 'POST'; route: string; path: string; form: [string, string][] }[] = [
    { method: 'GET', route: '/dashboard/projects/:id', path: `/dashboard/projects/${ids.project}`, form: [] },
    { method: 'POST', route: '/dashboard/projects/:id', path: `/dashboard/projects/${ids.project}`, form: [['title', 'Hijacked'], ['description', ''], ['status', 'published']] },
    { method: 'GET', route: '/dashboard/projects/:id/items/new', path: `/dashboard/projects/${ids.project}/items/new`, form: [] },
    { method: 'POST', route: '/dashboard/projects/:id/items/new', path: `/dashboard/projects/${ids.project}/items/new`, form: [['type', 'audio'], ['title', 'Planted']] },
    { method: 'POST', route: '/dashboard/items/:id/publish', path: `/dashboard/items/${ids.item}/publish`, form: [] },
    { method: 'GET', route: '/dashboard/items/:id/publish', path: `/dashboard/items/${ids.item}/publish`, form: [] },
    { method: 'POST', route: '/dashboard/items/:id/unpublish', path: `/dashboard/items/${ids.item}/unpublish`, form: [] },
    { method: 'POST', route: '/dashboard/items/:id/versions', path: `/dashboard/items/${ids.item}/versions`, form: [['label', '9.9']] },
    { method: 'POST', route: '/dashboard/items/:id/versions/:versionId/delete', path: `/dashboard/items/${ids.item}/versions/${ids.version}/delete`, form: [] },
    { method: 'POST', route: '/dashboard/items/:id/chapters', path: `/dashboard/items/${ids.item}/chapters`, form: [['chapters', '0:00 Hijacked']] },
    { method: 'GET', route: '/dashboard/items/:id/files', path: `/dashboard/items/${ids.item}/files`, form: [] },
    { method: 'GET', route: '/dashboard/items/:id/files/upload', path: `/dashboard/items/${ids.item}/files/upload`, form: [] },
    { method: 'POST', route: '/dashboard/items/:id/files/upload', path: `/dashboard/items/${ids.item}/files/upload`, form: [] },
    { method: 'POST', route: '/dashboard/media/:id/reprocess', path: `/dashboard/media/${ids.file}/reprocess`, form: [] },
    { method: 'POST', route: '/dashboard/media/:id/delete', path: `/dashboard/media/${ids.file}/delete`, form: [['confirm', 'yes']] },
    { method: 'GET', route: '/dashboard/projects/:id/tracks', path: `/dashboard/projects/${ids.project}/tracks`, form: [] },
    // Covers and album tracks name their target in the query string.
    { method: 'GET', route: '/dashboard/media/image-slot', path: `/dashboard/media/image-slot?target=item_cover&itemId=${ids.item}`, form: [] },
    { method: 'POST', route: '/dashboard/media/image-slot/remove', path: `/dashboard/media/image-slot/remove?target=project_cover&projectId=${ids.project}`, form: [] },
    { method: 'POST', route: '/dashboard/media/upload', path: `/dashboard/media/upload?target=track&projectId=${ids.project}`, form: [] },
    { method: 'GET', route: '/dashboard/sales/:orderId/refund', path: `/dashboard/sales/${ids.order}/refund`, form: [] },
    { method: 'POST', route: '/dashboard/sales/:orderId/refund', path: `/dashboard/sales/${ids.order}/refund`, form: [['confirm', 'yes']] },
  ];
  for (const [step, form] of Object.entries(STEP_FORMS)) {
    list.push({ method: 'GET', route: '/dashboard/items/:id/edit', path: `/dashboard/items/${ids.item}/edit?step=${step}`, form: [] });
    list.push({ method: 'POST', route: '/dashboard/items/:id/edit', path: `/dashboard/items/${ids.item}/edit?step=${step}`, form });
  }
  return list;
}

describe('another creator\'s ids', () => {
  test('the attack list covers every dashboard route that takes an id', () => {
    const routes = new Set(t.app.routes.filter((r) => ['GET', 'POST'].includes(r.method) && r.path.startsWith('/dashboard/') && r.path.includes('/:'))
      .map((r) => `${r.method} ${r.path}`));
    const covered = new Set(attacks({ project: 'p', item: 'i', version: 'v', file: 'f', order: 'o' }).map((x) => `${x.method} ${x.route}`));
    assert.ok(routes.size >= 11, [...routes].join(', '));
    for (const route of routes) assert.ok(covered.has(route), `${route} is not tried by the authorisation test`);
  });

  test('every route answers 404 to creator B for creator A\'s project, item and version ids, and A is unchanged', async () => {
    const before = await snapshot(a.viewer.id);
    const tried: string[] = [];
    // A's ids everywhere; also B's own item with A's version (a foreign child under an owned parent).
    const cases = [...attacks({ project: A.project, item: A.audio, version: A.version, file: A.file, order: A.order }),
      ...attacks({ project: B.project, item: B.audio, version: A.version, file: A.file, order: A.order }).filter((x) => x.route.includes(':versionId'))];
    for (const x of cases) {
      const res = x.method === 'GET' ? await b.client.get(x.path) : await submit(b.client, x.path, x.form);
      assert.equal(res.status, 404, `${x.method} ${x.path}`);
      assert.doesNotMatch(res.html, /Hijacked|original/, 'nothing of A\'s shows in the 404 page');
      tried.push(`${x.method} ${x.route}`);
    }
    assert.deepEqual(await snapshot(a.viewer.id), before);
    assert.equal(new Set(tried).size, 23, "every id-taking route was tried");
  });

  test('malformed ids are 404 too', async () => {
    const before = await snapshot(b.viewer.id);
    for (const bad of ['not-a-uuid', '123', `${B.audio}x`, B.audio.toUpperCase().replace(/-/g, ''), '%00', "1' OR '1'='1"]) {
      const enc = encodeURIComponent(bad);
      for (const x of attacks({ project: enc, item: enc, version: B.version, file: enc, order: enc })) {
        const res = x.method === 'GET' ? await b.client.get(x.path) : await submit(b.client, x.path, x.form);
        assert.equal(res.status, 404, `${x.method} ${x.path}`);
      }
      const version = await submit(b.client, `/dashboard/items/${B.audio}/versions/${enc}/delete`, []);
      assert.equal(version.status, 404, `version ${bad}`);
    }
    assert.deepEqual(await snapshot(b.viewer.id), before);
  });

  test('bulk actions with mixed ids change only B\'s own rows', async () => {
    const aBefore = await snapshot(a.viewer.id);
    const junk = ['nonsense', '00000000-0000-4000-8000-000000000000'];
    const bItem2 = await createItem(t.deps, b.viewer, B.project, { type: 'text', title: 'B second' });
    await updateItem(t.deps, b.viewer, bItem2, { ai_use: 'handmade', body: 'Something to read.' });
    await b.client.get('/dashboard');

    const ids = (...list: string[]): [string, string][] => [...list, ...junk].map((id) => ['ids', id]);
    assert.equal((await submit(b.client, '/dashboard/items/bulk', [['action', 'publish'], ...ids(A.audio, bItem2)])).status, 303);
    assert.equal((await submit(b.client, '/dashboard/projects/bulk', [['action', 'publish'], ...ids(A.project, B.project)])).status, 303);
    const bItems = await t.deps.db.selectFrom('items').select(['id', 'status']).where('id', '=', bItem2).executeTakeFirstOrThrow();
    assert.equal(bItems.status, 'published');
    assert.equal((await t.deps.db.selectFrom('projects').select('status').where('id', '=', B.project).executeTakeFirstOrThrow()).status, 'published');
    await submit(b.client, '/dashboard/items/bulk', [['action', 'unpublish'], ...ids(A.audio, bItem2)]);
    await submit(b.client, '/dashboard/projects/bulk', [['action', 'unpublish'], ...ids(A.project)]);

    // The confirmation lists only B's own rows, and the confirmed delete removes only those.
    const confirmItems = await submit(b.client, '/dashboard/items/bulk', [['action', 'delete'], ...ids(A.audio, bItem2)]);
    assert.equal(confirmItems.status, 200);
    assert.doesNotMatch(confirmItems.html, new RegExp(A.audio));
    assert.match(confirmItems.html, /Delete 1 item\?/);
    const confirmProjects = await submit(b.client, '/dashboard/projects/bulk', [['action', 'delete'], ...ids(A.project)]);
    assert.equal(confirmProjects.status, 303, 'nothing of B\'s selected: back to the dashboard');
    assert.equal((await submit(b.client, '/dashboard/items/bulk', [['action', 'delete'], ['confirm', 'yes'], ...ids(A.audio, bItem2)])).status, 303);
    assert.equal((await submit(b.client, '/dashboard/projects/bulk', [['action', 'delete'], ['confirm', 'yes'], ...ids(A.project)])).status, 303);

    assert.equal(await t.deps.db.selectFrom('items').select('id').where('id', '=', bItem2).executeTakeFirst(), undefined);
    assert.deepEqual(await snapshot(a.viewer.id), aBefore);
  });
});
