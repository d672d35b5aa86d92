// Navigation to the money pages: creators reach /dashboard/sales from the nav and the dashboard;
// /admin lists the admin pages for admins only (404 for everyone else, links hidden too).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { TestClient } from '../../../test/support/client.ts';
import { signUpCreator, signUpUser } from '../../../test/support/factories.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

const navOf = (html: string) => /<nav class="nav" aria-label="Main">([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';

test('creators find Sales in the nav and on the dashboard; fans and visitors do not', async () => {
  const creator = await signUpCreator(t);
  const fan = await signUpUser(t);
  assert.match(navOf((await creator.client.get('/discover')).html), /href="\/dashboard\/sales">Sales</);
  assert.match((await creator.client.get('/dashboard')).html, /href="\/dashboard\/sales">Sales and payouts</);
  assert.doesNotMatch(navOf((await fan.client.get('/discover')).html), /dashboard\/sales/);
  assert.doesNotMatch(navOf((await new TestClient(t.app).get('/discover')).html), /dashboard\/sales|\/admin/);
});

test('/admin lists the admin pages for admins; 404 and no nav link for everyone else', async () => {
  const fan = await signUpUser(t);
  const creator = await signUpCreator(t);
  const admin = await signUpUser(t);
  await t.deps.db.updateTable('users').set({ is_admin: true }).where('id', '=', admin.viewer.id).execute();
  for (const client of [fan.client, creator.client, new TestClient(t.app)]) {
    assert.equal((await client.get('/admin')).status, 404);
    assert.equal((await client.get('/admin/reconciliation')).status, 404);
    assert.doesNotMatch(navOf((await client.get('/discover')).html), /href="\/admin"/);
  }
  const page = await admin.client.get('/admin');
  assert.equal(page.status, 200);
  assert.match(navOf(page.html), /href="\/admin">Admin</);
  assert.match(page.html, /href="\/admin\/reconciliation">Payment reconciliation</);
  assert.match(page.html, /No differences/);
  await t.deps.db.insertInto('reconciliation_flags').values({ creator_id: creator.viewer.id, currency: 'USD', ledger_net: 100, provider_net: 90 }).execute();
  assert.match((await admin.client.get('/admin')).html, /1 difference to look at/);
  const recon = await admin.client.get('/admin/reconciliation');
  assert.match(recon.html, /href="\/admin">← Admin/);
  assert.match(recon.html, /\$0\.90/);
});
