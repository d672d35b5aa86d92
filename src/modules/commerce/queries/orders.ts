// SQL for checkout and for reading the ledger: orders, entitlement, library, sales, balances.
import { sql } from 'kysely';
import type { Executor } from '../../../deps.ts';
import type { CommerceTables } from '../tables.ts';

type NewOrder = Omit<CommerceTables['orders'], 'id' | 'created_at' | 'session_id' | 'checkout_url'>;

export interface NewLine {
  item_id: string | null;
  project_id: string | null;
  title: string;
  amount: number;
  /** An album line: the items it covers now, each with its share of the amount (summing to it). */
  covers?: { item_id: string; title: string; share: number }[];
}

/**
 * Inserts the order and its lines unless its request key exists (a double submit); returns the
 * order either way. Run it in a transaction when lines have covers, so they land together.
 */
export async function insertOrder(db: Executor, order: NewOrder, lines: NewLine[]) {
  const created = await db.insertInto('orders').values(order)
    .onConflict((oc) => oc.column('request_key').doNothing()).returning('id').executeTakeFirst();
  if (created) {
    for (const { covers, ...line } of lines) {
      const { id } = await db.insertInto('order_lines').values({ ...line, order_id: created.id, currency: order.currency }).returning('id').executeTakeFirstOrThrow();
      if (covers?.length) {
        await db.insertInto('order_line_items').values(covers.map((c, position) => ({ order_line_id: id, position, item_id: c.item_id, title: c.title, share: c.share }))).execute();
      }
    }
  }
  const row = await db.selectFrom('orders').selectAll().where('request_key', '=', order.request_key).executeTakeFirstOrThrow();
  return { order: row, created: !!created };
}

/** First session wins: a concurrent double submit ends up at the same checkout page. */
export async function attachSession(db: Executor, orderId: string, sessionId: string, url: string) {
  await db.updateTable('orders').set({ session_id: sessionId, checkout_url: url }).where('id', '=', orderId).where('session_id', 'is', null).execute();
  return db.selectFrom('orders').select(['session_id', 'checkout_url']).where('id', '=', orderId).executeTakeFirstOrThrow();
}

export function findOrderBySession(db: Executor, provider: string, sessionId: string) {
  return db.selectFrom('orders').selectAll().where('provider', '=', provider).where('session_id', '=', sessionId).executeTakeFirst();
}

export function orderLedger(db: Executor, orderId: string) {
  return db.selectFrom('order_ledger').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

export function orderLines(db: Executor, orderIds: string[]) {
  if (!orderIds.length) return Promise.resolve([]);
  return db.selectFrom('order_lines').selectAll().where('order_id', 'in', orderIds).orderBy('title').execute();
}

/**
 * Orders belong to a buyer by account, or by an email address that account has verified (a
 * guest purchase attaches to whoever later proves that address).
 */
function buyerIs(buyer: { userId: string } | { emailKey: string }) {
  return sql<boolean>`(${'userId' in buyer
    ? sql`ol.buyer_id = ${buyer.userId} OR ol.buyer_email_key = (SELECT email_key FROM users WHERE id = ${buyer.userId} AND email_verified_at IS NOT NULL)`
    : sql`ol.buyer_email_key = ${buyer.emailKey}`})`;
}

/**
 * An entitled order of this buyer with a line for the item itself or for its whole project (an
 * album grants every item of the project, whenever the item was added). projectId alone asks
 * about the album only.
 */
export async function hasEntitlement(db: Executor, buyer: { userId: string } | { emailKey: string }, target: { itemId?: string; projectId: string | null }) {
  return !!(await entitledOrderFor(db, buyer, target));
}

export function entitledOrderFor(db: Executor, buyer: { userId: string } | { emailKey: string }, target: { itemId?: string; projectId: string | null }) {
  return db.selectFrom('order_ledger as ol').innerJoin('order_lines as l', 'l.order_id', 'ol.order_id')
    .select('ol.order_id').where('ol.entitled', '=', true).where(buyerIs(buyer))
    .where((eb) => eb.or([
      ...(target.itemId ? [eb('l.item_id', '=', target.itemId)] : []),
      ...(target.projectId ? [eb('l.project_id', '=', target.projectId)] : []),
    ]))
    .orderBy('ol.created_at', 'desc').limit(1).executeTakeFirst();
}

/** What album lines covered when sold, for the given orders (per-item revenue and counts). */
export function lineCovers(db: Executor, orderIds: string[]) {
  if (!orderIds.length) return Promise.resolve([]);
  return db.selectFrom('order_line_items as li').innerJoin('order_lines as l', 'l.id', 'li.order_line_id')
    .select(['l.order_id', 'li.order_line_id', 'li.position', 'li.item_id', 'li.title', 'li.share'])
    .where('l.order_id', 'in', orderIds).orderBy('li.order_line_id').orderBy('li.position').execute();
}

/** Everything a buyer has (paid or not yet), newest first, with the creator's name. */
export function libraryOrders(db: Executor, userId: string) {
  return db.selectFrom('order_ledger as ol').innerJoin('users as c', 'c.id', 'ol.creator_id')
    .selectAll('ol').select(['c.username as creator_username', 'c.display_name as creator_name'])
    .where(buyerIs({ userId })).where((eb) => eb.or([eb('ol.is_paid', '=', true), eb('ol.amount_refunded', '>', 0)]))
    .orderBy('ol.created_at', 'desc').limit(1000).execute();
}

export function orderWithCreator(db: Executor, orderId: string) {
  return db.selectFrom('order_ledger as ol').innerJoin('users as c', 'c.id', 'ol.creator_id')
    .selectAll('ol').select(['c.username as creator_username', 'c.display_name as creator_name'])
    .where('ol.order_id', '=', orderId).executeTakeFirst();
}

export function creatorSales(db: Executor, creatorId: string, limit = 500) {
  return db.selectFrom('order_ledger as ol')
    .selectAll('ol')
    .select((eb) => [eb.selectFrom('order_lines as l').whereRef('l.order_id', '=', 'ol.order_id')
      .select(sql<string>`string_agg(l.title, ', ' ORDER BY l.title)`.as('t')).as('titles')])
    .where('ol.creator_id', '=', creatorId).where((eb) => eb.or([eb('ol.is_paid', '=', true), eb('ol.amount_refunded', '>', 0)]))
    .orderBy('ol.created_at', 'desc').limit(limit).execute();
}

/** Earned per currency: paid minus refunded, nothing for a lost dispute. */
export function creatorRevenue(db: Executor, creatorId?: string) {
  let q = db.selectFrom('order_ledger as ol')
    .select(['ol.creator_id', 'ol.currency', sql<number>`count(*)::int`.as('sales'),
      sql<number>`sum(CASE WHEN ol.dispute_lost THEN 0 ELSE greatest(ol.amount_paid - ol.amount_refunded, 0) END)::bigint`.as('net')])
    .where('ol.is_paid', '=', true).groupBy(['ol.creator_id', 'ol.currency']);
  if (creatorId) q = q.where('ol.creator_id', '=', creatorId);
  return q.orderBy('ol.currency').execute();
}

/** Paid out or on its way, per creator and currency (failed payouts return to the balance). */
export function payoutTotals(db: Executor, creatorId?: string) {
  let q = db.selectFrom('payouts').select(['creator_id', 'currency', sql<number>`sum(amount)::bigint`.as('total')])
    .where('status', '<>', 'failed').groupBy(['creator_id', 'currency']);
  if (creatorId) q = q.where('creator_id', '=', creatorId);
  return q.execute();
}

export function creatorPayouts(db: Executor, creatorId: string) {
  return db.selectFrom('payouts').selectAll().where('creator_id', '=', creatorId).orderBy('created_at', 'desc').limit(200).execute();
}

/** Per currency, charged minus refunded on one account (disputes aside: see reconcile). */
export function chargedLessRefunded(db: Executor, provider: string, accountId: string) {
  return db.selectFrom('order_ledger').select(['currency', sql<number>`sum(amount_paid - amount_refunded)::bigint`.as('net')])
    .where('provider', '=', provider).where('account_id', '=', accountId).where('is_paid', '=', true)
    .groupBy('currency').execute();
}

export async function paymentRefsOnAccount(db: Executor, provider: string, accountId: string) {
  const rows = await db.selectFrom('payments as p').innerJoin('orders as o', 'o.id', 'p.order_id').select('p.payment_ref')
    .where('o.provider', '=', provider).where('o.account_id', '=', accountId).where('p.status', '=', 'succeeded').execute();
  return rows.map((r) => r.payment_ref);
}

export function connectedAccounts(db: Executor, provider: string) {
  return db.selectFrom('connected_accounts').selectAll().where('provider', '=', provider).execute();
}

export async function replaceReconciliationFlag(db: Executor, f: { creatorId: string; currency: string; ledgerNet: number; providerNet: number }) {
  if (f.ledgerNet === f.providerNet) {
    await db.deleteFrom('reconciliation_flags').where('creator_id', '=', f.creatorId).where('currency', '=', f.currency).execute();
    return;
  }
  await db.insertInto('reconciliation_flags')
    .values({ creator_id: f.creatorId, currency: f.currency, ledger_net: f.ledgerNet, provider_net: f.providerNet })
    .onConflict((oc) => oc.columns(['creator_id', 'currency']).doUpdateSet({ ledger_net: f.ledgerNet, provider_net: f.providerNet, checked_at: sql`now()` }))
    .execute();
}

/** True if a reminder may go out now (none for this address and thing in the last interval); records it. */
export async function claimReminderSlot(db: Executor, emailKey: string, target: string, minutes: number) {
  const row = await db.insertInto('ownership_reminders').values({ email_key: emailKey, target })
    .onConflict((oc) => oc.columns(['email_key', 'target']).doUpdateSet({ sent_at: sql`now()` })
      .where('ownership_reminders.sent_at', '<', sql<Date>`now() - make_interval(mins => ${minutes})`))
    .returning('target').executeTakeFirst();
  return !!row;
}

export function reconciliationFlags(db: Executor) {
  return db.selectFrom('reconciliation_flags as f').innerJoin('users as u', 'u.id', 'f.creator_id')
    .selectAll('f').select('u.username').orderBy('f.checked_at', 'desc').execute();
}

/**
 * How many people (an account, or a guest's email address) hold an entitled purchase or free
 * claim of each project's items or of the project as an album: what deleting it takes away.
 */
export async function ownerCounts(db: Executor, target: { projectIds: string[] } | { itemIds: string[] }) {
  const byProject = 'projectIds' in target;
  const ids = byProject ? target.projectIds : target.itemIds;
  if (!ids.length) return new Map<string, number>();
  // Each entitled line with the target it counts for: its item, or (albums) every item of the project.
  const { rows } = await sql<{ target: string; n: number }>`
    SELECT t.target, count(DISTINCT coalesce(ol.buyer_id::text, ol.buyer_email_key))::int AS n
    FROM order_ledger ol
    JOIN order_lines l ON l.order_id = ol.order_id
    JOIN LATERAL (
      SELECT ${byProject ? sql`i.project_id` : sql`i.id`} AS target FROM items i
      WHERE i.id = l.item_id OR (l.project_id IS NOT NULL AND i.project_id = l.project_id)
      UNION SELECT l.project_id WHERE ${byProject} AND l.project_id IS NOT NULL
    ) t ON true
    WHERE ol.entitled AND t.target IN (${sql.join(ids)})
    GROUP BY t.target`.execute(db);
  return new Map(rows.map((r) => [r.target, r.n]));
}
