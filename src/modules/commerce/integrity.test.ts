// Forged-but-validly-signed Stripe events: a signature proves Stripe sent the event, not that it
// is about our sale. Any creator can make charges on their own connected account with our
// metadata on them; none of that may touch someone else's order. Also: the two webhook
// endpoints' secrets, a session that was never stored, and 5 parallel deliveries.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import {
  connectStripeCreator, disputeEvent, ledgerCounts, postWebhook, refundEvent, sessionEvent, startStripeStub, stripeCheckout, stripeEnv,
  stripeEvent, STRIPE_CONNECT_WEBHOOK_SECRET, STRIPE_WEBHOOK_SECRET, checkoutKey, type StripeStub,
} from '../../../test/support/commerce.ts';
import { publishedProject, signUpCreator, signUpUser, type TestUser } from '../../../test/support/factories.ts';

let stub: StripeStub;
let t: TestApp;
let victim: TestUser;
let attacker: TestUser;
let victimAccount = '';
let attackerAccount = '';
let itemId = '';
before(async () => {
  stub = await startStripeStub();
  t = await createTestApp(stripeEnv(stub));
  victim = await signUpCreator(t, { currency: 'EUR' });
  attacker = await signUpCreator(t, { currency: 'EUR' });
  ({ itemIds: [itemId = ''] } = await publishedProject(t, victim, 'Real album', [{ type: 'audio', title: 'Real song', fields: { price_kind: 'fixed', price_amount: '9.00' } }]));
  await publishedProject(t, attacker, 'Bait', [{ type: 'audio', title: 'Bait song', fields: { price_kind: 'fixed', price_amount: '9.00' } }]);
  victimAccount = await connectStripeCreator(t, victim);
  attackerAccount = await connectStripeCreator(t, attacker);
});
after(async () => {
  await t?.close();
  await stub?.close();
});

const ledgerOf = (orderId: string) => t.deps.db.selectFrom('order_ledger').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow();
const outcome = async (res: Response) => { assert.equal(res.status, 200); return (await res.json() as { outcome: string }).outcome; };
const sales = async () => (await t.deps.db.selectFrom('items').select('sales_count').where('id', '=', itemId).executeTakeFirstOrThrow()).sales_count;
const buy = (buyer: TestUser) => stripeCheckout(t, buyer, `/i/${itemId}`, `/i/${itemId}/checkout`);

test('a checkout completed on another creator\'s account, or on the platform, does not pay our order', async () => {
  const { order, sessionId } = await buy(await signUpUser(t));
  const s = { id: sessionId, orderId: order.id, amount: 900, currency: 'EUR', pi: 'pi_attack' };
  assert.equal(await outcome(await postWebhook(t, 'stripe', sessionEvent('checkout.session.completed', s, { account: attackerAccount }))), 'ignored');
  assert.equal(await outcome(await postWebhook(t, 'stripe', sessionEvent('checkout.session.completed', s))), 'ignored', 'no account: a platform event');
  assert.equal(await outcome(await postWebhook(t, 'stripe', sessionEvent('checkout.session.completed', s, { account: 'acct_unknown' }))), 'ignored');
  assert.equal((await ledgerOf(order.id)).is_paid, false);
  assert.equal(await outcome(await postWebhook(t, 'stripe', sessionEvent('checkout.session.completed', s, { account: victimAccount }))), 'applied');
  assert.equal((await ledgerOf(order.id)).entitled, true);
});

test('refunds and disputes from another account, or for another payment, never touch the sale', async () => {
  const fan = await signUpUser(t);
  const { order, sessionId } = await buy(fan);
  const pi = 'pi_victim_sale';
  await postWebhook(t, 'stripe', sessionEvent('checkout.session.completed', { id: sessionId, orderId: order.id, amount: 900, currency: 'EUR', pi }, { account: victimAccount }));
  const before = await sales();
  const forged = [
    // The attacker refunds a charge of their own that carries our order id in its metadata …
    refundEvent({ charge: 'ch_bait', pi: 'pi_bait', amount: 900, refunded: 900, currency: 'EUR', orderId: order.id }, { account: attackerAccount }),
    // … or claims our payment intent from their account.
    refundEvent({ charge: 'ch_claim', pi, amount: 900, refunded: 900, currency: 'EUR', orderId: order.id }, { account: attackerAccount }),
    disputeEvent('charge.dispute.closed', { id: 'dp_claim', pi, amount: 900, currency: 'EUR', status: 'lost' }, { account: attackerAccount }),
    // On the victim's own account: a refund of some other charge that names our order.
    refundEvent({ charge: 'ch_other', pi: 'pi_other_shop_sale', amount: 900, refunded: 900, currency: 'EUR', orderId: order.id }, { account: victimAccount }),
    // From the platform itself.
    refundEvent({ charge: 'ch_platform', pi, amount: 900, refunded: 900, currency: 'EUR', orderId: order.id }),
    disputeEvent('charge.dispute.created', { id: 'dp_platform', pi, amount: 900, currency: 'EUR', status: 'needs_response' }),
    // The right payment and account, but another currency.
    refundEvent({ charge: 'ch_fx', pi, amount: 900, refunded: 900, currency: 'USD' }, { account: victimAccount }),
  ];
  const outcomes = [];
  for (const e of forged) outcomes.push(await outcome(await postWebhook(t, 'stripe', e)));
  assert.deepEqual(outcomes, ['pending', 'ignored', 'ignored', 'pending', 'ignored', 'ignored', 'applied']);
  const state = await ledgerOf(order.id);
  assert.deepEqual([state.entitled, state.amount_refunded, state.dispute_open, state.dispute_lost], [true, 0, false, false]);
  assert.equal(await sales(), before);
  assert.match((await fan.client.get(`/i/${itemId}`)).html, /In your library/);
  // The real refund still works.
  await postWebhook(t, 'stripe', refundEvent({ charge: 'ch_victim', pi, amount: 900, refunded: 900, currency: 'EUR' }, { account: victimAccount }));
  assert.equal((await ledgerOf(order.id)).entitled, false);
  assert.equal(await sales(), before - 1);
});

test('an order whose session was never stored accepts no session at all', async () => {
  const fan = await signUpUser(t);
  await fan.client.get(`/i/${itemId}`);
  stub.refuse.set('/v1/checkout/sessions', 1);
  const key = checkoutKey();
  const refused = await fan.client.post(`/i/${itemId}/checkout`, { checkout_key: key });
  assert.equal(refused.status, 503);
  assert.match(refused.html, /nothing was charged/);
  const order = await t.deps.db.selectFrom('orders').selectAll().where('buyer_id', '=', fan.viewer.id).executeTakeFirstOrThrow();
  assert.equal(order.session_id, null);
  const s = { id: 'cs_test_made_up', orderId: order.id, amount: 900, currency: 'EUR', pi: 'pi_made_up' };
  assert.equal(await outcome(await postWebhook(t, 'stripe', sessionEvent('checkout.session.completed', s, { account: victimAccount }))), 'ignored');
  assert.equal((await ledgerOf(order.id)).is_paid, false);
  // Submitting the same form again finishes the same order with a real session.
  const retried = await fan.client.post(`/i/${itemId}/checkout`, { checkout_key: key });
  assert.equal(retried.status, 303);
  assert.equal((await t.deps.db.selectFrom('orders').select('id').where('buyer_id', '=', fan.viewer.id).execute()).length, 1);
  assert.match((await t.deps.db.selectFrom('orders').select('session_id').where('id', '=', order.id).executeTakeFirstOrThrow()).session_id!, /^cs_test_/);
});

test('deliveries signed with the account endpoint\'s or the Connect endpoint\'s secret are accepted at both paths; others are not', async () => {
  const { order, sessionId } = await buy(await signUpUser(t));
  const s = { id: sessionId, orderId: order.id, amount: 900, currency: 'EUR', pi: 'pi_secrets' };
  const before = await ledgerCounts(t);
  const wrong = sessionEvent('checkout.session.completed', s, { account: victimAccount, secret: 'whsec_someone_elses' });
  assert.equal((await postWebhook(t, 'stripe', wrong)).status, 400);
  assert.equal((await t.app.request('/webhooks/stripe/connect', { method: 'POST', body: wrong.body, headers: wrong.headers })).status, 400);
  assert.deepEqual(await ledgerCounts(t), before);
  const viaConnect = sessionEvent('checkout.session.completed', s, { account: victimAccount, secret: STRIPE_CONNECT_WEBHOOK_SECRET });
  const res = await t.app.request('/webhooks/stripe/connect', { method: 'POST', body: viaConnect.body, headers: viaConnect.headers });
  assert.equal(await outcome(res), 'applied');
  assert.equal((await ledgerOf(order.id)).entitled, true);
  // The platform endpoint's secret works too, at either path (here an event on the platform account).
  const platform = stripeEvent('payout.paid', { id: 'po_platform', object: 'payout', amount: 100, currency: 'eur', status: 'paid' }, { secret: STRIPE_WEBHOOK_SECRET });
  assert.equal(await outcome(await t.app.request('/webhooks/stripe/connect', { method: 'POST', body: platform.body, headers: platform.headers })), 'ignored');
  const viaAccount = refundEvent({ charge: 'ch_secrets', pi: 'pi_secrets', amount: 900, refunded: 100, currency: 'EUR' }, { account: victimAccount });
  assert.equal(await outcome(await postWebhook(t, 'stripe', viaAccount)), 'applied');
  assert.equal((await ledgerOf(order.id)).amount_refunded, 100);
});

test('5 identical deliveries in parallel through the SDK-signed path: one payment, one receipt, one sale', async () => {
  const fan = await signUpUser(t);
  const { order, sessionId } = await buy(fan);
  const before = await sales();
  const delivery = sessionEvent('checkout.session.completed', { id: sessionId, orderId: order.id, amount: 900, currency: 'EUR', pi: 'pi_parallel' }, { account: victimAccount });
  const outcomes = await Promise.all(Array.from({ length: 5 }, async () => outcome(await postWebhook(t, 'stripe', delivery))));
  assert.deepEqual(outcomes.sort(), ['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
  // Stripe retrying with fresh event ids, in parallel too.
  await Promise.all(Array.from({ length: 5 }, () => postWebhook(t, 'stripe', sessionEvent('checkout.session.completed',
    { id: sessionId, orderId: order.id, amount: 900, currency: 'EUR', pi: 'pi_parallel' }, { account: victimAccount }))));
  assert.equal((await t.deps.db.selectFrom('orders').select('id').where('buyer_id', '=', fan.viewer.id).execute()).length, 1);
  assert.equal((await t.deps.db.selectFrom('payments').select('payment_ref').where('order_id', '=', order.id).execute()).length, 1);
  assert.equal(Number((await t.deps.db.selectFrom('mail_outbox').select((eb) => eb.fn.countAll().as('n')).where('to_address', '=', fan.viewer.email)
    .where('subject', 'like', 'Your receipt%').executeTakeFirstOrThrow()).n), 1);
  assert.equal(await sales(), before + 1);
});

test('a payment, its full refund and a dispute delivered at the same moment leave exact counts', async () => {
  const before = await sales();
  const orders = [];
  for (let i = 0; i < 8; i++) orders.push(await buy(await signUpUser(t)));
  await Promise.all(orders.flatMap(({ order, sessionId }, i) => [
    postWebhook(t, 'stripe', sessionEvent('checkout.session.completed', { id: sessionId, orderId: order.id, amount: 900, currency: 'EUR', pi: `pi_race_${i}` }, { account: victimAccount })),
    postWebhook(t, 'stripe', refundEvent({ charge: `ch_race_${i}`, pi: `pi_race_${i}`, amount: 900, refunded: 900, currency: 'EUR' }, { account: victimAccount })),
    postWebhook(t, 'stripe', disputeEvent('charge.dispute.created', { id: `dp_race_${i}`, pi: `pi_race_${i}`, amount: 900, currency: 'EUR', status: 'needs_response' }, { account: victimAccount })),
  ]));
  for (const { order } of orders) {
    const s = await ledgerOf(order.id);
    assert.deepEqual([s.is_paid, s.amount_refunded, s.dispute_open, s.entitled], [true, 900, true, false]);
  }
  assert.equal(await sales(), before, 'every sale was refunded, whichever event committed first');
});
