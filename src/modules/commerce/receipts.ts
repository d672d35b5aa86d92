// Receipts: the long-lived signed link to an order (what a guest keeps instead of an account)
// and the receipt email, queued through the outbox in the transaction that recorded the payment.
import type { Deps, Executor } from '../../deps.ts';
import { hmac, safeEqual } from '../../platform/crypto.ts';
import { formatMoney } from '../catalog/index.ts';
import { queueMail } from '../mail/index.ts';
import * as q from './queries/orders.ts';

/** A year: long enough to come back to a purchase, short enough that old mails stop working. */
const RECEIPT_LINK_DAYS = 365;

export function receiptPath(deps: Pick<Deps, 'config' | 'clock'>, orderId: string) {
  const exp = Math.floor(deps.clock.now().getTime() / 1000) + RECEIPT_LINK_DAYS * 86_400;
  return `/library/orders/${orderId}?exp=${exp}&sig=${hmac(deps.config.appSecret, `receipt:${orderId}:${exp}`)}`;
}

export function isValidReceiptLink(deps: Pick<Deps, 'config' | 'clock'>, orderId: string, exp: unknown, sig: unknown) {
  if (typeof exp !== 'string' || typeof sig !== 'string' || !/^\d{1,12}$/.test(exp)) return false;
  if (Number(exp) * 1000 < deps.clock.now().getTime()) return false;
  return safeEqual(hmac(deps.config.appSecret, `receipt:${orderId}:${exp}`), sig);
}

export async function queueReceipt(deps: Deps, db: Executor, orderId: string) {
  const order = await q.orderWithCreator(db, orderId);
  if (!order) return;
  const lines = await q.orderLines(db, [orderId]);
  const money = (amount: number) => formatMoney({ amount, currency: order.currency });
  const what = order.kind === 'tip' ? `your tip to ${order.creator_name}` : lines.map((l) => `“${l.title}”`).join(', ');
  const text = [
    `Thank you for ${what}.`,
    '',
    ...lines.map((l) => `  ${l.title} — ${order.kind === 'claim' ? 'free' : money(l.amount)}`),
    `  Total: ${money(order.amount_total)}`,
    '',
    'Your receipt, and everything you bought, stays available at this link (keep it — it works without an account):',
    `${deps.config.baseUrl}${receiptPath(deps, orderId)}`,
    '',
    `Sign up or log in with ${order.buyer_email} and confirm the address to see it in your library too.`,
    `${order.creator_name} is paid directly; Makenot.work takes no cut.`,
  ].join('\n');
  await queueMail(db, { to: order.buyer_email, subject: `Your receipt from ${order.creator_name} on Makenot.work`, text });
}
