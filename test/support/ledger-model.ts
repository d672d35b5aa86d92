// For the webhook storm (test/faults/webhook-storm.test.ts): a seeded set of Stripe-format events
// about many orders, and the ledger they must produce, computed here from the events alone by
// the rules Stripe and our webhook contract state (docs/decisions/0004, 0008) — never by
// calling the code under test. Everything is plain data so a failure can be printed and replayed.
import { disputeObject, refundObject, sessionObject, stripeEventBody } from './commerce.ts';

/** mulberry32: small, seeded, so a failing storm can be run again exactly. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
    shuffle<T>(xs: T[]): T[] {
      for (let i = xs.length - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [xs[i], xs[j]] = [xs[j]!, xs[i]!]; }
      return xs;
    },
  };
}
export type Random = ReturnType<typeof seededRandom>;

/** An order as checkout made it: what the storm's events are about. */
export interface StormOrder {
  id: string; sessionId: string; account: string; creatorId: string; currency: string; amount: number; email: string;
  kind: 'item' | 'album' | 'tip';
  /** Items the sale counts for (an album: the project's items when it was sold; a tip: none). */
  sells: string[];
}

/** One event as Stripe would send it: the body is fixed, the signature is made when it is sent. */
export interface StormEvent { id: string; type: string; account: string | null; object: Record<string, unknown>; body: string }

export interface StormPlan {
  events: StormEvent[];
  /** What each order went through, for the figures printed at the end. */
  flows: Map<string, string>;
}

let seq = 0;
function event(type: string, object: Record<string, unknown>, account: string | null): StormEvent {
  const id = `evt_storm_${++seq}_${Date.now().toString(36)}`;
  return { id, type, account, object, body: stripeEventBody(type, object, { id, ...(account ? { account } : {}) }) };
}

/** Increasing cumulative refunded amounts of one charge (charge.refunded carries the running total). */
function refundSteps(r: Random, amount: number) {
  const steps = r.int(1, 3);
  const full = r.chance(0.5);
  const cuts = Array.from({ length: steps }, () => r.int(1, Math.max(1, amount - 1))).sort((a, b) => a - b);
  if (full) cuts[cuts.length - 1] = amount;
  return [...new Set(cuts)];
}

/**
 * Events for every order: completed payments, async ones that succeed or fail, checkouts left
 * unpaid or abandoned, partial and full refunds in several steps, disputes opened, updated and
 * closed; plus validly signed events that must change nothing (another creator's account, a
 * wrong amount or session, a stranger's account), refunds of charges that are not our sales, and
 * payouts. `others` are our other creators' accounts.
 */
export function planStorm(r: Random, orders: StormOrder[], creators: { account: string }[]): StormPlan {
  const events: StormEvent[] = [];
  const flows = new Map<string, string>();
  const push = (type: string, object: Record<string, unknown>, account: string | null) => events.push(event(type, object, account));
  for (const [n, o] of orders.entries()) {
    const pi = `pi_storm_${n}`;
    const s = { id: o.sessionId, orderId: o.id, amount: o.amount, currency: o.currency, pi };
    const flow = r.pick(['paid', 'paid', 'paid', 'paid', 'paid', 'async-ok', 'async-ok', 'async-failed', 'unpaid', 'abandoned', 'abandoned'] as const);
    const labels: string[] = [flow];
    if (flow === 'paid') push('checkout.session.completed', sessionObject(s), o.account);
    if (flow === 'async-ok' || flow === 'async-failed' || flow === 'unpaid') push('checkout.session.completed', sessionObject({ ...s, status: 'unpaid' }), o.account);
    if (flow === 'async-ok') push('checkout.session.async_payment_succeeded', sessionObject(s), o.account);
    if (flow === 'async-failed') push('checkout.session.async_payment_failed', sessionObject({ ...s, status: 'unpaid' }), o.account);
    const succeeded = flow === 'paid' || flow === 'async-ok';
    if (succeeded && r.chance(0.3)) {
      labels.push('refunded');
      for (const refunded of refundSteps(r, o.amount)) push('charge.refunded', refundObject({ charge: `ch_storm_${n}`, pi, amount: o.amount, refunded, currency: o.currency, orderId: o.id }), o.account);
    }
    if (succeeded && r.chance(0.25)) {
      labels.push('disputed');
      const d = { id: `dp_storm_${n}`, pi, amount: o.amount, currency: o.currency };
      push('charge.dispute.created', disputeObject({ ...d, status: 'needs_response' }), o.account);
      if (r.chance(0.5)) push('charge.dispute.updated', disputeObject({ ...d, status: 'under_review' }), o.account);
      if (r.chance(0.7)) push('charge.dispute.closed', disputeObject({ ...d, status: r.pick(['won', 'lost', 'lost', 'warning_closed']) }), o.account);
    }
    if (r.chance(0.12)) {
      // Validly signed, but not about this sale as we made it: stored as an event, no effect.
      const other = r.pick(creators.filter((c) => c.account !== o.account)).account;
      const stranger = 'acct_storm_stranger';
      const kind = r.pick(['other-account', 'wrong-amount', 'wrong-session', 'stranger-refund', 'stranger-dispute'] as const);
      labels.push(kind);
      if (kind === 'other-account') push('checkout.session.completed', sessionObject(s), other);
      if (kind === 'wrong-amount') push('checkout.session.completed', sessionObject({ ...s, amount: o.amount + 100 }), o.account);
      if (kind === 'wrong-session') push('checkout.session.completed', sessionObject({ ...s, id: `cs_storm_made_up_${n}` }), o.account);
      if (kind === 'stranger-refund') push('charge.refunded', refundObject({ charge: `ch_stranger_${n}`, pi, amount: o.amount, refunded: o.amount, currency: o.currency, orderId: o.id }), stranger);
      if (kind === 'stranger-dispute') push('charge.dispute.closed', disputeObject({ id: `dp_stranger_${n}`, pi, amount: o.amount, currency: o.currency, status: 'lost' }), stranger);
    }
    if (r.chance(0.04)) {
      // A refund on the creator's own account of some other charge that names this order: kept
      // (its payment may still come), never counted.
      labels.push('stray-refund');
      push('charge.refunded', refundObject({ charge: `ch_stray_${n}`, pi: `pi_stray_${n}`, amount: o.amount, refunded: o.amount, currency: o.currency, orderId: o.id }), o.account);
    }
    flows.set(o.id, labels.join('+'));
  }
  for (const [c, { account }] of [...creators, { account: 'acct_storm_stranger' }].entries()) {
    for (let k = 0; k < 3; k++) {
      const po = { id: `po_storm_${c}_${k}`, object: 'payout', amount: 1000 * (k + 1), currency: 'eur', status: 'pending' };
      push('payout.created', po, account);
      const end = r.pick(['payout.paid', 'payout.failed', null]);
      if (end) push(end, { ...po, status: end === 'payout.paid' ? 'paid' : 'failed' }, account);
    }
  }
  return { events, flows };
}

// ---- the expected ledger ----

export interface ExpectedOrder { is_paid: boolean; amount_paid: number; amount_refunded: number; dispute_open: boolean; dispute_lost: boolean; entitled: boolean }
export interface ExpectedLedger {
  payments: { payment_ref: string; order_id: string; amount: number; currency: string; status: 'succeeded' | 'failed' }[];
  refunds: { charge_ref: string; payment_ref: string; account_id: string; amount: number; currency: string }[];
  disputes: { dispute_ref: string; payment_ref: string; account_id: string; amount: number; currency: string; status: 'open' | 'won' | 'lost' }[];
  payouts: { payout_ref: string; account: string; amount: number; currency: string; status: 'pending' | 'paid' | 'failed' }[];
  orders: Map<string, ExpectedOrder>;
  salesByItem: Map<string, number>;
  receipts: Set<string>;
}

const ref = (v: unknown) => (typeof v === 'string' ? v : null);

/**
 * The ledger `events` must leave, whatever order and however often they arrive:
 * - a checkout event counts only from the order's own account, for the session checkout stored,
 *   with the order's amount and currency; `completed` pays unless the session is still unpaid
 *   (an async method), `async_payment_succeeded`/`_failed` settle it; a success is final;
 * - refunds and disputes are kept when they happen on one of our creators' accounts and count
 *   for the order whose succeeded payment they name, on that order's account, in its currency;
 *   a charge's refunded amount is its largest running total, never more than the payment;
 *   a dispute's won/lost is final (`warning_closed` is won);
 * - an order grants access when paid, not refunded in full and not lost to a dispute; each
 *   such order counts one sale for every item it sold, and one receipt was sent for every
 *   order that was ever paid;
 * - payouts on our creators' accounts end paid or failed once told so, pending until then.
 */
export function expectedLedger(events: StormEvent[], orders: StormOrder[], creators: { account: string }[]): ExpectedLedger {
  const byId = new Map(orders.map((o) => [o.id, o]));
  const known = new Set(creators.map((c) => c.account));
  const payments = new Map<string, ExpectedLedger['payments'][number]>();
  const refunds = new Map<string, ExpectedLedger['refunds'][number]>();
  const disputes = new Map<string, ExpectedLedger['disputes'][number]>();
  const payouts = new Map<string, ExpectedLedger['payouts'][number]>();
  for (const e of events) {
    const o = e.object;
    if (e.type.startsWith('checkout.session.')) {
      const order = byId.get(String((o.metadata as { order_id?: string }).order_id));
      if (!order || e.account !== order.account || o.id !== order.sessionId || o.amount_total !== order.amount || String(o.currency).toUpperCase() !== order.currency) continue;
      const status = e.type.endsWith('async_payment_failed') ? 'failed' : e.type.endsWith('async_payment_succeeded') || o.payment_status !== 'unpaid' ? 'succeeded' : null;
      if (!status) continue;
      const pi = ref(o.payment_intent)!;
      const prev = payments.get(pi);
      payments.set(pi, { payment_ref: pi, order_id: order.id, amount: order.amount, currency: order.currency, status: prev?.status === 'succeeded' ? 'succeeded' : status });
    } else if (e.type === 'charge.refunded') {
      if (!e.account || !known.has(e.account)) continue;
      const prev = refunds.get(String(o.id));
      refunds.set(String(o.id), { charge_ref: String(o.id), payment_ref: ref(o.payment_intent)!, account_id: e.account, currency: String(o.currency).toUpperCase(),
        amount: Math.max(prev?.amount ?? 0, Number(o.amount_refunded)) });
    } else if (e.type.startsWith('charge.dispute.')) {
      if (!e.account || !known.has(e.account)) continue;
      const status = o.status === 'lost' ? 'lost' : o.status === 'won' || o.status === 'warning_closed' ? 'won' : 'open';
      const prev = disputes.get(String(o.id));
      disputes.set(String(o.id), { dispute_ref: String(o.id), payment_ref: ref(o.payment_intent)!, account_id: e.account, amount: Number(o.amount),
        currency: String(o.currency).toUpperCase(), status: prev && prev.status !== 'open' ? prev.status : status });
    } else if (e.type.startsWith('payout.')) {
      if (!e.account || !known.has(e.account)) continue;
      const status = e.type === 'payout.paid' ? 'paid' : e.type === 'payout.failed' ? 'failed' : 'pending';
      const prev = payouts.get(String(o.id));
      payouts.set(String(o.id), { payout_ref: String(o.id), account: e.account, amount: Number(o.amount), currency: String(o.currency).toUpperCase(),
        status: prev && prev.status !== 'pending' ? prev.status : status });
    }
  }

  const state = new Map<string, ExpectedOrder>();
  const salesByItem = new Map<string, number>();
  const receipts = new Set<string>();
  for (const order of orders) {
    const paid = [...payments.values()].filter((p) => p.order_id === order.id && p.status === 'succeeded');
    const amountPaid = paid.reduce((s, p) => s + p.amount, 0);
    let refunded = 0;
    let open = false;
    let lost = false;
    for (const p of paid) {
      for (const rf of refunds.values()) if (rf.payment_ref === p.payment_ref && rf.account_id === order.account && rf.currency === p.currency) refunded += Math.min(rf.amount, p.amount);
      for (const d of disputes.values()) {
        if (d.payment_ref !== p.payment_ref || d.account_id !== order.account) continue;
        open ||= d.status === 'open';
        lost ||= d.status === 'lost';
      }
    }
    const isPaid = paid.length > 0;
    const entitled = isPaid && !(amountPaid > 0 && refunded >= amountPaid) && !lost;
    state.set(order.id, { is_paid: isPaid, amount_paid: amountPaid, amount_refunded: refunded, dispute_open: open, dispute_lost: lost, entitled });
    if (isPaid) receipts.add(order.email);
    for (const item of order.sells) salesByItem.set(item, (salesByItem.get(item) ?? 0) + (entitled ? 1 : 0));
  }
  return { payments: [...payments.values()], refunds: [...refunds.values()], disputes: [...disputes.values()], payouts: [...payouts.values()],
    orders: state, salesByItem, receipts };
}
