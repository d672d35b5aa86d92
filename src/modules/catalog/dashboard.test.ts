// Dashboard: access rules, the project wizard and edit page, bulk actions with confirmation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { TestClient } from '../../../test/support/client.ts';
import { checkoutKey } from '../../../test/support/commerce.ts';
import { attachDemoFile, publishedProject, signUpCreator, signUpUser, type TestUser } from '../../../test/support/factories.ts';
import { createItem, updateItem } from './items-service.ts';
import { createProject } from './projects-service.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

/** Posts a form (repeated keys allowed) with the page's CSRF token; follows a redirect like a browser. */
async function submit(c: TestClient, path: string, form: Record<string, string> | [string, string][], headers: Record<string, string> = {}) {
  const pairs = Array.isArray(form) ? form : Object.entries(form);
  const body = new URLSearchParams(pairs.some(([k]) => k === '_csrf') ? pairs : [['_csrf', c.csrf], ...pairs]);
  const res = await c.send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  const location = res.headers.get('location');
  const next = res.status === 303 && location?.startsWith('/') ? await c.get(location) : null;
  return Object.assign(res, { next });
}

const flashOf = (html: string) => /class="flash flash-(\w+)"[^>]*>([^<]*)</.exec(html)?.slice(1) ?? [];
const projectRow = (id: string) => t.deps.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
const itemRow = (id: string) => t.deps.db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();
const projectCount = async (creatorId: string) => (await t.deps.db.selectFrom('projects').select('id').where('creator_id', '=', creatorId).execute()).length;

async function item(creator: TestUser, projectId: string, type: 'audio' | 'text' | 'download', title: string, fields: Record<string, string> = {}) {
  const id = await createItem(t.deps, creator.viewer, projectId, { type, title });
  if (Object.keys(fields).length) await updateItem(t.deps, creator.viewer, id, fields);
  return id;
}

describe('access', () => {
  test('visitors are sent to log in, fans to creator onboarding', async () => {
    const anon = await new TestClient(t.app).get('/dashboard');
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.get('location'), '/login?next=%2Fdashboard');

    const fan = await signUpUser(t);
    for (const path of ['/dashboard', '/dashboard/projects/new', '/dashboard/projects/00000000-0000-4000-8000-000000000000']) {
      const res = await fan.client.get(path);
      assert.equal(res.status, 303, path);
      assert.equal(res.headers.get('location'), '/creator/start', path);
    }
    const post = await submit(fan.client, '/dashboard/projects/new', { step: 'basics', title: 'Nope' });
    assert.equal(post.status, 403);
    assert.equal(await projectCount(fan.viewer.id), 0);
  });

  test('a form without a valid CSRF token is refused and changes nothing', async () => {
    const creator = await signUpCreator(t);
    const project = await createProject(t.deps, creator.viewer, { title: 'Kept' });
    await creator.client.get('/dashboard');
    for (const token of ['', 'forged']) {
      const res = await submit(creator.client, '/dashboard/projects/bulk', { _csrf: token, action: 'delete', confirm: 'yes', ids: project.id });
      assert.equal(res.status, 403);
      const create = await submit(creator.client, '/dashboard/projects/new', { _csrf: token, step: 'review', go: 'publish', title: 'Sneaky' });
      assert.equal(create.status, 403);
      const edit = await submit(creator.client, `/dashboard/projects/${project.id}`, { _csrf: token, title: 'Changed', description: '', status: 'published' });
      assert.equal(edit.status, 403);
    }
    const row = await projectRow(project.id);
    assert.equal(row?.title, 'Kept');
    assert.equal(row?.status, 'draft');
    assert.equal(await projectCount(creator.viewer.id), 1);
  });
});

describe('overview', () => {
  test('a new creator gets a friendly empty state and the settings link', async () => {
    const creator = await signUpCreator(t);
    const page = await creator.client.get('/dashboard');
    assert.equal(page.status, 200);
    assert.match(page.html, /Create your first project/);
    assert.match(page.html, /href="\/dashboard\/projects\/new"/);
    assert.match(page.html, /href="\/dashboard\/settings"/);
    assert.doesNotMatch(page.html, /<table/);
  });

  test('lists projects (status, item count, edit and public links) and items (type, project, status, AI label)', async () => {
    const creator = await signUpCreator(t);
    const project = await createProject(t.deps, creator.viewer, { title: 'Night Drives' });
    await item(creator, project.id, 'audio', 'Tunnel', { ai_use: 'handmade' });
    await item(creator, project.id, 'text', 'Liner notes');
    const page = await creator.client.get('/dashboard');
    assert.match(page.html, new RegExp(`href="/dashboard/projects/${project.id}">Night Drives`));
    assert.match(page.html, new RegExp(`href="/@${creator.viewer.username}/${project.slug}"`));
    assert.match(page.html, /<td>2<\/td>/, 'item count');
    assert.match(page.html, /badge-draft/);
    assert.match(page.html, /Tunnel[\s\S]*Audio[\s\S]*Night Drives[\s\S]*Handmade/);
    assert.match(page.html, /Liner notes[\s\S]*Text[\s\S]*Missing — needed to publish/);
    assert.match(page.html, /action="\/dashboard\/items\/bulk"/);
    assert.match(page.html, /action="\/dashboard\/projects\/bulk"/);
  });
});

describe('project wizard', () => {
  test('basics → review → create as draft or published; nothing is stored before the last step', async () => {
    const creator = await signUpCreator(t);
    const c = creator.client;
    const basics = await c.get('/dashboard/projects/new');
    assert.equal(basics.status, 200);
    assert.match(basics.html, /<nav aria-label="Steps"/);
    assert.match(basics.html, /aria-current="step">Basics/);

    const review = await submit(c, '/dashboard/projects/new', { step: 'basics', title: '  Field Notes  ', description: 'Recorded **outdoors**.' });
    assert.equal(review.status, 200);
    assert.match(review.html, /aria-current="step">Review &amp; publish/);
    assert.match(review.html, /<strong>outdoors<\/strong>/, 'description rendered as markdown');
    assert.match(review.html, new RegExp(`/@${creator.viewer.username}/field-notes`));
    assert.equal(await projectCount(creator.viewer.id), 0, 'not saved yet');

    const back = await submit(c, '/dashboard/projects/new', { step: 'review', go: 'back', title: 'Field Notes', description: 'Recorded **outdoors**.' });
    assert.match(back.html, /aria-current="step">Basics/);
    assert.match(back.html, /value="Field Notes"/);
    assert.match(back.html, /Recorded \*\*outdoors\*\*\./);

    const draft = await submit(c, '/dashboard/projects/new', { step: 'review', go: 'draft', title: 'Field Notes', description: 'Recorded **outdoors**.' });
    assert.equal(draft.status, 303);
    const draftId = /\/dashboard\/projects\/([0-9a-f-]{36})$/.exec(draft.headers.get('location') ?? '')![1]!;
    assert.equal((await projectRow(draftId))?.status, 'draft');
    assert.match(draft.next!.html, /Project created as a draft/);
    assert.match(draft.next!.html, new RegExp(`href="/dashboard/projects/${draftId}/items/new"`));

    const published = await submit(c, '/dashboard/projects/new', { step: 'review', go: 'publish', title: 'Field Notes', description: '' });
    const publishedId = /([0-9a-f-]{36})$/.exec(published.headers.get('location') ?? '')![1]!;
    const row = await projectRow(publishedId);
    assert.equal(row?.status, 'published');
    assert.equal(row?.slug, 'field-notes-2', 'the second project with the same title gets its own address');
  });

  test('bad titles get a message beside the field, keep what was typed, and create nothing', async () => {
    const creator = await signUpCreator(t);
    await creator.client.get('/dashboard/projects/new');
    const cases: [string, RegExp][] = [
      ['', /Title is required/],
      ['   \t  ', /Title is required/],
      ['x'.repeat(10_000), /at most 200 characters \(it has 10000\)/],
      ['nul\u0000title', /control characters/],
      ['two\nlines', /single line/],
    ];
    for (const [title, message] of cases) {
      for (const step of ['basics', 'review']) {
        const res = await submit(creator.client, '/dashboard/projects/new', { step, go: 'publish', title, description: 'kept text' });
        assert.equal(res.status, 422, JSON.stringify(title).slice(0, 30));
        assert.match(res.html, message);
        assert.match(res.html, /class="field field-invalid"/);
        assert.match(res.html, /kept text/);
      }
    }
    const longDescription = await submit(creator.client, '/dashboard/projects/new', { step: 'basics', title: 'ok', description: 'd'.repeat(20_001) });
    assert.equal(longDescription.status, 422);
    assert.match(longDescription.html, /Description must be at most 20000/);
    assert.equal(await projectCount(creator.viewer.id), 0);
  });

  test('emoji and right-to-left titles are accepted as typed', async () => {
    const creator = await signUpCreator(t);
    await creator.client.get('/dashboard/projects/new');
    for (const title of ['🎧 Late Night 🌙', 'موسيقى الليل', 'שירים 2026']) {
      const res = await submit(creator.client, '/dashboard/projects/new', { step: 'review', go: 'draft', title });
      assert.equal(res.status, 303, title);
      const id = /([0-9a-f-]{36})$/.exec(res.headers.get('location') ?? '')![1]!;
      assert.equal((await projectRow(id))?.title, title);
      assert.match(res.next!.html, new RegExp(title));
    }
  });
});

describe('project edit page', () => {
  test('shows the items and Add item; saves title, description and status; rejects a bad status', async () => {
    const creator = await signUpCreator(t);
    const project = await createProject(t.deps, creator.viewer, { title: 'Album', description: 'old' });
    await item(creator, project.id, 'audio', 'Track one');
    const c = creator.client;
    const page = await c.get(`/dashboard/projects/${project.id}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /Track one/);
    assert.match(page.html, new RegExp(`href="/dashboard/projects/${project.id}/items/new"[^>]*>Add item`));

    const bad = await submit(c, `/dashboard/projects/${project.id}`, { title: 'New name', description: 'new', status: 'archived' });
    assert.equal(bad.status, 422);
    assert.match(bad.html, /Choose draft, published or unpublished/);
    assert.match(bad.html, /value="New name"/);
    assert.equal((await projectRow(project.id))?.title, 'Album', 'nothing saved when one field is wrong');

    const ok = await submit(c, `/dashboard/projects/${project.id}`, { title: 'Album (deluxe)', description: 'new', status: 'published' });
    assert.equal(ok.status, 303);
    assert.deepEqual(flashOf(ok.next!.html), ['success', 'Project saved.']);
    const row = await projectRow(project.id);
    assert.equal(row?.title, 'Album (deluxe)');
    assert.equal(row?.description, 'new');
    assert.equal(row?.status, 'published');
  });
});

describe('bulk actions', () => {
  test('publish reports items held back for a missing AI label; unpublish; nothing selected', async () => {
    const creator = await signUpCreator(t);
    const project = await createProject(t.deps, creator.viewer, { title: 'Mixed' });
    const labelled = await item(creator, project.id, 'audio', 'Labelled', { ai_use: 'handmade' });
    await attachDemoFile(t, creator.viewer, labelled, 'audio');
    const unlabelled = await item(creator, project.id, 'audio', 'No label yet');
    await creator.client.get('/dashboard');

    const res = await submit(creator.client, '/dashboard/items/bulk', [['action', 'publish'], ['ids', labelled], ['ids', unlabelled]]);
    assert.equal(res.status, 303);
    const [kind, message] = flashOf(res.next!.html);
    assert.equal(kind, 'info');
    assert.match(message!, /Published 1 item\./);
    assert.match(message!, /1 item was not published because the AI-use label is missing: “No label yet”/);
    assert.equal((await itemRow(labelled))?.status, 'published');
    assert.equal((await itemRow(unlabelled))?.status, 'draft');

    const off = await submit(creator.client, '/dashboard/items/bulk', [['action', 'unpublish'], ['ids', labelled]]);
    assert.match(flashOf(off.next!.html)[1]!, /Unpublished 1 item/);
    assert.equal((await itemRow(labelled))?.status, 'unpublished');

    const none = await submit(creator.client, '/dashboard/items/bulk', [['action', 'publish']]);
    assert.deepEqual(flashOf(none.next!.html), ['error', 'Select at least one item first.']);
    const unknown = await submit(creator.client, '/dashboard/items/bulk', [['action', 'explode'], ['ids', labelled]]);
    assert.equal(flashOf(unknown.next!.html)[0], 'error');
    assert.equal((await itemRow(labelled))?.status, 'unpublished');
  });

  test('deleting items asks first, listing them, and deletes on the second post', async () => {
    const creator = await signUpCreator(t);
    const project = await createProject(t.deps, creator.viewer, { title: 'Box' });
    const a = await item(creator, project.id, 'download', 'Preset pack');
    const b = await item(creator, project.id, 'text', 'Manual');
    const keep = await item(creator, project.id, 'text', 'Keep me');
    await creator.client.get('/dashboard');

    const confirm = await submit(creator.client, '/dashboard/items/bulk', [['action', 'delete'], ['ids', a], ['ids', b]]);
    assert.equal(confirm.status, 200);
    assert.match(confirm.html, /Delete 2 items\?/);
    assert.match(confirm.html, /<strong>Preset pack<\/strong>/);
    assert.match(confirm.html, /<strong>Manual<\/strong>/);
    assert.doesNotMatch(confirm.html, /Keep me/);
    assert.match(confirm.html, /name="confirm" value="yes"/);
    assert.ok(await itemRow(a), 'nothing deleted before confirming');

    const ids = [...confirm.html.matchAll(/name="ids" value="([^"]+)"/g)].map((m) => m[1]!);
    const done = await submit(creator.client, '/dashboard/items/bulk', [['action', 'delete'], ['confirm', 'yes'], ...ids.map((id): [string, string] => ['ids', id])]);
    assert.equal(done.status, 303);
    assert.deepEqual(flashOf(done.next!.html), ['success', 'Deleted 2 items.']);
    assert.equal(await itemRow(a), undefined);
    assert.equal(await itemRow(b), undefined);
    assert.ok(await itemRow(keep));
  });

  test('projects: publish, unpublish, and delete with confirmation (items go too)', async () => {
    const creator = await signUpCreator(t);
    const p1 = await createProject(t.deps, creator.viewer, { title: 'First' });
    const p2 = await createProject(t.deps, creator.viewer, { title: 'Second' });
    const inside = await item(creator, p1.id, 'audio', 'Inside');
    await creator.client.get('/dashboard');

    const pub = await submit(creator.client, '/dashboard/projects/bulk', [['action', 'publish'], ['ids', p1.id], ['ids', p2.id]]);
    assert.match(flashOf(pub.next!.html)[1]!, /Published 2 projects/);
    assert.equal((await projectRow(p2.id))?.status, 'published');
    await submit(creator.client, '/dashboard/projects/bulk', [['action', 'unpublish'], ['ids', p2.id]]);
    assert.equal((await projectRow(p2.id))?.status, 'unpublished');

    // From the project page: the same confirmation.
    const projectPage = await creator.client.get(`/dashboard/projects/${p1.id}`);
    assert.match(projectPage.html, /Delete this project/);
    const confirm = await submit(creator.client, '/dashboard/projects/bulk', { action: 'delete', ids: p1.id });
    assert.equal(confirm.status, 200);
    assert.match(confirm.html, /Delete 1 project\?/);
    assert.match(confirm.html, /First[\s\S]*and its 1 item/);
    assert.ok(await projectRow(p1.id));
    const done = await submit(creator.client, '/dashboard/projects/bulk', { action: 'delete', ids: p1.id, confirm: 'yes' });
    assert.match(flashOf(done.next!.html)[1]!, /Deleted 1 project/);
    assert.equal(await projectRow(p1.id), undefined);
    assert.equal(await itemRow(inside), undefined);
    assert.ok(await projectRow(p2.id));
  });

  test('deleting what people bought or claimed says how many own it and what happens to them, which is what happens', async () => {
    const creator = await signUpCreator(t);
    const { project, itemIds: [paid = '', free = ''] } = await publishedProject(t, creator, 'Owned shop', [
      { type: 'download', title: 'Paid pack', fields: { price_kind: 'fixed', price_amount: '4.00' } },
      { type: 'download', title: 'Free pack', fields: { price_kind: 'free' } }]);
    const buyer = await signUpUser(t);
    await buyer.client.get(`/i/${paid}`);
    const checkout = await buyer.client.post(`/i/${paid}/checkout`, { checkout_key: checkoutKey() });
    await buyer.client.post(checkout.headers.get('location')!, { outcome: 'pay' });
    const fan = await signUpUser(t);
    await fan.client.get(`/i/${free}`);
    await fan.client.post(`/i/${free}/checkout`, { checkout_key: checkoutKey() });
    const ledger = () => t.deps.db.selectFrom('order_ledger').selectAll().where('creator_id', '=', creator.viewer.id).orderBy('kind').execute();
    assert.deepEqual((await ledger()).map((o) => [o.kind, o.entitled]), [['claim', true], ['purchase', true]]);
    await creator.client.get('/dashboard');

    const confirmProject = await submit(creator.client, '/dashboard/projects/bulk', { action: 'delete', ids: project.id });
    assert.match(confirmProject.html, /Owned shop[\s\S]*and its 2 items[\s\S]*owned by 2 buyers and fans/);
    assert.match(confirmProject.html, /2 buyers and fans own items in it \(bought or claimed free\)/);
    assert.match(confirmProject.html, /they can no longer open, play,\s+read or download it/);
    assert.match(confirmProject.html, /Nothing is refunded automatically/);
    const confirmItem = await submit(creator.client, '/dashboard/items/bulk', { action: 'delete', ids: paid });
    assert.match(confirmItem.html, /1 buyer or fan owns it/);
    // Nobody owns a project with no sales: no warning.
    const quiet = await createProject(t.deps, creator.viewer, { title: 'Unsold' });
    assert.doesNotMatch((await submit(creator.client, '/dashboard/projects/bulk', { action: 'delete', ids: quiet.id })).html, /own/);

    await submit(creator.client, '/dashboard/projects/bulk', { action: 'delete', ids: project.id, confirm: 'yes' });
    // As the page said: the orders stay, unrefunded; the library keeps the title without a link.
    assert.deepEqual((await ledger()).map((o) => [o.kind, o.amount_refunded]), [['claim', 0], ['purchase', 0]]);
    const library = await buyer.client.get('/library');
    assert.match(library.html, /Paid pack<\/span>(?:(?!<\/li>)[^])*removed by the creator — no longer available/);
    assert.doesNotMatch(library.html, new RegExp(`href="/i/${paid}`));
  });
});
