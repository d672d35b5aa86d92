// The local test provider: the embedded default. Checkout is a page on our own site marked
// TEST MODE; "paying" there, refunding, onboarding and payouts produce events signed with
// HMAC-SHA256 in the same "t=…,v1=…" scheme Stripe uses. They are handed back as deliveries and
// go through exactly the verification and ledger code an HTTP webhook does. No money moves.
import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../crypto.ts';
import {
  WEBHOOK_TOLERANCE_SECONDS, WebhookSignatureError,
  type LedgerEvent, type PaymentProvider, type SignedDelivery, type VerifiedEvent,
} from './types.ts';

export const LOCAL_SIGNATURE_HEADER = 'x-local-signature';
const id = (prefix: string) => `${prefix}_local_${randomBytes(12).toString('hex')}`;

export interface LocalProvider extends PaymentProvider {
  readonly name: 'local';
  /**
   * A signed event, as if the processor had sent it from the given connected account (account
   * and payout events default to their own account; timestamp overridable for tests).
   */
  sign(type: string, event: LedgerEvent, opts?: { eventId?: string; timestamp?: number; account?: string | null }): SignedDelivery;
  /** The buyer pressed "Pay" (or "Fail") on the test checkout page. */
  completeCheckout(s: { orderId: string; sessionId: string; accountId: string; amount: number; currency: string; succeed: boolean }): SignedDelivery;
  payout(p: { accountId: string; amount: number; currency: string }): SignedDelivery[];
}

export function createLocalProvider(opts: { secret: string; now?: () => number }): LocalProvider {
  const now = opts.now ?? Date.now;
  const signature = (timestamp: number, body: string) => createHmac('sha256', opts.secret).update(`${timestamp}.${body}`).digest('hex');

  const sign: LocalProvider['sign'] = (type, event, o = {}) => {
    const timestamp = o.timestamp ?? Math.floor(now() / 1000);
    const account = o.account !== undefined ? o.account : event.kind === 'account' || event.kind === 'payout' ? event.accountId : null;
    const body = JSON.stringify({ id: o.eventId ?? id('evt'), type, created: timestamp, account, data: event });
    return { body, headers: { [LOCAL_SIGNATURE_HEADER]: `t=${timestamp},v1=${signature(timestamp, body)}`, 'content-type': 'application/json' } };
  };

  return {
    name: 'local',
    sign,
    async createCheckoutSession() {
      const sessionId = id('cs');
      return { sessionId, url: `/checkout/test/${sessionId}` };
    },
    async refund(req) {
      // Local charges are named after their payment, so a repeated refund names the same charge.
      const event: LedgerEvent = { kind: 'refund', paymentRef: req.paymentRef, chargeRef: `ch_for_${req.paymentRef}`, amountRefunded: req.amount, currency: req.currency };
      return { deliveries: [sign('charge.refunded', event, { account: req.accountId })] };
    },
    completeCheckout(s) {
      // As with Stripe, a session has one payment and completes once: the payment is named after
      // the session and so is its completion event, so paying again (a replay, a second tab)
      // repeats an event the ledger already has. Each declined attempt is an event of its own.
      const event: LedgerEvent = { kind: 'payment', orderId: s.orderId, sessionId: s.sessionId, paymentRef: `pi_for_${s.sessionId}`, amount: s.amount, currency: s.currency, status: s.succeed ? 'succeeded' : 'failed' };
      return s.succeed
        ? sign('checkout.session.completed', event, { account: s.accountId, eventId: `evt_completed_${s.sessionId}` })
        : sign('checkout.session.async_payment_failed', event, { account: s.accountId });
    },
    // Onboarding needs no forms in test mode: the account is enabled at once (by an event).
    async startOnboarding(req) {
      const accountId = req.accountId ?? `acct_local_${req.creatorId.replaceAll('-', '')}`;
      return { accountId, url: req.returnUrl, deliveries: [sign('account.updated', { kind: 'account', accountId, chargesEnabled: true, payoutsEnabled: true, at: new Date(now()) })] };
    },
    payout(p) {
      const payoutRef = id('po');
      const base = { kind: 'payout' as const, accountId: p.accountId, payoutRef, amount: p.amount, currency: p.currency };
      return [sign('payout.created', { ...base, status: 'pending' }), sign('payout.paid', { ...base, status: 'paid' })];
    },
    verifyWebhook(rawBody, header): VerifiedEvent {
      const raw = header(LOCAL_SIGNATURE_HEADER);
      const m = raw ? /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(raw) : null;
      if (!m) throw new WebhookSignatureError('missing or malformed signature');
      const timestamp = Number(m[1]);
      if (!safeEqual(signature(timestamp, rawBody), m[2]!)) throw new WebhookSignatureError('signature does not match');
      if (Math.abs(now() / 1000 - timestamp) > WEBHOOK_TOLERANCE_SECONDS) throw new WebhookSignatureError('timestamp outside the tolerance');
      const parsed = JSON.parse(rawBody) as { id: string; type: string; account?: string | null; data: LedgerEvent };
      const event = parsed.data.kind === 'account' ? { ...parsed.data, at: new Date(parsed.data.at) } : parsed.data;
      return { id: parsed.id, type: parsed.type, account: typeof parsed.account === 'string' ? parsed.account : null, event };
    },
    async balanceEntries() {
      // Test mode keeps no books of its own: its "balance" is the ledger, so nothing to compare.
      return null;
    },
  };
}
