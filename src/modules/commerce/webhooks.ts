// The one path from a provider event to the ledger: verify the signature on the raw body, then,
// in one transaction, record the event id (unique) and apply its effects as upserts. Duplicates
// change nothing; events about orders, accounts or sessions we never created are ignored.
//
// A valid signature only proves the processor sent the event, not that it is about our sale:
// any creator can make charges on their own connected account with whatever metadata they
// like. So a payment must come from the very account its order was charged on, for the session
// we stored, amount and currency; refunds and disputes are tied to a payment reference on that
// account, never to the order id their metadata names.
import type { Deps, Executor } from '../../deps.ts';
import { isUuid } from '../../platform/validate.ts';
import type { LedgerEvent, SignedDelivery, VerifiedEvent } from '../../platform/payments/types.ts';
import { addItemSales } from '../catalog/index.ts';
import * as ledger from './queries/ledger.ts';
import { queueReceipt } from './receipts.ts';

/** pending: stored, and counted once the payment it belongs to reaches the ledger. */
export type WebhookOutcome = 'applied' | 'pending' | 'duplicate' | 'ignored';

/** Throws WebhookSignatureError (→ 400) before anything is stored. */
export function verify(deps: Deps, rawBody: string, header: (name: string) => string | undefined): VerifiedEvent {
  return deps.payments.verifyWebhook(rawBody, header);
}

export async function processWebhook(deps: Deps, rawBody: string, header: (name: string) => string | undefined): Promise<WebhookOutcome> {
  const verified = verify(deps, rawBody, header);
  return deps.db.transaction().execute(async (tx) => {
    if (!(await ledger.recordEvent(tx, deps.payments.name, verified.id, verified.type))) return 'duplicate';
    return applyEvent(deps, tx, verified);
  });
}

/** Deliveries the local provider hands back go through the very same function. */
export async function deliver(deps: Deps, deliveries: SignedDelivery[]) {
  for (const d of deliveries) await processWebhook(deps, d.body, (name) => d.headers[name.toLowerCase()]);
}

async function applyEvent(deps: Deps, tx: Executor, v: VerifiedEvent): Promise<WebhookOutcome> {
  const provider = deps.payments.name;
  const e = v.event;
  switch (e.kind) {
    case 'payment':
      return applyPayment(deps, tx, v.account, e);
    case 'refund':
    case 'dispute':
      return applyToPayment(deps, tx, v.account, e);
    case 'account':
      // account.updated about one account, delivered from another, is not that account's news.
      if (v.account !== null && v.account !== e.accountId) return 'ignored';
      return Number((await ledger.applyAccountStatus(tx, { provider, ...e }))[0]?.numUpdatedRows ?? 0n) > 0 ? 'applied' : 'ignored';
    case 'payout': {
      const owner = await ledger.findAccountOwner(tx, provider, e.accountId);
      if (!owner) return 'ignored';
      await ledger.upsertPayout(tx, { provider, payout_ref: e.payoutRef, creator_id: owner.creator_id, amount: e.amount, currency: e.currency, status: e.status });
      return 'applied';
    }
    default:
      return 'ignored';
  }
}

async function applyPayment(deps: Deps, tx: Executor, account: string | null, e: Extract<LedgerEvent, { kind: 'payment' }>): Promise<WebhookOutcome> {
  const provider = deps.payments.name;
  if (!isUuid(e.orderId) || !account) return 'ignored';
  await ledger.lockPayment(tx, provider, e.paymentRef);
  const order = await ledger.lockOrder(tx, e.orderId);
  // Only sessions we created and stored (the buyer gets the URL only after that), on the
  // account we charged, for exactly the amount and currency we asked for.
  if (!order || order.provider !== provider || order.account_id !== account || order.session_id === null
    || order.session_id !== e.sessionId || order.amount_total !== e.amount || order.currency !== e.currency) return 'ignored';
  if (e.status === 'pending') return 'applied'; // async methods: wait for succeeded/failed
  // One checkout session, one payment: an order already paid by another payment is not paid
  // twice (the provider never sends that; if it did, the buyer would be charged twice for one
  // order and its refund and entitlement would no longer add up).
  const paidBy = await ledger.succeededPaymentRef(tx, order.id);
  if (paidBy !== undefined && paidBy !== e.paymentRef) {
    deps.log.warn({ orderId: order.id, paidBy, paymentRef: e.paymentRef }, 'a second payment for an order already paid was ignored');
    return 'ignored';
  }
  // (A payment reference already recorded for another order is left alone by the upsert.)
  const was = await ledger.isOrderEntitled(tx, order.id);
  const firstSuccess = await ledger.upsertPayment(tx, { provider, paymentRef: e.paymentRef, orderId: order.id, amount: e.amount, currency: e.currency, status: e.status });
  if (firstSuccess) await queueReceipt(deps, tx, order.id);
  // Last: the item row is shared by all its sales, so hold its lock for the shortest time.
  await updateSalesCounts(tx, order.id, was);
  return 'applied';
}

/**
 * Refunds and disputes, in any order relative to their payment: stored under the payment
 * reference and the account they happened on, they count for an order as soon as (and only if)
 * that payment is the order's, on the order's account.
 */
async function applyToPayment(deps: Deps, tx: Executor, account: string | null, e: Extract<LedgerEvent, { kind: 'refund' | 'dispute' }>): Promise<WebhookOutcome> {
  const provider = deps.payments.name;
  if (!account) return 'ignored'; // sales are charged on connected accounts, never the platform's
  await ledger.lockPayment(tx, provider, e.paymentRef);
  const payment = await ledger.findPayment(tx, provider, e.paymentRef);
  const order = payment ? await ledger.lockOrder(tx, payment.order_id) : undefined;
  if (order && order.account_id !== account) return 'ignored';
  // Before its payment: keep it only if the account is one of our creators'.
  if (!order && !(await ledger.isKnownAccount(tx, provider, account))) return 'ignored';
  const was = order ? await ledger.isOrderEntitled(tx, order.id) : false;
  const common = { provider, paymentRef: e.paymentRef, accountId: account, orderId: order?.id ?? null, currency: e.currency };
  if (e.kind === 'refund') {
    await ledger.upsertRefund(tx, { ...common, chargeRef: e.chargeRef, amount: e.amountRefunded });
  } else {
    await ledger.upsertDispute(tx, { ...common, disputeRef: e.disputeRef, amount: e.amount, status: e.status });
  }
  if (!order) return 'pending';
  await updateSalesCounts(tx, order.id, was);
  return 'applied';
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
