// Album purchases with the local provider: the price set in the project wizard and edit page,
// "Buy the album" on the project page, entitlement to every item (including items added later),
// the library's album entry, refunds, refusals, guests, and per-item revenue that sums exactly.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { TestClient } from '../../../test/support/client.ts';
import { checkoutKey } from '../../../test/support/commerce.ts';
import { attachDemoFile, publishedProject, signUpCreator, signUpUser, type TestUser } from '../../../test/support/factories.ts';
import { createItem, publishItem, updateItem } from '../catalog/items-service.ts';
import { albumShares } from './album.ts';
import { isEntitled } from './library.ts';
import { revenueByItem } from './sales.ts';

let t: TestApp;
let creator: TestUser;
before(async () => {
  t = await createTestApp();
  creator = await signUpCreator(t, { currency: 'EUR' });
});
after(() => t.close());

const projectBySlug = (slug: string) => t.deps.db.selectFrom('projects').selectAll().where('creator_id', '=', creator.viewer.id).where('slug', '=', slug).executeTakeFirstOrThrow();
const salesOf = async (ids: string[]) => (await t.deps.db.selectFrom('items').select(['id', 'sales_count']).where('id', 'in', ids).execute())
  .sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id)).map((r) => r.sales_count);

/** A published project with three priced tracks, sold as an album through the edit page. */
async function album(owner: TestUser, title: string, price: Record<string, string>) {
  const { project, itemIds } = await publishedProject(t, owner, title, ['One', 'Two', 'Three'].map((name) => (
    { type: 'audio' as const, title: `${title} ${name}`, fields: { price_kind: 'fixed', price_amount: '1000' } })));
  await owner.client.get(`/dashboard/projects/${project.id}`);
  const saved = await owner.client.post(`/dashboard/projects/${project.id}`, { title, description: '', status: 'published', ...price });
  assert.equal(saved.status, 303, saved.html.slice(0, 500));
  return { project, itemIds, page: `/@${owner.viewer.username}/${project.slug}` };
}

/** Buys the album from its project page through the TEST MODE checkout. */
async function buyAlbum(client: TestClient, a: { project: { id: string }; page: string }, form: Record<string, string> = {}) {
  await client.get(a.page);
  const res = await client.post(`/projects/${a.project.id}/checkout`, { checkout_key: checkoutKey(), ...form });
  assert.equal(res.status, 303, res.html.slice(0, 400));
  const location = res.headers.get('location')!;
  if (!location.startsWith('/checkout/test/')) return res;
  assert.match((await client.get(location)).html, new RegExp(`href="${a.page}">Cancel and go back`), 'cancelling returns to the project page');
  return client.post(location, { outcome: 'pay' });
}

test('the project wizard sets an album price, checked like an item price', async () => {
  const c = creator.client;
  await c.get('/dashboard/projects/new');
  const bad = await c.post('/dashboard/projects/new', { step: 'basics', title: 'Wizard album', price_kind: 'pwyw', price_amount: '5.00', price_suggested: '4.00' });
  assert.equal(bad.status, 422);
  assert.match(bad.html, /suggested amount cannot be below the minimum/);
  const zero = await c.post('/dashboard/projects/new', { step: 'basics', title: 'Wizard album', price_kind: 'fixed', price_amount: '0' });
  assert.match(zero.html, /A fixed price must be more than zero/);
  const review = await c.post('/dashboard/projects/new', { step: 'basics', title: 'Wizard album', price_kind: 'fixed', price_amount: '7.50' });
  assert.equal(review.status, 200);
  assert.match(review.html, /Whole project<\/dt><dd>€7\.50/);
  const created = await c.post('/dashboard/projects/new', { step: 'review', go: 'publish', title: 'Wizard album', price_kind: 'fixed', price_amount: '7.50', price_suggested: '' });
  assert.equal(created.status, 303);
  const row = await projectBySlug('wizard-album');
  assert.deepEqual([row.price_kind, row.price_amount, row.currency], ['fixed', 750, 'EUR']);
  // The edit page shows it and can take it off sale again ("items only").
  const edit = await c.get(`/dashboard/projects/${row.id}`);
  assert.match(edit.html, /name="price_amount"[^>]*value="7\.50"/);
  await c.post(`/dashboard/projects/${row.id}`, { title: 'Wizard album', description: '', status: 'published', price_kind: 'none' });
  assert.equal((await projectBySlug('wizard-album')).price_kind, null);
  const page = await new TestClient(t.app).get(`/@${creator.viewer.username}/wizard-album`);
  assert.doesNotMatch(page.html, /Buy the album/);
});

test('buying the album entitles the buyer to every item, including tracks added later; refunding ends it all', async () => {
  const a = await album(creator, 'Tides', { price_kind: 'fixed', price_amount: '20.00' });
  const fan = await signUpUser(t);
  const visitor = await new TestClient(t.app).get(a.page);
  assert.match(visitor.html, /Buy the album/);
  assert.match(visitor.html, /Buy the album for €20\.00/);
  assert.match(visitor.html, /all 3 items/);
  assert.match(visitor.html, new RegExp(`href="/tip/${creator.viewer.username}">Tip ${creator.viewer.displayName}<`));
  assert.match((await new TestClient(t.app).get(`/@${creator.viewer.username}`)).html, new RegExp(`href="/tip/${creator.viewer.username}"`), 'the profile links to tips too');
  assert.doesNotMatch((await creator.client.get(`/@${creator.viewer.username}`)).html, /href="\/tip\//, 'not on your own page');
  assert.doesNotMatch((await creator.client.get(a.page)).html, /action="\/projects\/[^"]+\/checkout"/, 'no buy form for the owner');

  const paid = await buyAlbum(fan.client, a);
  assert.match(paid.headers.get('location')!, /^\/library\?order=/);
  const order = await t.deps.db.selectFrom('orders').selectAll().where('buyer_id', '=', fan.viewer.id).executeTakeFirstOrThrow();
  assert.equal(order.amount_total, 2000);
  const [line] = await t.deps.db.selectFrom('order_lines').selectAll().where('order_id', '=', order.id).execute();
  assert.deepEqual([line?.project_id, line?.item_id, line?.amount], [a.project.id, null, 2000]);
  const covers = await t.deps.db.selectFrom('order_line_items').selectAll().where('order_line_id', '=', line!.id).orderBy('position').execute();
  assert.deepEqual(covers.map((c) => [c.item_id, c.share]), [[a.itemIds[0], 667], [a.itemIds[1], 667], [a.itemIds[2], 666]]);
  assert.deepEqual(await salesOf(a.itemIds), [1, 1, 1]);
  for (const id of a.itemIds) {
    assert.equal(await isEntitled(t.deps.db, { userId: fan.viewer.id }, id), true);
    assert.match((await fan.client.get(`/i/${id}`)).html, /In your library/);
  }
  assert.match((await fan.client.get(a.page)).html, /The album is in your library/);

  // A track added after the purchase belongs to the album too.
  const bonus = await createItem(t.deps, creator.viewer, a.project.id, { type: 'audio', title: 'Tides bonus' });
  await updateItem(t.deps, creator.viewer, bonus, { ai_use: 'handmade', price_kind: 'fixed', price_amount: '3.00' });
  await attachDemoFile(t, creator.viewer, bonus, 'audio');
  await publishItem(t.deps, creator.viewer, bonus);
  assert.equal(await isEntitled(t.deps.db, { userId: fan.viewer.id }, bonus), true);
  assert.equal(await isEntitled(t.deps.db, { email: fan.viewer.email }, bonus), true, 'by verified email too');
  assert.equal(await isEntitled(t.deps.db, { userId: (await signUpUser(t)).viewer.id }, bonus), false);

  // The library shows the album as one entry with its items, now four.
  const library = (await fan.client.get('/library')).html;
  assert.match(library, /<li class="library-album">(?:(?!<\/li>)[\s\S])*?<strong>Tides<\/strong> <span class="badge">Album · 4 items<\/span>/); // after its cover
  for (const id of [...a.itemIds, bonus]) assert.match(library, new RegExp(`href="/i/${id}"`));

  // Owning the album: the album and its items are "already owned".
  await fan.client.get(a.page);
  assert.equal((await fan.client.post(`/projects/${a.project.id}/checkout`, { checkout_key: checkoutKey() })).status, 409);
  await fan.client.get(`/i/${bonus}`);
  const single = await fan.client.post(`/i/${bonus}/checkout`, { checkout_key: checkoutKey() });
  assert.equal(single.status, 409);
  assert.match(single.html, /already own this/);

  await creator.client.get('/dashboard/sales');
  const refund = await creator.client.post(`/dashboard/sales/${order.id}/refund`, { confirm: 'yes' });
  assert.match(refund.followed!.html, /Refunded/);
  for (const id of [...a.itemIds, bonus]) assert.equal(await isEntitled(t.deps.db, { userId: fan.viewer.id }, id), false);
  assert.deepEqual(await salesOf(a.itemIds), [0, 0, 0]);
  assert.match((await fan.client.get('/library')).html, /refunded — no longer available/);
});

test('album refusals: below the minimum, own project, not for sale, unpublished, empty', async () => {
  const a = await album(creator, 'Choose', { price_kind: 'pwyw', price_amount: '5.00', price_suggested: '8.00' });
  const fan = await signUpUser(t);
  const page = await fan.client.get(a.page);
  assert.match(page.html, /At least €5\.00 · suggested €8\.00/);
  const low = await fan.client.post(`/projects/${a.project.id}/checkout`, { checkout_key: checkoutKey(), amount: '4.99' });
  assert.equal(low.status, 422);
  assert.match(low.html, /The minimum is €5\.00/);
  await creator.client.get(a.page);
  assert.equal((await creator.client.post(`/projects/${a.project.id}/checkout`, { checkout_key: checkoutKey(), amount: '9' })).status, 409);
  const itemsOnly = await publishedProject(t, creator, 'Singles', [{ type: 'audio', title: 'Single', fields: { price_kind: 'free' } }]);
  await fan.client.get(a.page);
  assert.equal((await fan.client.post(`/projects/${itemsOnly.project.id}/checkout`, { checkout_key: checkoutKey() })).status, 404);
  assert.equal((await fan.client.post('/projects/not-a-uuid/checkout', { checkout_key: checkoutKey() })).status, 404);
  await creator.client.post(`/dashboard/projects/${a.project.id}`, { title: 'Choose', description: '', status: 'unpublished', price_kind: 'pwyw', price_amount: '5.00' });
  assert.equal((await fan.client.post(`/projects/${a.project.id}/checkout`, { checkout_key: checkoutKey(), amount: '6' })).status, 404);
  const { project: empty } = await publishedProject(t, creator, 'Soon', []);
  await creator.client.get(`/dashboard/projects/${empty.id}`);
  await creator.client.post(`/dashboard/projects/${empty.id}`, { title: 'Soon', description: '', status: 'published', price_kind: 'fixed', price_amount: '3' });
  const none = await fan.client.post(`/projects/${empty.id}/checkout`, { checkout_key: checkoutKey() });
  assert.equal(none.status, 409);
  assert.match(none.html, /nothing in this album yet/);
  assert.equal((await t.deps.db.selectFrom('orders').select('id').where('buyer_id', '=', fan.viewer.id).execute()).length, 0);
});

test('a guest buys the album; the receipt link opens every item', async () => {
  const a = await album(creator, 'Guest album', { price_kind: 'fixed', price_amount: '9.00' });
  const guest = new TestClient(t.app);
  const paid = await buyAlbum(guest, a, { email: 'album-guest@example.com' });
  const receipt = paid.headers.get('location')!;
  assert.match(receipt, /^\/library\/orders\/[\w-]+\?exp=\d+&sig=/);
  const orderId = receipt.split('/')[3]!.split('?')[0]!;
  const query = `?receipt=${orderId}&${receipt.split('?')[1]}`;
  const page = (await guest.get(receipt)).html;
  for (const id of a.itemIds) {
    assert.match(page, new RegExp(`href="/i/${id}\\?receipt=`));
    assert.match((await new TestClient(t.app).get(`/i/${id}${query}`)).html, /In your library/);
  }
  const elsewhere = (await publishedProject(t, creator, 'Other', [{ type: 'audio', title: 'Not in it', fields: { price_kind: 'fixed', price_amount: '1' } }])).itemIds[0]!;
  assert.doesNotMatch((await new TestClient(t.app).get(`/i/${elsewhere}${query}`)).html, /In your library/);
});

test('album shares and per-item revenue sum exactly, in EUR, JPY and KRW, after refunds', async () => {
  assert.deepEqual(albumShares(1000, 3), [334, 333, 333]);
  for (const [total, n] of [[1000, 3], [1, 3], [0, 4], [99_999, 7], [1_000_000_001, 6]] as const) {
    const parts = albumShares(total, n);
    assert.equal(parts.length, n);
    assert.equal(parts.reduce((x, y) => x + y, 0), total);
    assert.ok(Math.max(...parts) - Math.min(...parts) <= 1);
  }
  for (const currency of ['JPY', 'KRW']) {
    const seller = await signUpCreator(t, { currency });
    const a = await album(seller, `${currency} album`, { price_kind: 'pwyw', price_amount: '1000' });
    const fans = [await signUpUser(t), await signUpUser(t)];
    await buyAlbum(fans[0]!.client, a, { amount: '1000' });
    await buyAlbum(fans[1]!.client, a, { amount: '5,000' });
    await fans[0]!.client.get(`/i/${a.itemIds[0]}`); // a single track bought on its own as well
    const other = await signUpUser(t);
    await other.client.get(`/i/${a.itemIds[0]}`);
    const single = await other.client.post(`/i/${a.itemIds[0]}/checkout`, { checkout_key: checkoutKey() });
    await other.client.get(single.headers.get('location')!);
    await other.client.post(single.headers.get('location')!, { outcome: 'pay' });
    const tip = await other.client.post(`/tip/${seller.viewer.username}`, { checkout_key: checkoutKey(), amount: '777' });
    await other.client.get(tip.headers.get('location')!);
    await other.client.post(tip.headers.get('location')!, { outcome: 'pay' });
    // A partial refund of the second album sale, made at the provider: ₩/¥ 1 001 of 5 000.
    const second = await t.deps.db.selectFrom('order_ledger').selectAll().where('buyer_id', '=', fans[1]!.viewer.id).executeTakeFirstOrThrow();
    const { deliver } = await import('./webhooks.ts');
    const local = t.deps.payments as import('../../platform/payments/local.ts').LocalProvider;
    await deliver(t.deps, [local.sign('charge.refunded', { kind: 'refund', paymentRef: second.payment_ref!, chargeRef: `ch_${second.payment_ref}`, amountRefunded: 1001, currency }, { account: second.account_id })]);

    const shares = await t.deps.db.selectFrom('order_line_items as li').innerJoin('order_lines as l', 'l.id', 'li.order_line_id')
      .innerJoin('orders as o', 'o.id', 'l.order_id').select(['o.amount_total', 'li.share']).where('o.creator_id', '=', seller.viewer.id).execute();
    assert.deepEqual(shares.filter((s) => s.amount_total === 1000).map((s) => s.share).sort(), [333, 333, 334]);
    assert.deepEqual(shares.filter((s) => s.amount_total === 5000).map((s) => s.share).sort(), [1666, 1667, 1667]);

    const byItem = await revenueByItem(t.deps, seller.viewer.id);
    const itemNet = byItem.reduce((sum, r) => sum + r.net, 0);
    // 1 000 + (5 000 − 1 001) album sales + 1 000 for the single track; the 777 tip sells no item.
    assert.equal(itemNet, 1000 + 3999 + 1000);
    assert.ok(byItem.every((r) => r.currency === currency && Number.isInteger(r.net)));
    assert.deepEqual(byItem.map((r) => r.sales), [3, 2, 2], 'the first track sold twice as part of an album and once alone');
    const page = await seller.client.get('/dashboard/sales');
    assert.match(page.html, /By item/);
    const revenue = await t.deps.db.selectFrom('order_ledger').select((eb) => eb.fn.sum<number>('amount_paid').as('paid')).where('creator_id', '=', seller.viewer.id).executeTakeFirstOrThrow();
    assert.equal(Number(revenue.paid) - 1001, itemNet + 777, 'per-item revenue plus tips is the whole revenue');
  }
});
