// The webhook → ledger path with the local provider: duplicates, any delivery order, forged,
// tampered and stale events, events about things we never created, disputes, accounts, payouts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { checkoutKey, ledgerCounts, postWebhook } from '../../../test/support/commerce.ts';
import { publishedProject, signUpCreator, signUpUser, type TestUser } from '../../../test/support/factories.ts';
import type { LocalProvider } from '../../platform/payments/local.ts';
import type { LedgerEvent } from '../../platform/payments/types.ts';
import { runLocalPayouts } from './sales.ts';

let t: TestApp;
let local: LocalProvider;
let creator: TestUser;
let fan: TestUser;
let itemId: string;
before(async () => {
  t = await createTestApp();
  local = t.deps.payments as LocalProvider;
  creator = await signUpCreator(t, { currency: 'USD' });
  fan = await signUpUser(t);
  ({ itemIds: [itemId = ''] } = await publishedProject(t, creator, 'Songs', [{ type: 'audio', title: 'Tide', fields: { price_kind: 'fixed', price_amount: '10.00' } }]));
});
after(() => t.close());

/** A fan starts checkout; returns the order the test provider's session belongs to. */
async function startCheckout(buyer = fan) {
  await buyer.client.get(`/i/${itemId}`);
  const res = await buyer.client.post(`/i/${itemId}/checkout`, { checkout_key: checkoutKey() });
  assert.equal(res.status, 303, res.html.slice(0, 300));
  const sessionId = /\/checkout\/test\/(cs_local_\w+)$/.exec(res.headers.get('location') ?? '')?.[1];
  assert.ok(sessionId, `redirected to the test checkout, got ${res.headers.get('location')}`);
  return t.deps.db.selectFrom('orders').selectAll().where('session_id', '=', sessionId).executeTakeFirstOrThrow();
}

const paid = (o: { id: string; session_id: string | null }, paymentRef = `pi_${randomUUID()}`): Extract<LedgerEvent, { kind: 'payment' }> =>
  ({ kind: 'payment', orderId: o.id, sessionId: o.session_id!, paymentRef, amount: 1000, currency: 'USD', status: 'succeeded' });
/** Signed as coming from the creator's connected account, where the order was charged. */
const fromAccount = (o: { account_id: string | null }, type: string, event: LedgerEvent, opts: { timestamp?: number } = {}) =>
  local.sign(type, event, { account: o.account_id, ...opts });
const ledgerOf = (orderId: string) => t.deps.db.selectFrom('order_ledger').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow();
const salesCount = async () => (await t.deps.db.selectFrom('items').select('sales_count').where('id', '=', itemId).executeTakeFirstOrThrow()).sales_count;
const receipts = async (email: string) => Number((await t.deps.db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll().as('n'))
  .where('to_address', '=', email).where('subject', 'like', 'Your receipt%').executeTakeFirstOrThrow()).n);

test('the same event delivered 5 times in a row makes exactly one payment, one receipt and one sale', async () => {
  const order = await startCheckout();
  const before = await salesCount();
  const delivery = fromAccount(order, 'checkout.session.completed', paid(order));
  const outcomes: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await postWebhook(t, 'local', delivery);
    assert.equal(res.status, 200);
    outcomes.push((await res.json() as { outcome: string }).outcome);
  }
  assert.deepEqual(outcomes, ['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
  const rows = await t.deps.db.selectFrom('payments').selectAll().where('order_id', '=', order.id).execute();
  assert.equal(rows.length, 1);
  assert.equal((await ledgerOf(order.id)).entitled, true);
  assert.equal(await salesCount(), before + 1);
  assert.equal(await receipts(fan.viewer.email), 1);
  assert.match((await fan.client.get(`/i/${itemId}`)).html, /In your library/);
});

test('the same event delivered 5 times in parallel makes exactly one payment', async () => {
  const buyer = await signUpUser(t);
  const order = await startCheckout(buyer);
  const delivery = fromAccount(order, 'checkout.session.completed', paid(order));
  const results = await Promise.all(Array.from({ length: 5 }, () => postWebhook(t, 'local', delivery)));
  assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200]);
  const outcomes = await Promise.all(results.map(async (r) => (await r.json() as { outcome: string }).outcome));
  assert.equal(outcomes.filter((o) => o === 'applied').length, 1);
  assert.equal((await t.deps.db.selectFrom('payments').selectAll().where('order_id', '=', order.id).execute()).length, 1);
  assert.equal(await receipts(buyer.viewer.email), 1);
  // Five different events for the same payment (a provider retrying with new ids) are one payment too.
  await Promise.all(Array.from({ length: 5 }, () => postWebhook(t, 'local', fromAccount(order, 'checkout.session.completed', paid(order, 'pi_same')))));
  const ids = await t.deps.db.selectFrom('orders').select('id').where('buyer_id', '=', buyer.viewer.id).execute();
  assert.equal(ids.length, 1, 'one order per checkout session');
});

test('a refund that arrives before the checkout completes still ends access', async () => {
  const buyer = await signUpUser(t);
  const order = await startCheckout(buyer);
  const before = await salesCount();
  const refund = await postWebhook(t, 'local', fromAccount(order, 'charge.refunded', { kind: 'refund', paymentRef: 'pi_early', chargeRef: 'ch_early', amountRefunded: 1000, currency: 'USD' }));
  assert.equal(refund.status, 200);
  assert.equal((await refund.json() as { outcome: string }).outcome, 'pending', 'stored until its payment arrives');
  assert.equal((await postWebhook(t, 'local', fromAccount(order, 'checkout.session.completed', paid(order, 'pi_early')))).status, 200);
  const state = await ledgerOf(order.id);
  assert.equal(state.is_paid, true);
  assert.equal(state.amount_refunded, 1000);
  assert.equal(state.entitled, false);
  assert.equal(await salesCount(), before, 'a refunded sale does not count');
  assert.doesNotMatch((await buyer.client.get(`/i/${itemId}`)).html, /In your library/);
  // A smaller, older cumulative total arriving late does not shrink the refund.
  await postWebhook(t, 'local', fromAccount(order, 'charge.refunded', { kind: 'refund', paymentRef: 'pi_early', chargeRef: 'ch_early', amountRefunded: 300, currency: 'USD' }));
  assert.equal((await ledgerOf(order.id)).amount_refunded, 1000);
});

test('unsigned, tampered, wrongly signed and 10-minute-old events are refused with 400 and store nothing', async () => {
  const order = await startCheckout(await signUpUser(t));
  const good = fromAccount(order, 'checkout.session.completed', paid(order));
  const before = await ledgerCounts(t);
  const unsigned = await postWebhook(t, 'local', { body: good.body, headers: { 'content-type': 'application/json' } });
  const tampered = await postWebhook(t, 'local', { body: good.body.replace('"amount":1000', '"amount":1'), headers: good.headers });
  const stale = await postWebhook(t, 'local', fromAccount(order, 'checkout.session.completed', paid(order), { timestamp: Math.floor(Date.now() / 1000) - 600 }));
  const garbage = await postWebhook(t, 'local', { body: good.body, headers: { 'x-local-signature': 't=1,v1=zz' } });
  for (const res of [unsigned, tampered, stale, garbage]) assert.equal(res.status, 400);
  assert.deepEqual(await ledgerCounts(t), before);
  assert.equal((await ledgerOf(order.id)).is_paid, false);
  assert.equal((await t.app.request('/webhooks/stripe', { method: 'POST', body: good.body, headers: good.headers })).status, 404, 'only the configured provider has an endpoint');
});

test('events about orders, sessions or prices we never created are ignored; unknown types are accepted', async () => {
  const order = await startCheckout(await signUpUser(t));
  const before = await ledgerCounts(t);
  const ghost = await postWebhook(t, 'local', fromAccount(order, 'checkout.session.completed', { ...paid(order), orderId: randomUUID() }));
  const otherSession = await postWebhook(t, 'local', fromAccount(order, 'checkout.session.completed', { ...paid(order), sessionId: 'cs_local_never' }));
  const otherPrice = await postWebhook(t, 'local', fromAccount(order, 'checkout.session.completed', { ...paid(order), amount: 1 }));
  const otherCurrency = await postWebhook(t, 'local', fromAccount(order, 'checkout.session.completed', { ...paid(order), currency: 'EUR' }));
  const otherAccount = await postWebhook(t, 'local', local.sign('checkout.session.completed', paid(order), { account: 'acct_local_someone_else' }));
  const platform = await postWebhook(t, 'local', local.sign('checkout.session.completed', paid(order), { account: null }));
  const unknown = await postWebhook(t, 'local', local.sign('customer.created', { kind: 'ignored' }));
  const strangerRefund = await postWebhook(t, 'local', local.sign('charge.refunded', { kind: 'refund', paymentRef: 'pi_x', chargeRef: 'ch_x', amountRefunded: 5, currency: 'USD' }, { account: 'acct_local_nobody' }));
  for (const res of [ghost, otherSession, otherPrice, otherCurrency, otherAccount, platform, unknown, strangerRefund]) {
    assert.equal(res.status, 200);
    assert.equal((await res.json() as { outcome: string }).outcome, 'ignored');
  }
  const after = await ledgerCounts(t);
  assert.deepEqual({ ...after, events: before.events }, before, 'only the event ids were recorded');
  assert.equal((await ledgerOf(order.id)).is_paid, false);
});

test('an open dispute blocks the refund and is shown; a lost dispute ends access and never reopens', async () => {
  const buyer = await signUpUser(t);
  const order = await startCheckout(buyer);
  await postWebhook(t, 'local', fromAccount(order, 'checkout.session.completed', paid(order, 'pi_disputed')));
  const dispute = (status: 'open' | 'won' | 'lost') => fromAccount(order, 'charge.dispute.updated', { kind: 'dispute', paymentRef: 'pi_disputed', disputeRef: 'dp_1', amount: 1000, currency: 'USD', status });
  await postWebhook(t, 'local', dispute('open'));
  await creator.client.get('/dashboard/sales');
  const refused = await creator.client.post(`/dashboard/sales/${order.id}/refund`, { confirm: 'yes' });
  assert.equal(refused.status, 303);
  assert.match(refused.followed!.html, /cannot be refunded while the dispute is open/);
  assert.match(refused.followed!.html, /disputed/);
  assert.equal((await ledgerOf(order.id)).amount_refunded, 0);
  assert.equal((await ledgerOf(order.id)).entitled, true, 'an open dispute alone keeps access');
  await postWebhook(t, 'local', dispute('lost'));
  await postWebhook(t, 'local', dispute('open')); // a late "open" after the outcome
  const state = await ledgerOf(order.id);
  assert.equal(state.dispute_lost, true);
  assert.equal(state.dispute_open, false);
  assert.equal(state.entitled, false);
});

test('the creator refunds a sale; the refund event revokes access; refunding twice is refused', async () => {
  const buyer = await signUpUser(t);
  const order = await startCheckout(buyer);
  await buyer.client.get(`/checkout/test/${order.session_id}`);
  const pay = await buyer.client.post(`/checkout/test/${order.session_id}`, { outcome: 'pay' });
  assert.equal(pay.headers.get('location'), `/library?order=${order.id}`);
  assert.match(pay.followed!.html, /Tide/);
  // The sales page only links to a confirmation: what is refunded, to whom, and what it ends.
  const sales = await creator.client.get('/dashboard/sales');
  assert.match(sales.html, new RegExp(`<a [^>]*href="/dashboard/sales/${order.id}/refund"`));
  assert.doesNotMatch(sales.html, new RegExp(`<form [^>]*action="/dashboard/sales/${order.id}/refund"`), 'no one-click refund form');
  const confirm = await creator.client.get(`/dashboard/sales/${order.id}/refund`);
  assert.equal(confirm.status, 200);
  assert.match(confirm.html, /Refund \$10\.00 to/);
  assert.ok(confirm.html.includes(buyer.viewer.email), 'names the buyer');
  assert.match(confirm.html, /Tide/);
  assert.match(confirm.html, /cannot be undone/);
  assert.match(confirm.html, /lose access/);
  assert.match(confirm.html, /name="confirm" value="yes"/);
  assert.equal((await ledgerOf(order.id)).amount_refunded, 0, 'looking refunds nothing');
  // A POST without the page's confirm field (an old page, a script) only shows the page again.
  const bare = await creator.client.post(`/dashboard/sales/${order.id}/refund`);
  assert.equal(bare.status, 200);
  assert.match(bare.html, /cannot be undone/);
  assert.equal((await ledgerOf(order.id)).entitled, true, 'an unconfirmed POST refunds nothing');
  const refund = await creator.client.post(`/dashboard/sales/${order.id}/refund`, { confirm: 'yes' });
  assert.match(refund.followed!.html, /Refunded\. The buyer no longer has access/);
  assert.equal((await ledgerOf(order.id)).entitled, false);
  assert.doesNotMatch((await buyer.client.get(`/i/${itemId}`)).html, /In your library/);
  assert.match((await buyer.client.get('/library')).html, /refunded — no longer available/);
  const again = await creator.client.post(`/dashboard/sales/${order.id}/refund`, { confirm: 'yes' });
  assert.match(again.followed!.html, /already refunded/);
  const reopened = await creator.client.get(`/dashboard/sales/${order.id}/refund`);
  assert.equal(reopened.status, 303, 'no confirmation for a sale that is refunded already');
  // Another creator cannot refund it (404, not a hint that it exists).
  const stranger = await signUpCreator(t);
  await stranger.client.get('/dashboard/sales');
  assert.equal((await stranger.client.post(`/dashboard/sales/${order.id}/refund`, { confirm: 'yes' })).status, 404);
  assert.equal((await stranger.client.get(`/dashboard/sales/${order.id}/refund`)).status, 404);
});

test('account.updated applies only newer states; payouts mirror events; the local payout job pays balances once', async () => {
  const account = await t.deps.db.selectFrom('connected_accounts').selectAll().where('creator_id', '=', creator.viewer.id).executeTakeFirstOrThrow();
  assert.equal(account.charges_enabled, true);
  const old = new Date(Date.now() - 3_600_000);
  await postWebhook(t, 'local', local.sign('account.updated', { kind: 'account', accountId: account.account_id, chargesEnabled: false, payoutsEnabled: false, at: old }));
  assert.equal((await t.deps.db.selectFrom('connected_accounts').select('charges_enabled').where('creator_id', '=', creator.viewer.id).executeTakeFirstOrThrow()).charges_enabled, true);
  const stranger = await postWebhook(t, 'local', local.sign('payout.paid', { kind: 'payout', accountId: 'acct_nobody', payoutRef: 'po_x', amount: 5, currency: 'USD', status: 'paid' }));
  assert.equal((await stranger.json() as { outcome: string }).outcome, 'ignored');

  assert.ok(await runLocalPayouts(t.deps) >= 1);
  assert.equal(await runLocalPayouts(t.deps), 0, 'a second run finds nothing left to pay');
  const payouts = await t.deps.db.selectFrom('payouts').selectAll().where('creator_id', '=', creator.viewer.id).execute();
  assert.ok(payouts.length >= 1 && payouts.every((p) => p.status === 'paid'));
  const page = await creator.client.get('/dashboard/sales');
  assert.match(page.html, /Payouts/);
  assert.match(page.html, /paid/);
});
