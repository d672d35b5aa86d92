// Checkout use cases: buy an item (fixed or pay-what-you-want), claim (free or $0, never
// touching the processor), and tip; albums are in album.ts and share startOrder. Each refusal is
// a typed error the routes turn into a page.
import type { Deps } from '../../deps.ts';
import { Conflict, NotFound, Unavailable, ValidationError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { sha256 } from '../../platform/crypto.ts';
import { PaymentProviderError } from '../../platform/payments/types.ts';
import { isUuid } from '../../platform/validate.ts';
import { findItem, formatMoney, parseMoney, type PriceKind } from '../catalog/index.ts';
import * as ledger from './queries/ledger.ts';
import * as q from './queries/orders.ts';
import { queueReceipt, receiptPath } from './receipts.ts';
import { remindOwner } from './reminders.ts';
import type { OrderKind } from './tables.ts';
import { deliver, updateSalesCounts } from './webhooks.ts';

export type CheckoutResult = { redirect: string };

/** Where a guest goes after a free claim: the link is in their inbox (see remindOwner). */
export const EMAIL_SENT_PATH = '/checkout/email-sent';

/** Signed-in buyers only: a guest form never says whether an address owns something. */
export class AlreadyOwned extends Conflict {
  constructor() { super('You already own this — it is in your library.'); }
}

/** Same normalisation as account emails (NFKC, lower case), so a guest purchase finds its account. */
export const emailKey = (email: string) => email.normalize('NFKC').trim().toLowerCase();

function readGuestEmail(raw: unknown): string {
  const email = typeof raw === 'string' ? raw.normalize('NFKC').trim() : '';
  // Deliberately plain: the receipt email proves the address; this only catches typos.
  if (email.length > 254 || !/^[^\s@<>,;:"]+@[^\s@<>,;:"]+\.[^\s@<>,;:"]+$/u.test(email)) {
    throw new ValidationError({ email: 'Enter the email address for your receipt, like name@example.com.' });
  }
  return email;
}

/** One form render = one key; submitting it twice finds the first order. */
function requestKey(buyer: string, form: Record<string, unknown>) {
  const nonce = typeof form.checkout_key === 'string' && /^[\w-]{16,64}$/.test(form.checkout_key) ? form.checkout_key : null;
  if (!nonce) throw new ValidationError({ form: 'This form has expired. Please reload the page and try again.' });
  return sha256(`${buyer}\u0000${nonce}`).toString('hex');
}

/** What the buyer pays for a price: fixed, free, or a pay-what-you-want amount at or above the minimum. */
export function amountFor(price: { price_kind: PriceKind; price_amount: number; currency: string }, form: Record<string, unknown>): number {
  if (price.price_kind !== 'pwyw') return price.price_kind === 'fixed' ? price.price_amount : 0;
  const parsed = parseMoney(typeof form.amount === 'string' ? form.amount : '', price.currency);
  if (!parsed.ok) throw new ValidationError({ amount: parsed.error });
  if (parsed.money.amount < price.price_amount) {
    throw new ValidationError({ amount: `The minimum is ${formatMoney({ amount: price.price_amount, currency: price.currency })}.` });
  }
  return parsed.money.amount;
}

export interface Purchase {
  creatorId: string; currency: string; amount: number; title: string;
  /** What the buyer may already own: the item (or, for an album, only the album). */
  owns: { itemId?: string; projectId: string | null };
  line: q.NewLine;
  cancelPath: string;
}

/**
 * Buys (or claims) an item or an album. A signed-in owner is told and offered the library. A
 * guest is told nothing either way (that would reveal what an address owns): a paid checkout
 * goes ahead as usual, a free one lands on the same "check your inbox" page, and the address
 * itself gets a reminder with its existing link.
 */
export async function purchase(deps: Deps, viewer: Viewer | null, form: Record<string, unknown>, p: Purchase): Promise<CheckoutResult> {
  const email = viewer ? viewer.email : readGuestEmail(form.email);
  const owned = await q.entitledOrderFor(deps.db, viewer ? { userId: viewer.id } : { emailKey: emailKey(email) }, p.owns);
  // An owner is told so even on a stale form; a guest's form must be valid before anything happens.
  if (owned && viewer) throw new AlreadyOwned();
  const key = requestKey(viewer?.id ?? emailKey(email), form);
  if (owned) {
    await remindOwner(deps, { email, target: p.owns.itemId ? `item:${p.owns.itemId}` : `project:${p.owns.projectId}`, title: p.title, orderId: owned.order_id });
    if (p.amount === 0) return { redirect: EMAIL_SENT_PATH }; // a second free claim would change nothing
  }
  return startOrder(deps, viewer, {
    kind: p.amount === 0 ? 'claim' : 'purchase', creatorId: p.creatorId, email, currency: p.currency, amount: p.amount,
    requestKey: key, line: p.line, cancelPath: p.cancelPath,
  });
}

export async function checkoutItem(deps: Deps, viewer: Viewer | null, itemId: string, form: Record<string, unknown>): Promise<CheckoutResult> {
  const item = isUuid(itemId) ? await findItem(deps.db, itemId) : undefined;
  if (!item || !item.is_public) throw new NotFound('This item is not for sale (it may have been unpublished or deleted).');
  if (viewer?.id === item.creator_id) throw new Conflict('This is your own item — you cannot buy it.');
  const amount = amountFor(item, form);
  return purchase(deps, viewer, form, {
    creatorId: item.creator_id, currency: item.currency, amount, title: item.title,
    owns: { itemId: item.id, projectId: item.project_id },
    line: { item_id: item.id, project_id: null, title: item.title, amount },
    cancelPath: `/i/${item.id}`,
  });
}

export async function tipCreator(deps: Deps, viewer: Viewer | null, creator: { id: string; username: string; displayName: string; currency: string }, form: Record<string, unknown>): Promise<CheckoutResult> {
  if (viewer?.id === creator.id) throw new Conflict('You cannot tip yourself.');
  const parsed = parseMoney(typeof form.amount === 'string' ? form.amount : '', creator.currency);
  if (!parsed.ok) throw new ValidationError({ amount: parsed.error });
  if (parsed.money.amount <= 0) throw new ValidationError({ amount: 'A tip needs an amount above zero.' });
  const email = viewer ? viewer.email : readGuestEmail(form.email);
  const title = `Tip to ${creator.displayName}`;
  return startOrder(deps, viewer, {
    kind: 'tip', creatorId: creator.id, email, currency: creator.currency, amount: parsed.money.amount,
    requestKey: requestKey(viewer?.id ?? emailKey(email), form),
    line: { item_id: null, project_id: null, title, amount: parsed.money.amount },
    cancelPath: `/tip/${creator.username}`,
  });
}

interface OrderSpec {
  kind: OrderKind; creatorId: string; email: string; currency: string; amount: number; requestKey: string;
  line: q.NewLine; cancelPath: string;
}

async function startOrder(deps: Deps, viewer: Viewer | null, s: OrderSpec): Promise<CheckoutResult> {
  const base = { request_key: s.requestKey, kind: s.kind, creator_id: s.creatorId, buyer_id: viewer?.id ?? null, buyer_email: s.email, buyer_email_key: emailKey(s.email), currency: s.currency, amount_total: s.amount };
  const done = (orderId: string) => ({ redirect: viewer ? `/library?order=${orderId}` : receiptPath(deps, orderId) });

  if (s.kind === 'claim') {
    // A claim is its own zero payment, recorded in the same transaction as the order.
    const orderId = await deps.db.transaction().execute(async (tx) => {
      const { order, created } = await q.insertOrder(tx, { ...base, provider: 'free', account_id: null }, [s.line]);
      if (created) {
        await ledger.upsertPayment(tx, { provider: 'free', paymentRef: `claim_${order.id}`, orderId: order.id, amount: 0, currency: s.currency, status: 'succeeded' });
        await updateSalesCounts(tx, order.id, false);
        await queueReceipt(deps, tx, order.id);
      }
      return order.id;
    });
    // A guest finds the link in the receipt email, exactly as when the address already had it.
    return viewer ? done(orderId) : { redirect: EMAIL_SENT_PATH };
  }

  const account = await chargeableAccount(deps, s.creatorId);
  const { order } = await deps.db.transaction().execute((tx) => q.insertOrder(tx, { ...base, provider: deps.payments.name, account_id: account }, [s.line]));
  if (order.provider !== deps.payments.name) throw new Conflict('This checkout was started with another payment processor. Please start again.');
  const paid = await q.orderLedger(deps.db, order.id);
  if (paid?.is_paid) return done(order.id); // a resubmit after paying
  if (order.checkout_url) return { redirect: order.checkout_url };
  const session = await askProvider(deps, 'charged', () => deps.payments.createCheckoutSession({
    orderId: order.id, idempotencyKey: `checkout-${order.id}`, accountId: account, currency: s.currency,
    lines: [{ title: s.line.title, amount: s.amount }], customerEmail: s.email,
    successUrl: `${deps.config.baseUrl}${viewer ? `/library?order=${order.id}` : receiptPath(deps, order.id)}`,
    cancelUrl: `${deps.config.baseUrl}${s.cancelPath}`,
  }));
  // Only now does the buyer get the URL: a payment event always finds its session stored.
  const stored = await q.attachSession(deps.db, order.id, session.sessionId, session.url);
  return { redirect: stored.checkout_url ?? session.url };
}

/**
 * The creator's connected account, if it can take charges. Test mode connects it on first use,
 * and also when the account is there but not enabled yet: another checkout may have saved it a
 * moment ago and not yet applied its account.updated (connecting again is idempotent).
 */
async function chargeableAccount(deps: Deps, creatorId: string): Promise<string> {
  let account = await ledger.findConnectedAccount(deps.db, creatorId);
  if (deps.payments.name === 'local' && (!account || account.provider !== 'local' || !account.charges_enabled)) {
    await connectAccount(deps, creatorId, '', '/dashboard/sales');
    account = await ledger.findConnectedAccount(deps.db, creatorId);
  }
  if (!account || account.provider !== deps.payments.name || !account.charges_enabled) {
    throw new Unavailable('This creator cannot accept payments yet. Please try again later.');
  }
  return account.account_id;
}

/** A processor that refuses or does not answer is a 503 with a clear message; the cause is logged. */
export async function askProvider<T>(deps: Deps, nothingWas: 'charged' | 'refunded' | 'changed', call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof PaymentProviderError)) throw err;
    deps.log.warn({ err }, 'payment provider request failed');
    throw new Unavailable(`The payment processor did not accept the request, so nothing was ${nothingWas}. Please try again in a moment.`);
  }
}

/** Starts (or resumes) onboarding; returns where to send the creator next. */
export async function connectAccount(deps: Deps, creatorId: string, email: string, returnPath: string) {
  const existing = await ledger.findConnectedAccount(deps.db, creatorId);
  const result = await askProvider(deps, 'changed', () => deps.payments.startOnboarding({
    creatorId, email, accountId: existing?.provider === deps.payments.name ? existing.account_id : null,
    returnUrl: `${deps.config.baseUrl}${returnPath}`, refreshUrl: `${deps.config.baseUrl}/dashboard/sales`,
  }));
  await ledger.saveConnectedAccount(deps.db, creatorId, deps.payments.name, result.accountId);
  await deliver(deps, result.deliveries);
  return result.url;
}
