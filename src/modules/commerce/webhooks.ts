// The one path from a provider event to the ledger: verify the signature on the raw body, then,
// in one transaction, record the event id (unique) and apply its effects as upserts. Duplicates
// change nothing; events about orders, accounts or sessions we never created are ignored.
import type { Deps, Executor } from '../../deps.ts';
import { isUuid } from '../../platform/validate.ts';
import type { LedgerEvent, SignedDelivery, VerifiedEvent } from '../../platform/payments/types.ts';
import { addItemSales } from '../catalog/index.ts';
import * as ledger from './queries/ledger.ts';
import { queueReceipt } from './receipts.ts';

export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored';

/** Throws WebhookSignatureError (→ 400) before anything is stored. */
export function verify(deps: Deps, rawBody: string, header: (name: string) => string | undefined): VerifiedEvent {
  return deps.payments.verifyWebhook(rawBody, header);
}

export async function processWebhook(deps: Deps, rawBody: string, header: (name: string) => string | undefined): Promise<WebhookOutcome> {
  const verified = verify(deps, rawBody, header);
  return deps.db.transaction().execute(async (tx) => {
    if (!(await ledger.recordEvent(tx, deps.payments.name, verified.id, verified.type))) return 'duplicate';
    return (await applyEvent(deps, tx, verified.event)) ? 'applied' : 'ignored';
  });
}

/** Deliveries the local provider hands back go through the very same function. */
export async function deliver(deps: Deps, deliveries: SignedDelivery[]) {
  for (const d of deliveries) await processWebhook(deps, d.body, (name) => d.headers[name.toLowerCase()]);
}

async function applyEvent(deps: Deps, tx: Executor, e: LedgerEvent): Promise<boolean> {
  const provider = deps.payments.name;
  switch (e.kind) {
    case 'payment': {
      const order = isUuid(e.orderId) ? await ledger.lockOrder(tx, e.orderId) : undefined;
      // Only sessions we created, for exactly the amount and currency we asked for.
      if (!order || order.provider !== provider || (order.session_id !== null && order.session_id !== e.sessionId)
        || order.amount_total !== e.amount || order.currency !== e.currency) return false;
      if (e.status === 'pending') return true; // async methods: wait for succeeded/failed
      const was = await ledger.isOrderEntitled(tx, order.id);
      const firstSuccess = await ledger.upsertPayment(tx, { provider, paymentRef: e.paymentRef, orderId: order.id, amount: e.amount, currency: e.currency, status: e.status });
      if (firstSuccess) await queueReceipt(deps, tx, order.id);
      // Last: the item row is shared by all its sales, so hold its lock for the shortest time.
      await updateSalesCounts(tx, order.id, was);
      return true;
    }
    case 'refund': {
      const order = isUuid(e.orderId) ? await ledger.lockOrder(tx, e.orderId) : undefined;
      if (!order || order.provider !== provider || order.currency !== e.currency) return false;
      // May arrive before the payment it refunds: stored against the order, it applies either way.
      const was = await ledger.isOrderEntitled(tx, order.id);
      await ledger.upsertRefund(tx, { provider, chargeRef: e.chargeRef, orderId: order.id, amount: e.amountRefunded, currency: e.currency });
      await updateSalesCounts(tx, order.id, was);
      return true;
    }
    case 'dispute': {
      const orderId = e.orderId && isUuid(e.orderId) ? e.orderId : (await ledger.findOrderByPayment(tx, provider, e.paymentRef))?.order_id;
      const order = orderId ? await ledger.lockOrder(tx, orderId) : undefined;
      if (!order || order.provider !== provider) return false;
      const was = await ledger.isOrderEntitled(tx, order.id);
      await ledger.upsertDispute(tx, { provider, disputeRef: e.disputeRef, orderId: order.id, amount: e.amount, currency: e.currency, status: e.status });
      await updateSalesCounts(tx, order.id, was);
      return true;
    }
    case 'account':
      return Number((await ledger.applyAccountStatus(tx, { provider, ...e }))[0]?.numUpdatedRows ?? 0n) > 0;
    case 'payout': {
      const owner = await ledger.findAccountOwner(tx, provider, e.accountId);
      if (!owner) return false;
      await ledger.upsertPayout(tx, { provider, payout_ref: e.payoutRef, creator_id: owner.creator_id, amount: e.amount, currency: e.currency, status: e.status });
      return true;
    }
    default:
      return false;
  }
}

/**
 * Items' sales counts follow the ledger: when this event changed whether the order grants
 * access, its items gain or lose one sale. Events about one order are serialised by the order
 * lock, so before/after are exact; counting from scratch would cost O(sales) per event.
 */
export async function updateSalesCounts(tx: Executor, orderId: string, wasEntitled: boolean) {
  const now = await ledger.isOrderEntitled(tx, orderId);
  if (now !== wasEntitled) await addItemSales(tx, await ledger.soldItemIds(tx, orderId), now ? 1 : -1);
}
