// The buyer's side: what a viewer (or a receipt link) is entitled to, the library and receipts.
import type { Deps, Executor } from '../../deps.ts';
import { NotFound } from '../../platform/errors.ts';
import { isUuid } from '../../platform/validate.ts';
import { findItem, publishedProjectItems, type ItemType } from '../catalog/index.ts';
import { emailKey } from './checkout.ts';
import * as q from './queries/orders.ts';
import { isValidReceiptLink } from './receipts.ts';
import { saleState } from './sales.ts';

/**
 * Whether this account (or email address) may use the item: some order for the item itself, or
 * for its whole project (an album, whenever the item was added to it), is paid, not fully
 * refunded and not lost to a dispute. An account also owns what was bought as a guest with an
 * email address it has verified.
 */
export async function isEntitled(db: Executor, buyer: { userId: string } | { email: string }, itemId: string): Promise<boolean> {
  const item = isUuid(itemId) ? await findItem(db, itemId) : undefined;
  if (!item) return false;
  return q.hasEntitlement(db, 'userId' in buyer ? buyer : { emailKey: emailKey(buyer.email) }, { itemId: item.id, projectId: item.project_id });
}

/** Guests keep access through the signed link in their receipt (?receipt=&exp=&sig=). */
export async function isEntitledByReceipt(deps: Deps, query: Record<string, string | undefined>, itemId: string): Promise<boolean> {
  const orderId = query.receipt;
  if (!orderId || !isUuid(orderId) || !isUuid(itemId) || !isValidReceiptLink(deps, orderId, query.exp, query.sig)) return false;
  const [order, lines, item] = await Promise.all([q.orderLedger(deps.db, orderId), q.orderLines(deps.db, [orderId]), findItem(deps.db, itemId)]);
  return !!order?.entitled && !!item && lines.some((l) => l.item_id === item.id || (l.project_id !== null && l.project_id === item.project_id));
}

/** An album line's items as they are now (published ones: what the buyer can open). */
export interface AlbumTrack { item_id: string; title: string; type: ItemType }

async function withLines<T extends { order_id: string; amount_paid: number; amount_refunded: number; dispute_open: boolean; dispute_lost: boolean; kind: string }>(db: Executor, orders: T[]) {
  const lines = await q.orderLines(db, orders.map((o) => o.order_id));
  const albums = new Map<string, AlbumTrack[]>();
  for (const projectId of new Set(lines.map((l) => l.project_id).filter((id): id is string => !!id))) {
    albums.set(projectId, (await publishedProjectItems(db, projectId)).map((i) => ({ item_id: i.id, title: i.title, type: i.type })));
  }
  return orders.map((o) => ({
    ...o, state: saleState(o),
    lines: lines.filter((l) => l.order_id === o.order_id).map((l) => ({ ...l, items: l.project_id ? albums.get(l.project_id) ?? [] : undefined })),
  }));
}

export async function library(deps: Deps, userId: string) {
  return withLines(deps.db, await q.libraryOrders(deps.db, userId));
}

/** A receipt for its buyer (by account or verified email) or for a holder of the signed link. */
export async function receipt(deps: Deps, viewer: { id: string } | null, orderId: string, query: Record<string, string | undefined>) {
  const order = isUuid(orderId) ? await q.orderWithCreator(deps.db, orderId) : undefined;
  if (!order) throw new NotFound();
  const byLink = isValidReceiptLink(deps, orderId, query.exp, query.sig);
  const mine = viewer ? (await q.libraryOrders(deps.db, viewer.id)).some((o) => o.order_id === orderId) || order.buyer_id === viewer.id : false;
  if (!byLink && !mine) throw new NotFound(); // never 403: an order's existence must not leak
  const [withL] = await withLines(deps.db, [order]);
  const linkQuery = byLink ? `?receipt=${orderId}&exp=${encodeURIComponent(query.exp!)}&sig=${encodeURIComponent(query.sig!)}` : '';
  return { order: withL!, linkQuery };
}

/** Per project or item id: how many buyers and fans own it (entitled purchases and claims). */
export const ownerCounts = (deps: Deps, target: { projectIds: string[] } | { itemIds: string[] }) => q.ownerCounts(deps.db, target);
