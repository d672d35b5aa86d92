// The creator's side of the ledger: sales, revenue and balances per currency, full refunds
// through the provider, CSV export, the local payout run and reconciliation with the provider.
import type { Deps } from '../../deps.ts';
import { Conflict, NotFound } from '../../platform/errors.ts';
import type { LocalProvider } from '../../platform/payments/local.ts';
import { isUuid } from '../../platform/validate.ts';
import { splitLargestRemainder, toDecimalString } from '../catalog/index.ts';
import * as ledger from './queries/ledger.ts';
import * as q from './queries/orders.ts';
import { askProvider } from './checkout.ts';
import { deliver } from './webhooks.ts';

export type SaleState = 'paid' | 'refunded' | 'partly refunded' | 'disputed' | 'dispute lost' | 'free';

export function saleState(o: { amount_paid: number; amount_refunded: number; dispute_open: boolean; dispute_lost: boolean; kind: string }): SaleState {
  if (o.dispute_lost) return 'dispute lost';
  if (o.dispute_open) return 'disputed';
  if (o.amount_paid > 0 && o.amount_refunded >= o.amount_paid) return 'refunded';
  if (o.amount_refunded > 0) return 'partly refunded';
  return o.kind === 'claim' ? 'free' : 'paid';
}

/** Balance per currency: what the ledger says was earned, minus payouts made or in flight. */
export async function balances(deps: Deps, creatorId?: string) {
  const [revenue, paidOut] = await Promise.all([q.creatorRevenue(deps.db, creatorId), q.payoutTotals(deps.db, creatorId)]);
  return revenue.map((r) => {
    const out = paidOut.find((p) => p.creator_id === r.creator_id && p.currency === r.currency)?.total ?? 0;
    return { creatorId: r.creator_id, currency: r.currency, sales: r.sales, net: r.net, paidOut: out, balance: r.net - out };
  });
}

export async function salesPage(deps: Deps, creatorId: string) {
  const [sales, money, payouts, account, byItem] = await Promise.all([
    q.creatorSales(deps.db, creatorId), balances(deps, creatorId), q.creatorPayouts(deps.db, creatorId), ledger.findConnectedAccount(deps.db, creatorId),
    revenueByItem(deps, creatorId),
  ]);
  return { sales, money, payouts, byItem, account: account?.provider === deps.payments.name ? account : undefined, provider: deps.payments.name };
}

export interface ItemRevenue { itemId: string | null; title: string; currency: string; sales: number; net: number }

/**
 * Sales and net revenue per item and currency. An album sale's net (after refunds; nothing for a
 * lost dispute) is split across the items it covered when sold, by their recorded shares, with
 * the largest remainder: the items' nets always sum exactly to the revenue of the sales (tips,
 * which sell no item, aside), in every currency's own minor units.
 */
export async function revenueByItem(deps: Deps, creatorId: string): Promise<ItemRevenue[]> {
  const orders = (await q.creatorSales(deps.db, creatorId, 100_000)).filter((o) => o.is_paid && o.kind !== 'tip');
  const ids = orders.map((o) => o.order_id);
  const [lines, covers] = await Promise.all([q.orderLines(deps.db, ids), q.lineCovers(deps.db, ids)]);
  const totals = new Map<string, ItemRevenue>();
  for (const o of orders) {
    const parts = lines.filter((l) => l.order_id === o.order_id).flatMap((l) => (l.project_id
      ? covers.filter((c) => c.order_line_id === l.id).map((c) => ({ itemId: c.item_id, title: c.title, weight: c.share }))
      : [{ itemId: l.item_id, title: l.title, weight: l.amount }]));
    if (!parts.length) continue;
    const net = o.dispute_lost ? 0 : Math.max(o.amount_paid - o.amount_refunded, 0);
    const split = net > 0 && parts.some((p) => p.weight > 0) ? splitLargestRemainder(net, parts.map((p) => p.weight)) : parts.map(() => 0);
    parts.forEach((part, i) => {
      const key = `${part.itemId ?? `deleted:${part.title}`}\u0000${o.currency}`;
      const row = totals.get(key) ?? { itemId: part.itemId, title: part.title, currency: o.currency, sales: 0, net: 0 };
      row.net += split[i]!;
      if (o.entitled) row.sales += 1;
      totals.set(key, row);
    });
  }
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency) || b.net - a.net || a.title.localeCompare(b.title));
}

/** The sale, if it can be refunded now; the refusal says why not, in the creator's words. */
async function refundableOrder(deps: Deps, creatorId: string, orderId: string) {
  const order = isUuid(orderId) ? await q.orderLedger(deps.db, orderId) : undefined;
  if (!order || order.creator_id !== creatorId || !order.is_paid) throw new NotFound('We could not find that sale.');
  if (order.dispute_open) throw new Conflict('This sale is disputed with the card issuer; it cannot be refunded while the dispute is open.');
  if (order.dispute_lost) throw new Conflict('This sale was lost to a dispute; the money has already gone back to the buyer.');
  if (order.amount_paid === 0) throw new Conflict('This was a free claim; there is nothing to refund.');
  if (order.amount_refunded >= order.amount_paid) throw new Conflict('This sale is already refunded.');
  if (order.provider !== deps.payments.name || !order.account_id || !order.payment_ref) throw new Conflict('This sale was made with another payment processor; refund it there.');
  return order;
}

/**
 * What a refund of this sale would do, for the confirmation page: a refund cannot be undone,
 * so the creator sees the buyer, what they bought and the amount before anything is asked of
 * the provider. The refund is of whatever has not been refunded yet.
 */
export async function refundPreview(deps: Deps, creatorId: string, orderId: string) {
  const order = await refundableOrder(deps, creatorId, orderId);
  const lines = await q.orderLines(deps.db, [order.order_id]);
  return {
    orderId: order.order_id, buyerEmail: order.buyer_email, createdAt: order.created_at, currency: order.currency, kind: order.kind,
    amountPaid: order.amount_paid, alreadyRefunded: order.amount_refunded, amount: order.amount_paid - order.amount_refunded,
    lines: lines.map((l) => ({ title: l.title, album: !!l.project_id, amount: l.amount })),
  };
}

/** A full refund, asked of the provider; access ends when the refund event reaches the ledger. */
export async function refundOrder(deps: Deps, creatorId: string, orderId: string) {
  const order = await refundableOrder(deps, creatorId, orderId);
  const { deliveries } = await askProvider(deps, 'refunded', () => deps.payments.refund({
    orderId: order.order_id, paymentRef: order.payment_ref!, accountId: order.account_id!,
    amount: order.amount_paid, currency: order.currency, idempotencyKey: `refund-${order.order_id}`,
  }));
  await deliver(deps, deliveries);
}

const csvCell = (v: string | number) => {
  const s = String(v);
  // Quote always; a leading = + - @ would run as a formula in spreadsheets.
  return `"${(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).replaceAll('"', '""')}"`;
};

/** Amounts as exact decimals in each currency's precision (¥1500 is 1500, $15 is 15.00). */
export async function salesCsv(deps: Deps, creatorId: string) {
  const rows = await q.creatorSales(deps.db, creatorId, 100_000);
  const header = ['date', 'order', 'kind', 'items', 'buyer_email', 'currency', 'amount', 'refunded', 'net', 'status'];
  const money = (amount: number, currency: string) => toDecimalString({ amount, currency });
  const lines = rows.map((r) => [
    r.created_at.toISOString(), r.order_id, r.kind, r.titles ?? '', r.buyer_email, r.currency,
    money(r.amount_paid, r.currency), money(r.amount_refunded, r.currency),
    money(r.dispute_lost ? 0 : Math.max(r.amount_paid - r.amount_refunded, 0), r.currency), saleState(r),
  ].map(csvCell).join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

/** Test mode has no processor to pay creators: pay out every positive simulated balance. */
export async function runLocalPayouts(deps: Deps) {
  if (deps.payments.name !== 'local') return 0;
  const local = deps.payments as LocalProvider;
  let count = 0;
  for (const b of await balances(deps)) {
    if (b.balance <= 0) continue;
    const account = await ledger.findConnectedAccount(deps.db, b.creatorId);
    if (!account || account.provider !== 'local' || !account.payouts_enabled) continue;
    await deliver(deps, local.payout({ accountId: account.account_id, amount: b.balance, currency: b.currency }));
    count += 1;
  }
  return count;
}

/**
 * Reconciliation, like with like: per connected account and currency, what the ledger says was
 * charged minus refunded, against the charges and refunds in the provider's balance history
 * that belong to our checkouts (their payment is in the ledger, or the charge carries our
 * order id). Fees, disputes, adjustments and payouts move the balance without being sales, and
 * creators' charges made elsewhere on their own account are not ours: none of them is compared.
 * A lost dispute is a loss on the sale, not a difference in what was charged.
 */
export async function reconcile(deps: Deps) {
  let flagged = 0;
  for (const account of await q.connectedAccounts(deps.db, deps.payments.name)) {
    const entries = await deps.payments.balanceEntries(account.account_id);
    if (!entries) continue; // test mode's books are the ledger itself
    const [ledgerTotals, ledgerRefs] = await Promise.all([
      q.chargedLessRefunded(deps.db, deps.payments.name, account.account_id),
      q.paymentRefsOnAccount(deps.db, deps.payments.name, account.account_id),
    ]);
    const ours = new Set(ledgerRefs);
    for (const e of entries) if (e.kind === 'charge' && e.orderId && e.paymentRef) ours.add(e.paymentRef);
    const providerTotals = new Map<string, number>();
    for (const e of entries) {
      if (e.paymentRef && ours.has(e.paymentRef)) providerTotals.set(e.currency, (providerTotals.get(e.currency) ?? 0) + e.amount);
    }
    const currencies = new Set([...providerTotals.keys(), ...ledgerTotals.map((r) => r.currency)]);
    for (const currency of currencies) {
      const ledgerNet = ledgerTotals.find((r) => r.currency === currency)?.net ?? 0;
      const providerNet = providerTotals.get(currency) ?? 0;
      if (ledgerNet !== providerNet) flagged += 1;
      await q.replaceReconciliationFlag(deps.db, { creatorId: account.creator_id, currency, ledgerNet, providerNet });
    }
  }
  return flagged;
}

export const reconciliationFlags = (deps: Deps) => q.reconciliationFlags(deps.db);
export const reconciliationFlagCount = async (deps: Deps) => (await q.reconciliationFlags(deps.db)).length;
