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

/**
 * Refunds and disputes name the payment they belong to (paymentRef), not an order: metadata is
 * whatever the charge's creator wrote, while a payment reference on the right account is only
 * ever ours once our own checkout recorded it.
 */
export type LedgerEvent =
  | { kind: 'payment'; orderId: string; sessionId: string; paymentRef: string; amount: number; currency: string; status: 'succeeded' | 'failed' | 'pending' }
  | { kind: 'refund'; paymentRef: string; chargeRef: string; amountRefunded: number; currency: string }
  | { kind: 'dispute'; paymentRef: string; disputeRef: string; amount: number; currency: string; status: 'open' | 'won' | 'lost' }
  | { kind: 'account'; accountId: string; chargesEnabled: boolean; payoutsEnabled: boolean; at: Date }
  | { kind: 'payout'; accountId: string; payoutRef: string; amount: number; currency: string; status: 'pending' | 'paid' | 'failed' }
  | { kind: 'ignored' };

export interface VerifiedEvent {
  id: string;
  type: string;
  /**
   * The connected account the event happened on (Stripe's event.account), or null for an event
   * on the platform's own account. Sales are direct charges on the creator's account, so an
   * event about a sale must come from exactly the account the order was charged on.
   */
  account: string | null;
  event: LedgerEvent;
}

/**
 * One charge or refund in a connected account's balance history, in the currency and amount the
 * buyer was charged (not the settlement currency). Fees, disputes, adjustments and payouts are
 * not included: reconciliation compares charges minus refunds with the ledger, like with like.
 */
export interface BalanceEntry {
  kind: 'charge' | 'refund';
  /** The payment intent (or charge) the entry belongs to. */
  paymentRef: string | null;
  /** Our checkout's order id, when the charge carries it in its metadata. */
  orderId: string | null;
  /** Signed: refunds are negative, a failed refund gives the money back (positive). */
  amount: number;
  currency: string;
}

export interface PaymentProvider {
  readonly name: 'local' | 'stripe';
  createCheckoutSession(req: CheckoutRequest): Promise<CheckoutSession & { deliveries?: SignedDelivery[] }>;
  /** Refunds a payment in full; the ledger changes when the refund event arrives. */
  refund(req: { orderId: string; paymentRef: string; accountId: string; amount: number; currency: string; idempotencyKey: string }): Promise<{ deliveries: SignedDelivery[] }>;
  /** Verifies the signature on the raw body; throws WebhookSignatureError when it fails. */
  verifyWebhook(rawBody: string, header: (name: string) => string | undefined): VerifiedEvent;
  /** Creates (or continues) the creator's connected account and returns where to finish onboarding. */
  startOnboarding(req: { creatorId: string; accountId: string | null; email: string; returnUrl: string; refreshUrl: string }): Promise<{ accountId: string; url: string; deliveries: SignedDelivery[] }>;
  /** Charges and refunds on a connected account (for reconciliation); null = the provider keeps no books of its own. */
  balanceEntries(accountId: string): Promise<BalanceEntry[] | null>;
}

export class WebhookSignatureError extends Error {}

/** The processor refused or did not answer a request (the cause is the SDK's error). */
export class PaymentProviderError extends Error {}

/** Webhooks older than this are refused (replays); Stripe's own default is the same. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
