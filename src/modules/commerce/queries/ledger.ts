// SQL that writes the ledger. Every write is an upsert whose result does not depend on the
// order events arrive in; uniqueness comes from primary keys and ON CONFLICT.
import { sql } from 'kysely';
import type { Executor } from '../../../deps.ts';
import type { CommerceTables } from '../tables.ts';

/** True if this event id is new (and now recorded); false for a duplicate delivery. */
export async function recordEvent(db: Executor, provider: string, eventId: string, type: string) {
  const row = await db.insertInto('webhook_events').values({ provider, event_id: eventId, type: type.slice(0, 100) })
    .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing()).returning('event_id').executeTakeFirst();
  return !!row;
}

/** The order, locked: events about one order apply one at a time, so derived counts stay exact. */
export function lockOrder(db: Executor, orderId: string) {
  return db.selectFrom('orders').selectAll().where('id', '=', orderId).forUpdate().executeTakeFirst();
}

/**
 * Serialises every event about one payment (its success, refunds and disputes), including those
 * that arrive before the payment itself and so have no order to lock yet. Taken before the
 * order lock, in every handler, so the two locks are always acquired in the same order.
 */
export async function lockPayment(db: Executor, provider: string, paymentRef: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`${provider}:${paymentRef}`}, 0))`.execute(db);
}

export function findPayment(db: Executor, provider: string, paymentRef: string) {
  return db.selectFrom('payments').select(['order_id', 'status']).where('provider', '=', provider).where('payment_ref', '=', paymentRef).executeTakeFirst();
}

/** Whether any creator's account (current, or one a past order was charged on) is this one. */
export async function isKnownAccount(db: Executor, provider: string, accountId: string) {
  const { rows } = await sql<{ known: boolean }>`SELECT
    EXISTS (SELECT 1 FROM connected_accounts WHERE provider = ${provider} AND account_id = ${accountId})
    OR EXISTS (SELECT 1 FROM orders WHERE provider = ${provider} AND account_id = ${accountId}) AS known`.execute(db);
  return rows[0]?.known ?? false;
}

/**
 * Records a payment outcome. A success is final (a late "failed" cannot undo it). Returns true
 * when this call made the payment succeed for the first time (receipts, counts).
 */
export async function upsertPayment(db: Executor, p: { provider: string; paymentRef: string; orderId: string; amount: number; currency: string; status: 'succeeded' | 'failed' }) {
  const row = await db.insertInto('payments')
    .values({ provider: p.provider, payment_ref: p.paymentRef, order_id: p.orderId, amount: p.amount, currency: p.currency, status: p.status })
    .onConflict((oc) => oc.columns(['provider', 'payment_ref']).doUpdateSet({ status: sql`excluded.status` })
      .where('payments.status', '<>', 'succeeded').where('payments.order_id', '=', p.orderId))
    .returning('status').executeTakeFirst();
  return row?.status === 'succeeded';
}

/** The reference of an order's successful payment, if it has one. */
export async function succeededPaymentRef(db: Executor, orderId: string) {
  const row = await db.selectFrom('payments').select('payment_ref').where('order_id', '=', orderId).where('status', '=', 'succeeded').executeTakeFirst();
  return row?.payment_ref;
}

/** Refund totals only grow: the largest cumulative amount seen wins. */
export function upsertRefund(db: Executor, r: { provider: string; chargeRef: string; paymentRef: string; accountId: string; orderId: string | null; amount: number; currency: string }) {
  return db.insertInto('refunds')
    .values({ provider: r.provider, charge_ref: r.chargeRef, payment_ref: r.paymentRef, account_id: r.accountId, order_id: r.orderId, amount: r.amount, currency: r.currency })
    .onConflict((oc) => oc.columns(['provider', 'charge_ref']).doUpdateSet({
      amount: sql`greatest(refunds.amount, excluded.amount)`, order_id: sql`coalesce(refunds.order_id, excluded.order_id)`, updated_at: sql`now()`,
    }))
    .execute();
}

/** A dispute's won/lost outcome is final; "open" never overwrites it. */
export function upsertDispute(db: Executor, d: { provider: string; disputeRef: string; paymentRef: string; accountId: string; orderId: string | null; amount: number; currency: string; status: 'open' | 'won' | 'lost' }) {
  return db.insertInto('disputes')
    .values({ provider: d.provider, dispute_ref: d.disputeRef, payment_ref: d.paymentRef, account_id: d.accountId, order_id: d.orderId, amount: d.amount, currency: d.currency, status: d.status })
    .onConflict((oc) => oc.columns(['provider', 'dispute_ref']).doUpdateSet({
      status: sql`CASE WHEN disputes.status IN ('won', 'lost') THEN disputes.status ELSE excluded.status END`,
      order_id: sql`coalesce(disputes.order_id, excluded.order_id)`, updated_at: sql`now()`,
    })).execute();
}

/** Newer provider state only: an account.updated that arrives late changes nothing. */
export function applyAccountStatus(db: Executor, a: { provider: string; accountId: string; chargesEnabled: boolean; payoutsEnabled: boolean; at: Date }) {
  return db.updateTable('connected_accounts')
    .set({ charges_enabled: a.chargesEnabled, payouts_enabled: a.payoutsEnabled, status_at: a.at })
    .where('provider', '=', a.provider).where('account_id', '=', a.accountId).where('status_at', '<=', a.at).execute();
}

export function findAccountOwner(db: Executor, provider: string, accountId: string) {
  return db.selectFrom('connected_accounts').select('creator_id').where('provider', '=', provider).where('account_id', '=', accountId).executeTakeFirst();
}

export function findConnectedAccount(db: Executor, creatorId: string) {
  return db.selectFrom('connected_accounts').selectAll().where('creator_id', '=', creatorId).executeTakeFirst();
}

/** Remembers the account before its first event arrives; a provider switch starts afresh. */
export function saveConnectedAccount(db: Executor, creatorId: string, provider: 'local' | 'stripe', accountId: string) {
  return db.insertInto('connected_accounts').values({ creator_id: creatorId, provider, account_id: accountId })
    .onConflict((oc) => oc.column('creator_id').doUpdateSet({ provider, account_id: accountId, charges_enabled: false, payouts_enabled: false, status_at: new Date(0) })
      .where((eb) => eb.or([eb('connected_accounts.provider', '<>', provider), eb('connected_accounts.account_id', '<>', accountId)])))
    .execute();
}

/** paid and failed are final; a late "created" leaves them alone. */
export function upsertPayout(db: Executor, p: Omit<CommerceTables['payouts'], 'created_at' | 'updated_at'>) {
  return db.insertInto('payouts').values(p)
    .onConflict((oc) => oc.columns(['provider', 'payout_ref']).doUpdateSet({
      status: sql`CASE WHEN payouts.status IN ('paid', 'failed') THEN payouts.status ELSE excluded.status END`, updated_at: sql`now()`,
    })).execute();
}

/** Whether the order grants access right now (derived by the order_ledger view). */
export async function isOrderEntitled(db: Executor, orderId: string) {
  const row = await db.selectFrom('order_ledger').select('entitled').where('order_id', '=', orderId).executeTakeFirst();
  return row?.entitled ?? false;
}

/** Items an order sold: its item lines, and the items its album lines covered when sold (tips sell none). */
export async function soldItemIds(db: Executor, orderId: string) {
  const direct = db.selectFrom('order_lines as l').innerJoin('orders as o', 'o.id', 'l.order_id')
    .select('l.item_id').where('l.order_id', '=', orderId).where('o.kind', '<>', 'tip').where('l.item_id', 'is not', null);
  const viaAlbum = db.selectFrom('order_line_items as li').innerJoin('order_lines as l', 'l.id', 'li.order_line_id')
    .select('li.item_id').where('l.order_id', '=', orderId).where('li.item_id', 'is not', null);
  const rows = await direct.union(viaAlbum).execute();
  return rows.map((r) => r.item_id!);
}
