// Stripe Connect: Checkout Sessions as direct charges on the creator's connected account
// (Stripe-Account header), no application fee, an idempotency key on every create. Webhooks are
// verified with the SDK on the raw body and mapped to LedgerEvents. Stripe signs the platform's
// own events and connected accounts' events through separate endpoints, each with its own
// signing secret: a delivery signed with any configured secret is accepted.
import Stripe from 'stripe';
import {
  PaymentProviderError, WEBHOOK_TOLERANCE_SECONDS, WebhookSignatureError,
  type BalanceEntry, type LedgerEvent, type PaymentProvider, type VerifiedEvent,
} from './types.ts';

export interface StripeOptions {
  secretKey: string;
  /** The signing secrets of the account endpoint and/or the Connect endpoint (at least one). */
  webhookSecrets: string[];
  /** Where the API lives; tests point this at a local HTTP stub. */
  api?: { host: string; port: number; protocol: 'http' | 'https' };
}

export function createStripeProvider(opts: StripeOptions): PaymentProvider {
  const stripe = new Stripe(opts.secretKey, {
    maxNetworkRetries: 2, // safe: every create carries an idempotency key
    telemetry: false,
    ...(opts.api ? { host: opts.api.host, port: opts.api.port, protocol: opts.api.protocol } : {}),
  });

  return {
    name: 'stripe',
    async createCheckoutSession(req) {
      const session = await call('create a checkout session', () => stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: req.lines.map((l) => ({
          quantity: 1,
          price_data: { currency: req.currency.toLowerCase(), unit_amount: l.amount, product_data: { name: l.title } },
        })),
        customer_email: req.customerEmail,
        client_reference_id: req.orderId,
        metadata: { order_id: req.orderId },
        // Copied to the charge, so refund events name our order too.
        payment_intent_data: { metadata: { order_id: req.orderId } },
        success_url: req.successUrl,
        cancel_url: req.cancelUrl,
      }, { stripeAccount: req.accountId, idempotencyKey: req.idempotencyKey }));
      if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
      return { sessionId: session.id, url: session.url };
    },
    async refund(req) {
      await call('refund', () => stripe.refunds.create({ payment_intent: req.paymentRef, metadata: { order_id: req.orderId } },
        { stripeAccount: req.accountId, idempotencyKey: req.idempotencyKey }));
      return { deliveries: [] };
    },
    async startOnboarding(req) {
      const accountId = req.accountId ?? (await call('create an account', () => stripe.accounts.create(
        { type: 'standard', email: req.email, metadata: { creator_id: req.creatorId } }, { idempotencyKey: `account-${req.creatorId}` }))).id;
      const link = await call('create an account link', () => stripe.accountLinks.create(
        { account: accountId, type: 'account_onboarding', return_url: req.returnUrl, refresh_url: req.refreshUrl }));
      return { accountId, url: link.url, deliveries: [] };
    },
    verifyWebhook(rawBody, header): VerifiedEvent {
      const signature = header('stripe-signature');
      if (!signature) throw new WebhookSignatureError('missing Stripe-Signature header');
      const event = constructWithAnySecret(stripe, rawBody, signature, opts.webhookSecrets);
      return { id: event.id, type: event.type, account: event.account ?? null, event: toLedgerEvent(event) };
    },
    async balanceEntries(accountId) {
      const entries: BalanceEntry[] = [];
      // The source is expanded so amounts are what the buyer was charged, in the charge's own
      // currency, and so each entry names its payment (balance amounts are in the settlement
      // currency, after conversion).
      for await (const tx of stripe.balanceTransactions.list({ limit: 100, expand: ['data.source'] }, { stripeAccount: accountId })) {
        const entry = toBalanceEntry(tx);
        if (entry) entries.push(entry);
      }
      return entries;
    },
  };
}

/** SDK failures (refused, unreachable) become one error type the commerce module maps to 503. */
async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof Stripe.errors.StripeError) throw new PaymentProviderError(`Stripe could not ${what}: ${err.message}`, { cause: err });
    throw err;
  }
}

function constructWithAnySecret(stripe: Stripe, rawBody: string, signature: string, secrets: string[]): Stripe.Event {
  let failure: Error = new Error('no webhook signing secret configured');
  for (const secret of secrets) {
    try {
      return stripe.webhooks.constructEvent(rawBody, signature, secret, WEBHOOK_TOLERANCE_SECONDS);
    } catch (err) {
      failure = err as Error;
      // A payload that is not JSON fails the same way with every secret.
      if (!(err instanceof Stripe.errors.StripeSignatureVerificationError)) break;
    }
  }
  throw new WebhookSignatureError(failure.message);
}

const CHARGE_TYPES = new Set(['charge', 'payment']);
const REFUND_TYPES = new Set(['refund', 'payment_refund', 'payment_failure_refund']);

/** Charges and refunds only: fees, disputes, adjustments, payouts and transfers are left out. */
function toBalanceEntry(tx: Stripe.BalanceTransaction): BalanceEntry | null {
  const source = typeof tx.source === 'object' && tx.source !== null ? tx.source as unknown as Record<string, unknown> : null;
  const refOf = (v: unknown) => (typeof v === 'string' ? v : v && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : null);
  const metaOrder = (o: Record<string, unknown> | null) => {
    const m = o?.metadata as Record<string, unknown> | undefined;
    return typeof m?.order_id === 'string' ? m.order_id : null;
  };
  const presented = (sign: 1 | -1) => (source && typeof source.amount === 'number' && typeof source.currency === 'string'
    ? { amount: sign * source.amount, currency: source.currency.toUpperCase() }
    : { amount: tx.amount, currency: tx.currency.toUpperCase() });
  if (CHARGE_TYPES.has(tx.type)) {
    return { kind: 'charge', paymentRef: refOf(source?.payment_intent) ?? refOf(source), orderId: metaOrder(source), ...presented(1) };
  }
  if (REFUND_TYPES.has(tx.type) || tx.type === 'refund_failure') {
    return { kind: 'refund', paymentRef: refOf(source?.payment_intent) ?? refOf(source?.charge), orderId: metaOrder(source), ...presented(tx.type === 'refund_failure' ? 1 : -1) };
  }
  return null;
}

const ref = (v: string | { id: string } | null | undefined) => (typeof v === 'string' ? v : v?.id ?? null);

function toLedgerEvent(event: Stripe.Event): LedgerEvent {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed': {
      const s = event.data.object;
      const orderId = s.metadata?.order_id ?? s.client_reference_id;
      if (!orderId || s.amount_total === null || !s.currency) return { kind: 'ignored' };
      const status = event.type === 'checkout.session.async_payment_failed' ? 'failed'
        : event.type === 'checkout.session.async_payment_succeeded' || s.payment_status !== 'unpaid' ? 'succeeded' : 'pending';
      return { kind: 'payment', orderId, sessionId: s.id, paymentRef: ref(s.payment_intent) ?? s.id, amount: s.amount_total, currency: s.currency.toUpperCase(), status };
    }
    case 'charge.refunded': {
      const ch = event.data.object;
      // Our checkouts charge through a payment intent; that is the payment the ledger knows.
      const paymentRef = ref(ch.payment_intent) ?? ch.id;
      return { kind: 'refund', paymentRef, chargeRef: ch.id, amountRefunded: ch.amount_refunded, currency: ch.currency.toUpperCase() };
    }
    case 'charge.dispute.created':
    case 'charge.dispute.updated':
    case 'charge.dispute.closed': {
      const d = event.data.object;
      const paymentRef = ref(d.payment_intent) ?? ref(d.charge);
      if (!paymentRef) return { kind: 'ignored' };
      const status = d.status === 'lost' ? 'lost' : d.status === 'won' || d.status === 'warning_closed' ? 'won' : 'open';
      return { kind: 'dispute', paymentRef, disputeRef: d.id, amount: d.amount, currency: d.currency.toUpperCase(), status };
    }
    case 'account.updated': {
      const a = event.data.object;
      return { kind: 'account', accountId: a.id, chargesEnabled: a.charges_enabled ?? false, payoutsEnabled: a.payouts_enabled ?? false, at: new Date(event.created * 1000) };
    }
    case 'payout.created':
    case 'payout.paid':
    case 'payout.failed': {
      const p = event.data.object;
      if (!event.account) return { kind: 'ignored' }; // a platform payout, not a creator's
      const status = event.type === 'payout.paid' ? 'paid' : event.type === 'payout.failed' ? 'failed' : 'pending';
      return { kind: 'payout', accountId: event.account, payoutRef: p.id, amount: p.amount, currency: p.currency.toUpperCase(), status };
    }
    default:
      return { kind: 'ignored' };
  }
}
