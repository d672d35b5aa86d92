// Public pages and who may see what: drafts and unpublished work are 404 for everyone but the owner.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { publishedProject, signUpCreator, signUpUser, type TestUser } from '../../../test/support/factories.ts';
import { TestClient } from '../../../test/support/client.ts';
import { createItem, updateItem } from './items-service.ts';
import { createProject, setProjectsStatus } from './projects-service.ts';
import { setItemsStatus } from './items-service.ts';

let t: TestApp;
let owner: TestUser;
let other: TestUser;
let anon: TestClient;
before(async () => {
  t = await createTestApp();
  owner = await signUpCreator(t, { currency: 'JPY' });
  other = await signUpCreator(t);
  anon = new TestClient(t.app);
});
after(() => t.close());

test('a new creator\'s page has a friendly empty state; fans and unknown names are 404', async () => {
  const fresh = await signUpCreator(t);
  const page = await anon.get(`/@${fresh.viewer.username}`);
  assert.equal(page.status, 200);
  assert.match(page.html, /hasn(&#39;|')t published anything yet/);
  const own = await fresh.client.get(`/@${fresh.viewer.username}`);
  assert.match(own.html, /Edit profile/);
  const fan = await signUpUser(t);
  assert.equal((await anon.get(`/@${fan.viewer.username}`)).status, 404);
  assert.equal((await anon.get('/@nobody-here')).status, 404);
  const upper = await anon.get(`/@${fresh.viewer.username.toUpperCase()}`);
  assert.equal(upper.status, 301);
  assert.equal(upper.headers.get('location'), `/@${fresh.viewer.username}`);
});

test('published work is public; drafts and unpublished work are the owner\'s alone', async () => {
  const { project, itemIds: [published] } = await publishedProject(t, owner, 'Café Mélancolie', [
    { type: 'audio', title: 'Première', fields: { price_kind: 'fixed', price_amount: '1500' } },
  ]);
  const draft = await createItem(t.deps, owner.viewer, project.id, { type: 'audio', title: 'Secret demo' });
  const url = `/@${owner.viewer.username}/${project.slug}`;
  assert.equal(project.slug, 'cafe-melancolie');

  const page = await anon.get(url);
  assert.equal(page.status, 200);
  assert.match(page.html, /Première/);
  assert.match(page.html, /¥1,500/);
  assert.doesNotMatch(page.html, /Secret demo/);
  assert.match((await owner.client.get(url)).html, /Secret demo/);

  for (const viewer of [anon, other.client]) {
    assert.equal((await viewer.get(`/i/${published}`)).status, 200);
    assert.equal((await viewer.get(`/i/${draft}`)).status, 404, 'a draft item is 404, not 403');
  }
  assert.equal((await owner.client.get(`/i/${draft}`)).status, 200);
  assert.equal((await anon.get('/i/not-a-uuid')).status, 404);
  assert.equal((await anon.get('/i/00000000-0000-0000-0000-000000000000')).status, 404);

  await setItemsStatus(t.deps, owner.viewer, [published!], 'unpublished');
  assert.equal((await anon.get(`/i/${published}`)).status, 404);
  await setItemsStatus(t.deps, owner.viewer, [published!], 'published');
  await setProjectsStatus(t.deps, owner.viewer, [project.id], 'unpublished');
  assert.equal((await anon.get(url)).status, 404, 'an unpublished project hides its page');
  assert.equal((await anon.get(`/i/${published}`)).status, 404, '…and its items');
  assert.equal((await owner.client.get(url)).status, 200);
  assert.equal((await anon.get(`/@${owner.viewer.username}`)).html.includes('Café Mélancolie'), false);
});

test('paid text shows only the preview to others; the owner and free texts show everything', async () => {
  const body = 'The free opening.\n\n<!-- more -->\n\nThe paid ending.';
  const { itemIds: [paid, free, unmarked] } = await publishedProject(t, owner, 'Essays', [
    { type: 'text', title: 'Paid essay', fields: { body, price_kind: 'fixed', price_amount: '500' } },
    { type: 'text', title: 'Free essay', fields: { body, price_kind: 'free' } },
    { type: 'text', title: 'No marker', fields: { body: 'All of it is paid.', price_kind: 'pwyw', price_amount: '100', price_suggested: '300' } },
  ]);
  const paidPage = await anon.get(`/i/${paid}`);
  assert.match(paidPage.html, /The free opening/);
  assert.doesNotMatch(paidPage.html, /The paid ending/);
  assert.match(paidPage.html, /Keep reading/);
  assert.match((await owner.client.get(`/i/${paid}`)).html, /The paid ending/);
  const freePage = await anon.get(`/i/${free}`);
  assert.match(freePage.html, /The paid ending/);
  assert.doesNotMatch(freePage.html, /more --&gt;|<!-- more -->/);
  const unmarkedPage = await anon.get(`/i/${unmarked}`);
  assert.doesNotMatch(unmarkedPage.html, /All of it is paid/, 'without a marker nothing is given away');
  assert.match(unmarkedPage.html, /Pay what you want \(at least ¥100, suggested ¥300\)/);
});

test('markdown and text fields render inert', async () => {
  const { itemIds: [id] } = await publishedProject(t, owner, 'XSS <script>alert(1)</script>', [{
    type: 'download', title: '<img src=x onerror=alert(1)>',
    fields: { description: '[click](javascript:alert(1)) <script>alert(2)</script> <img src="x" onerror="alert(3)">', credits: '<b onclick=x>me</b>' },
  }]);
  const page = await anon.get(`/i/${id}`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.html, /<script>alert/i, 'no live script element');
  assert.doesNotMatch(page.html, /<[a-z][^>]*\son\w+\s*=/i, 'no element with an event handler');
  assert.doesNotMatch(page.html, /href\s*=\s*["']?\s*javascript:/i, 'no javascript: link');
  assert.match(page.html, /&lt;img src=x onerror=alert\(1\)&gt;/);
});
