// Handlers tolerate any delivery order: a payment, its refund, a dispute opening and the dispute
// closing, delivered through the Stripe SDK-signed path in every one of the 24 possible orders,
// leave the same ledger, the same access and the same sales count.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import {
  connectStripeCreator, disputeEvent, postWebhook, refundEvent, sessionEvent, startStripeStub, stripeCheckout, stripeEnv, type StripeStub,
} from '../../../test/support/commerce.ts';
import { TestClient } from '../../../test/support/client.ts';
import { publishedProject, signUpCreator, type TestUser } from '../../../test/support/factories.ts';

let stub: StripeStub;
let t: TestApp;
let creator: TestUser;
let account = '';
before(async () => {
  stub = await startStripeStub();
  t = await createTestApp(stripeEnv(stub));
  creator = await signUpCreator(t, { currency: 'KRW' });
  account = await connectStripeCreator(t, creator);
});
after(async () => {
  await t?.close();
  await stub?.close();
});

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

const scenarios = [
  { name: 'a partial refund and a lost dispute', refunded: 3000, outcome: 'lost', expect: { amount_refunded: 3000, dispute_lost: true, entitled: false }, sale: 0 },
  { name: 'a full refund and a won dispute', refunded: 9000, outcome: 'won', expect: { amount_refunded: 9000, dispute_lost: false, entitled: false }, sale: 0 },
  { name: 'a partial refund and a won dispute', refunded: 1000, outcome: 'won', expect: { amount_refunded: 1000, dispute_lost: false, entitled: true }, sale: 1 },
] as const;

for (const sc of scenarios) {
  test(`payment, refund, dispute opened and closed in all 24 orders: ${sc.name}`, async () => {
    const { itemIds: [itemId = ''] } = await publishedProject(t, creator, `Order test ${sc.outcome} ${sc.refunded}`,
      [{ type: 'audio', title: 'Any order', fields: { price_kind: 'fixed', price_amount: '9000' } }]);
    const orders = permutations(['payment', 'refund', 'opened', 'closed'] as const);
    const finals = [];
    for (const [n, sequence] of orders.entries()) {
      // A guest per order (one buyer cannot buy the same thing twice once it grants access).
      const guest = { client: new TestClient(t.app) };
      const { order, sessionId } = await stripeCheckout(t, guest, `/i/${itemId}`, `/i/${itemId}/checkout`, { email: `guest-${sc.outcome}-${sc.refunded}-${n}@example.com` });
      const pi = `pi_${sc.outcome}_${sc.refunded}_${n}`;
      const events = {
        payment: sessionEvent('checkout.session.completed', { id: sessionId, orderId: order.id, amount: 9000, currency: 'KRW', pi }, { account }),
        refund: refundEvent({ charge: `ch_${pi}`, pi, amount: 9000, refunded: sc.refunded, currency: 'KRW' }, { account }),
        opened: disputeEvent('charge.dispute.created', { id: `dp_${pi}`, pi, amount: 9000, currency: 'KRW', status: 'needs_response' }, { account }),
        closed: disputeEvent('charge.dispute.closed', { id: `dp_${pi}`, pi, amount: 9000, currency: 'KRW', status: sc.outcome }, { account }),
      };
      for (const step of sequence) assert.equal((await postWebhook(t, 'stripe', events[step])).status, 200, `${sequence.join(' → ')}: ${step}`);
      const row = await t.deps.db.selectFrom('order_ledger')
        .select(['is_paid', 'amount_paid', 'amount_refunded', 'dispute_open', 'dispute_lost', 'entitled']).where('order_id', '=', order.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { is_paid: true, amount_paid: 9000, dispute_open: false, ...sc.expect }, sequence.join(' → '));
      finals.push(row);
    }
    assert.equal(finals.length, 24);
    const { sales_count } = await t.deps.db.selectFrom('items').select('sales_count').where('id', '=', itemId).executeTakeFirstOrThrow();
    assert.equal(sales_count, 24 * sc.sale, 'each order counts as a sale exactly when it grants access');
  });
}
