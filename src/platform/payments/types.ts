// One interface over payment processors. Providers know nothing about our tables: they create
// checkout sessions and refunds, and turn a verified webhook into a normalised LedgerEvent that
// the commerce module applies. Amounts are integer minor units.

export interface CheckoutLine { title: string; amount: number }

export interface CheckoutRequest {
  /** Our order id: travels in the session's metadata so every later event can name it. */
  orderId: string;
  /** Same key → same session at the provider (a retried create makes no second session). */
  idempotencyKey: string;
  /** Connected account to charge directly (Stripe Connect); the platform takes no fee. */
  accountId: string;
  currency: string;
  lines: CheckoutLine[];
  customerEmail: string;
  successUrl: string;
  cancelUrl: string;
}

export interface CheckoutSession { sessionId: string; url: string }

/**
 * Signed webhook deliveries the local provider hands back instead of sending over the network:
 * the caller feeds them to the same verify → ledger path as an HTTP delivery.
 */
export interface SignedDelivery { body: string; headers: Record<string, string> }

export type LedgerEvent =
  | { kind: 'payment'; orderId: string; sessionId: string; paymentRef: string; amount: number; currency: string; status: 'succeeded' | 'failed' | 'pending' }
  | { kind: 'refund'; orderId: string; chargeRef: string; amountRefunded: number; currency: string }
  | { kind: 'dispute'; orderId: string | null; paymentRef: string; disputeRef: string; amount: number; currency: string; status: 'open' | 'won' | 'lost' }
  | { kind: 'account'; accountId: string; chargesEnabled: boolean; payoutsEnabled: boolean; at: Date }
  | { kind: 'payout'; accountId: string; payoutRef: string; amount: number; currency: string; status: 'pending' | 'paid' | 'failed' }
  | { kind: 'ignored' };

export interface VerifiedEvent { id: string; type: string; event: LedgerEvent }

export interface BalanceTotal { currency: string; net: number }

export interface PaymentProvider {
  readonly name: 'local' | 'stripe';
  createCheckoutSession(req: CheckoutRequest): Promise<CheckoutSession & { deliveries?: SignedDelivery[] }>;
  /** Refunds a payment in full; the ledger changes when the refund event arrives. */
  refund(req: { orderId: string; paymentRef: string; accountId: string; amount: number; currency: string; idempotencyKey: string }): Promise<{ deliveries: SignedDelivery[] }>;
  /** Verifies the signature on the raw body; throws WebhookSignatureError when it fails. */
  verifyWebhook(rawBody: string, header: (name: string) => string | undefined): VerifiedEvent;
  /** Creates (or continues) the creator's connected account and returns where to finish onboarding. */
  startOnboarding(req: { creatorId: string; accountId: string | null; email: string; returnUrl: string; refreshUrl: string }): Promise<{ accountId: string; url: string; deliveries: SignedDelivery[] }>;
  /** Net charges minus refunds on a connected account, per currency (for reconciliation). */
  balanceTotals(accountId: string): Promise<BalanceTotal[]>;
}

export class WebhookSignatureError extends Error {}

/** Webhooks older than this are refused (replays); Stripe's own default is the same. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
