// Checkout with the local provider: fixed, pay-what-you-want, free claims, guests, tips, and
// every refusal (unpublished, own item, below minimum, already owned, double submit).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { TestClient } from '../../../test/support/client.ts';
import { checkoutKey } from '../../../test/support/commerce.ts';
import { publishedProject, signUpCreator, signUpUser, uniqueName, type TestUser } from '../../../test/support/factories.ts';
import { ConfigError, parseConfig } from '../../platform/config.ts';
import type { LocalProvider } from '../../platform/payments/local.ts';
import { setItemsStatus } from '../catalog/items-service.ts';
import { splitLargestRemainder } from '../catalog/index.ts';

let t: TestApp;
let creator: TestUser;
let fan: TestUser;
let items: Record<'fixed' | 'pwyw' | 'free' | 'pwyw0' | 'text', string>;
const BODY = 'Open part.\n\n<!-- more -->\n\nThe paid ending.';
before(async () => {
  t = await createTestApp();
  creator = await signUpCreator(t, { currency: 'EUR' });
  fan = await signUpUser(t);
  const { itemIds } = await publishedProject(t, creator, 'Shop', [
    { type: 'download', title: 'Fixed', fields: { price_kind: 'fixed', price_amount: '4.00' } },
    { type: 'download', title: 'Choose', fields: { price_kind: 'pwyw', price_amount: '2.00', price_suggested: '5.00' } },
    { type: 'download', title: 'Gift', fields: { price_kind: 'free' } },
    { type: 'download', title: 'Zero ok', fields: { price_kind: 'pwyw', price_amount: '0' } },
    { type: 'text', title: 'Essay', fields: { price_kind: 'fixed', price_amount: '3.00', body: BODY } },
  ]);
  const [fixed = '', pwyw = '', free = '', pwyw0 = '', text = ''] = itemIds;
  items = { fixed, pwyw, free, pwyw0, text };
});
after(() => t.close());

const ordersOf = (userId: string) => t.deps.db.selectFrom('orders').selectAll().where('buyer_id', '=', userId).execute();

async function buyAndPay(client: TestClient, itemId: string, form: Record<string, string> = {}) {
  await client.get(`/i/${itemId}`);
  const res = await client.post(`/i/${itemId}/checkout`, { checkout_key: checkoutKey(), ...form });
  assert.equal(res.status, 303, res.html.slice(0, 400));
  const location = res.headers.get('location')!;
  assert.match(location, /^\/checkout\/test\/cs_local_/);
  const page = await client.get(location);
  assert.match(page.html, /TEST MODE/);
  return client.post(location, { outcome: 'pay' });
}

test('a fixed-price purchase through the test checkout lands in the library and opens the text', async () => {
  const before = await t.app.request(`/i/${items.text}`);
  assert.match(await before.text(), /Keep reading/);
  const paid = await buyAndPay(fan.client, items.text);
  assert.match(paid.headers.get('location')!, /^\/library\?order=/);
  const library = paid.followed!.html;
  assert.match(library, new RegExp(creator.viewer.displayName));
  assert.match(library, /Essay/);
  assert.match(library, /€3\.00/);
  const page = await fan.client.get(`/i/${items.text}`);
  assert.match(page.html, /In your library/);
  assert.match(page.html, /The paid ending/);
  const [order] = (await ordersOf(fan.viewer.id)).filter((o) => o.amount_total === 300);
  assert.equal(order?.currency, 'EUR');
  assert.equal(order?.account_id, `acct_local_${creator.viewer.id.replaceAll('-', '')}`, 'charged on the creator\'s own account');
});

test('pay what you want: parsed in the item currency, minimum enforced, suggested shown', async () => {
  const page = await fan.client.get(`/i/${items.pwyw}`);
  assert.match(page.html, /At least €2\.00 · suggested €5\.00/);
  assert.match(page.html, /value="5\.00"/);
  for (const [amount, message] of [['1.99', /The minimum is €2\.00/], ['2.345', /at most 2 decimal places/], ['-5', /can’t be negative|can&#39;t be negative|can’t/], ['abc', /Enter a number/]] as const) {
    const res = await fan.client.post(`/i/${items.pwyw}/checkout`, { checkout_key: checkoutKey(), amount });
    assert.equal(res.status, 422, `amount ${amount}`);
    assert.match(res.html, message);
  }
  assert.equal((await ordersOf(fan.viewer.id)).filter((o) => o.amount_total === 199).length, 0);
  const paid = await buyAndPay(fan.client, items.pwyw, { amount: '7.50' });
  assert.equal(paid.status, 303);
  assert.equal((await ordersOf(fan.viewer.id)).filter((o) => o.amount_total === 750 && o.kind === 'purchase').length, 1);
});

test('free items and a $0 pay-what-you-want are claimed without the payment processor', async () => {
  const buyer = await signUpUser(t);
  for (const [itemId, form] of [[items.free, {}], [items.pwyw0, { amount: '0' }]] as const) {
    await buyer.client.get(`/i/${itemId}`);
    const res = await buyer.client.post(`/i/${itemId}/checkout`, { checkout_key: checkoutKey(), ...form });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location')!, /^\/library/);
  }
  const orders = await ordersOf(buyer.viewer.id);
  assert.equal(orders.length, 2);
  assert.ok(orders.every((o) => o.provider === 'free' && o.kind === 'claim' && o.session_id === null && o.amount_total === 0));
  const library = await buyer.client.get('/library');
  assert.match(library.html, /Gift/);
  assert.match(library.html, /claimed free/);
});

test('refusals: unpublished, own item, already owned, double submit, expired form', async () => {
  const buyer = await signUpUser(t);
  // Double submit: the same form posted twice is one order and the same checkout page.
  await buyer.client.get(`/i/${items.fixed}`);
  const key = checkoutKey();
  const [a, b] = await Promise.all([buyer.client.post(`/i/${items.fixed}/checkout`, { checkout_key: key }), buyer.client.post(`/i/${items.fixed}/checkout`, { checkout_key: key })]);
  assert.equal(a.headers.get('location'), b.headers.get('location'));
  const again = await buyer.client.post(`/i/${items.fixed}/checkout`, { checkout_key: key });
  assert.equal(again.headers.get('location'), a.headers.get('location'));
  assert.equal((await ordersOf(buyer.viewer.id)).length, 1);
  await buyer.client.post(a.headers.get('location')!, { outcome: 'pay' });

  // Already owned: offered the library instead of a second purchase.
  await buyer.client.get(`/i/${items.fixed}`);
  const owned = await buyer.client.post(`/i/${items.fixed}/checkout`, { checkout_key: checkoutKey() });
  assert.equal(owned.status, 409);
  assert.match(owned.html, /already own this/);
  assert.match(owned.html, /href="\/library"/);
  assert.equal((await ordersOf(buyer.viewer.id)).length, 1);

  // The creator's own item.
  await creator.client.get(`/i/${items.fixed}`);
  const own = await creator.client.post(`/i/${items.fixed}/checkout`, { checkout_key: checkoutKey() });
  assert.equal(own.status, 409);
  assert.match(own.html, /your own item/);

  // No checkout key (a stale or forged form).
  const noKey = await buyer.client.post(`/i/${items.pwyw}/checkout`, { amount: '3' });
  assert.equal(noKey.status, 422);
  assert.match(noKey.html, /form has expired/);

  // Unpublished (and unknown) items are not for sale.
  await setItemsStatus(t.deps, creator.viewer, [items.pwyw0], 'unpublished');
  await buyer.client.get('/library');
  assert.equal((await buyer.client.post(`/i/${items.pwyw0}/checkout`, { checkout_key: checkoutKey(), amount: '1' })).status, 404);
  assert.equal((await buyer.client.post('/i/00000000-0000-0000-0000-000000000000/checkout', { checkout_key: checkoutKey() })).status, 404);
  await setItemsStatus(t.deps, creator.viewer, [items.pwyw0], 'published');
  assert.equal((await ordersOf(buyer.viewer.id)).length, 1);
});

test('a guest buys with an email, gets the link at once, and the purchase attaches when that email is verified', async () => {
  const username = uniqueName('guest');
  const email = `${username}@example.com`;
  const guest = new TestClient(t.app);
  await guest.get(`/i/${items.text}`);
  const bad = await guest.post(`/i/${items.text}/checkout`, { checkout_key: checkoutKey(), email: 'not-an-email' });
  assert.equal(bad.status, 422);
  assert.match(bad.html, /Enter the email address for your receipt/);
  const paid = await buyAndPay(guest, items.text, { email: email.toUpperCase() });
  const receiptUrl = paid.headers.get('location')!;
  assert.match(receiptUrl, /^\/library\/orders\/[\w-]+\?exp=\d+&sig=/);
  assert.match(paid.followed!.html, /Essay/);

  await t.drainJobs();
  const mail = await t.deps.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', email.toUpperCase()).executeTakeFirstOrThrow();
  // The mail carries the same order's receipt link, signed when the mail was written (its
  // expiry can be a second later than the redirect's), and it opens the receipt too.
  const mailed = new RegExp(`${receiptUrl.split('?')[0]!.replace(/[.]/g, '\\$&')}\\?exp=\\d+&sig=[\\w-]{43}`).exec(mail.body_text)?.[0];
  assert.ok(mailed, mail.body_text);
  assert.match((await new TestClient(t.app).get(mailed)).html, /Essay/);
  // The link opens the text for whoever holds it; a forged signature does not.
  const linkQuery = receiptUrl.split('?')[1]!;
  const orderId = receiptUrl.split('/')[3]!.split('?')[0]!;
  const stranger = new TestClient(t.app);
  assert.match((await stranger.get(`/i/${items.text}?receipt=${orderId}&${linkQuery}`)).html, /The paid ending/);
  // Always a different first character (replacing it with a fixed one is a no-op 1 time in 64).
  const forge = (url: string) => url.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'X' ? 'Y' : 'X'}`);
  assert.doesNotMatch((await stranger.get(`/i/${items.text}?receipt=${orderId}&${forge(linkQuery)}`)).html, /The paid ending/);
  assert.equal((await stranger.get(forge(receiptUrl))).status, 404);

  // Signing up with that address shows nothing until the address is verified.
  const account = await signUpUser(t, username);
  assert.doesNotMatch((await account.client.get('/library')).html, /Essay/);
  await t.drainJobs();
  const verifyMail = await t.deps.db.selectFrom('mail_outbox').select('body_text').where('to_address', '=', email).where('subject', 'not like', 'Your receipt%').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  const token = /verify-email\?token=([\w-]+)/.exec(verifyMail.body_text)?.[1];
  assert.ok(token);
  await account.client.get(`/verify-email?token=${token}`);
  assert.equal((await account.client.post(`/verify-email?token=${token}`)).status, 200);
  assert.match((await account.client.get('/library')).html, /Essay/);
  assert.match((await account.client.get(`/i/${items.text}`)).html, /The paid ending/);
  assert.equal((await account.client.post(`/i/${items.text}/checkout`, { checkout_key: checkoutKey() })).status, 409, 'already owned through the guest purchase');
});

test('the guest form never reveals whether an address owns something; the address gets a reminder instead', async () => {
  const owner = `owner-${Date.now()}@example.com`;
  const stranger = `stranger-${Date.now()}@example.com`;
  const mailsTo = async (to: string) => t.deps.db.selectFrom('mail_outbox').select(['subject', 'body_text']).where('to_address', '=', to).orderBy('created_at').execute();
  // The owner bought the fixed item and claimed the free one as a guest.
  await buyAndPay(new TestClient(t.app), items.fixed, { email: owner });
  const claimant = new TestClient(t.app);
  await claimant.get(`/i/${items.free}`);
  const firstClaim = await claimant.post(`/i/${items.free}/checkout`, { checkout_key: checkoutKey(), email: owner });
  assert.equal(firstClaim.headers.get('location'), '/checkout/email-sent', 'a guest claim sends the link by email');
  assert.match(firstClaim.followed!.html, /Check your inbox/);
  const ownerOrders = async () => (await t.deps.db.selectFrom('orders').select('id').where('buyer_email_key', '=', owner).execute()).length;
  assert.equal(await ownerOrders(), 2);

  // Someone else types the owner's address, and then an unused one: the answers look alike.
  const probe = async (itemId: string, email: string) => {
    const c = new TestClient(t.app);
    await c.get(`/i/${itemId}`);
    const res = await c.post(`/i/${itemId}/checkout`, { checkout_key: checkoutKey(), email });
    return { status: res.status, location: (res.headers.get('location') ?? '').replace(/cs_local_\w+/, 'SESSION'), html: res.followed?.html.replace(/cs_local_\w+|value="[\w-]{20,}"|X-CSRF-Token&quot;:&quot;[\w-]+/g, '') ?? '' };
  };
  const paidOwned = await probe(items.fixed, owner);
  const paidFresh = await probe(items.fixed, stranger);
  assert.deepEqual([paidOwned.status, paidOwned.location], [paidFresh.status, paidFresh.location]);
  assert.equal(paidOwned.status, 303);
  assert.match(paidOwned.location, /^\/checkout\/test\/SESSION$/, 'a paid checkout goes ahead as usual');
  const claimOwned = await probe(items.free, owner);
  const claimFresh = await probe(items.free, stranger);
  assert.deepEqual(claimOwned, claimFresh);
  assert.equal(claimOwned.location, '/checkout/email-sent');
  for (const r of [paidOwned, claimOwned]) assert.doesNotMatch(r.html, /already/i);
  assert.equal(await ownerOrders(), 3, 'the second paid checkout is a new (unpaid) order; the second claim made none');

  // The owner's inbox has one reminder per thing, with the existing receipt link; a repeat within the hour adds none.
  await probe(items.free, owner);
  await probe(items.fixed, owner.toUpperCase());
  const reminders = (await mailsTo(owner)).filter((m) => m.subject.startsWith('You already have'));
  assert.deepEqual(reminders.map((m) => m.subject).sort(), ['You already have “Fixed” on Makenot.work', 'You already have “Gift” on Makenot.work']);
  assert.ok(reminders.every((m) => /\/library\/orders\/[\w-]+\?exp=\d+&sig=[\w-]{43}(?![\w-])/.test(m.body_text)));
  assert.equal((await mailsTo(stranger)).filter((m) => m.subject.startsWith('You already have')).length, 0);
  assert.equal((await mailsTo(stranger)).filter((m) => m.subject.startsWith('Your receipt')).length, 1, 'the fresh claim got its receipt');
  // Signed in, the library is offered instead (the account's own purchases are no secret to it).
  await fan.client.get(`/i/${items.text}`);
  assert.equal((await fan.client.post(`/i/${items.text}/checkout`, { checkout_key: checkoutKey() })).status, 409);
});

test('tips go to the creator, in their currency, and appear in the library', async () => {
  const buyer = await signUpUser(t);
  const page = await buyer.client.get(`/tip/${creator.viewer.username}`);
  assert.match(page.html, /Tip /);
  const zero = await buyer.client.post(`/tip/${creator.viewer.username}`, { checkout_key: checkoutKey(), amount: '0' });
  assert.equal(zero.status, 422);
  const res = await buyer.client.post(`/tip/${creator.viewer.username}`, { checkout_key: checkoutKey(), amount: '2.50' });
  assert.match(res.headers.get('location')!, /^\/checkout\/test\//);
  await buyer.client.get(res.headers.get('location')!);
  const paid = await buyer.client.post(res.headers.get('location')!, { outcome: 'pay' });
  assert.match(paid.followed!.html, /Tip to/);
  const [order] = await ordersOf(buyer.viewer.id);
  assert.equal(order?.kind, 'tip');
  assert.equal(order?.amount_total, 250);
  assert.equal((await creator.client.post(`/tip/${creator.viewer.username}`, { checkout_key: checkoutKey(), amount: '1' })).status, 409);
  assert.equal((await buyer.client.get('/tip/nobody-at-all')).status, 404);
});

test('a declined test payment grants nothing', async () => {
  const buyer = await signUpUser(t);
  await buyer.client.get(`/i/${items.fixed}`);
  const res = await buyer.client.post(`/i/${items.fixed}/checkout`, { checkout_key: checkoutKey() });
  const location = res.headers.get('location')!;
  await buyer.client.get(location);
  const declined = await buyer.client.post(location, { outcome: 'fail' });
  assert.match(declined.followed!.html, /payment was declined/);
  assert.doesNotMatch((await buyer.client.get('/library')).html, /Fixed/);
  assert.doesNotMatch((await buyer.client.get(`/i/${items.fixed}`)).html, /In your library/);
});

test('a test checkout is paid once: a decline, then three Pay posts at once, a replay and a late decline make one payment, one receipt', async () => {
  const buyer = await signUpUser(t);
  await buyer.client.get(`/i/${items.fixed}`);
  const location = (await buyer.client.post(`/i/${items.fixed}/checkout`, { checkout_key: checkoutKey() })).headers.get('location')!;
  await buyer.client.get(location);
  await buyer.client.post(location, { outcome: 'fail' });
  const posts = await Promise.all([1, 2, 3].map(() => buyer.client.post(location, { outcome: 'pay' })));
  const replay = await buyer.client.post(location, { outcome: 'pay' });
  const lateDecline = await buyer.client.post(location, { outcome: 'fail' });
  for (const res of [...posts, replay, lateDecline]) {
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location')!, /^\/library\?order=/, 'every post after payment lands in the library');
  }
  const [order] = await ordersOf(buyer.viewer.id);
  const payments = await t.deps.db.selectFrom('payments').select(['status', 'amount']).where('order_id', '=', order!.id).execute();
  assert.deepEqual(payments, [{ status: 'succeeded', amount: 400 }], 'one payment row: the decline became the success');
  await t.drainJobs();
  const receipts = await t.deps.db.selectFrom('mail_outbox').select('subject').where('to_address', '=', buyer.viewer.email).execute();
  assert.equal(receipts.filter((r) => /receipt/i.test(r.subject)).length, 1, 'one receipt');
  assert.match((await buyer.client.get('/library')).html, /€4\.00/);
  assert.doesNotMatch((await buyer.client.get('/library')).html, /€(8|12)\.00/);
});

test('the ledger takes one successful payment per order: a second payment reference for a paid order is ignored', async () => {
  const buyer = await signUpUser(t);
  await buyer.client.get(`/i/${items.fixed}`);
  const location = (await buyer.client.post(`/i/${items.fixed}/checkout`, { checkout_key: checkoutKey() })).headers.get('location')!;
  await buyer.client.post(location, { outcome: 'pay' });
  const [order] = await ordersOf(buyer.viewer.id);
  const local = t.deps.payments as LocalProvider;
  const other = local.sign('checkout.session.completed', { kind: 'payment', orderId: order!.id, sessionId: order!.session_id!, paymentRef: 'pi_someone_else', amount: 400, currency: 'EUR', status: 'succeeded' }, { account: order!.account_id });
  const res = await t.app.request('/webhooks/local', { method: 'POST', body: other.body, headers: other.headers });
  assert.equal(res.status, 200);
  const payments = await t.deps.db.selectFrom('payments').select('payment_ref').where('order_id', '=', order!.id).execute();
  assert.equal(payments.length, 1);
  assert.notEqual(payments[0]!.payment_ref, 'pi_someone_else');
});

test('a 1 000-cent sale split three ways sums to 1 000', () => {
  const parts = splitLargestRemainder(1000, [1, 1, 1]);
  assert.deepEqual(parts, [334, 333, 333]);
  assert.equal(parts.reduce((a, b) => a + b, 0), 1000);
});

test('the local test provider cannot be configured in production', () => {
  const prod = { APP_ENV: 'production', APP_SECRET: 'x'.repeat(40), SMTP_URL: 'smtp://mail:25' };
  assert.throws(() => parseConfig({ ...prod, PAYMENTS_PROVIDER: 'local' }), (err: ConfigError) => err.problems.some((p) => p.includes('PAYMENTS_PROVIDER=local')));
  assert.throws(() => parseConfig(prod), (err: ConfigError) => err.problems.some((p) => p.startsWith('STRIPE_SECRET_KEY')) && err.problems.some((p) => p.startsWith('STRIPE_WEBHOOK_SECRET')));
  assert.throws(() => parseConfig({ PAYMENTS_PROVIDER: 'paypal' }), ConfigError);
  assert.equal(parseConfig({}).payments.provider, 'local');
});

test('first checkouts of a new creator at the same moment all reach the test checkout (test mode connects the account once)', async () => {
  const seller = await signUpCreator(t, { currency: 'USD' });
  const { itemIds: [itemId = ''] } = await publishedProject(t, seller, 'Opening day', [{ type: 'download', title: 'First sale', fields: { price_kind: 'fixed', price_amount: '1.00' } }]);
  const buyers = Array.from({ length: 6 }, () => new TestClient(t.app));
  await Promise.all(buyers.map((b) => b.get(`/i/${itemId}`)));
  const results = await Promise.all(buyers.map((b, i) => b.post(`/i/${itemId}/checkout`, { checkout_key: checkoutKey(), email: `opening-${i}@example.com` })));
  assert.deepEqual(results.map((r) => r.status), [303, 303, 303, 303, 303, 303], results.map((r) => r.html.slice(0, 200)).join('\n'));
  assert.ok(results.every((r) => r.headers.get('location')?.startsWith('/checkout/test/')));
  const accounts = await t.deps.db.selectFrom('connected_accounts').selectAll().where('creator_id', '=', seller.viewer.id).execute();
  assert.equal(accounts.length, 1);
  assert.equal(accounts[0]!.charges_enabled, true);
});
