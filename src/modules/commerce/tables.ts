import type { ColumnType, Generated } from 'kysely';

/** Integer minor units (bigint columns; platform/db.ts reads int8 as a JS number). */
type Minor = number;
type ReadOnly<T> = ColumnType<T, never, never>;

export type OrderKind = 'purchase' | 'claim' | 'tip';

export interface CommerceTables {
  connected_accounts: {
    creator_id: string;
    provider: string;
    account_id: string;
    charges_enabled: Generated<boolean>;
    payouts_enabled: Generated<boolean>;
    status_at: Generated<Date>;
    created_at: Generated<Date>;
  };
  orders: {
    id: Generated<string>;
    provider: string;
    session_id: string | null;
    checkout_url: string | null;
    request_key: string;
    kind: OrderKind;
    creator_id: string;
    account_id: string | null;
    buyer_id: string | null;
    buyer_email: string;
    buyer_email_key: string;
    currency: string;
    amount_total: Minor;
    created_at: Generated<Date>;
  };
  order_lines: {
    id: Generated<string>;
    order_id: string;
    item_id: string | null;
    /** An album line: the whole project (every item of it, including ones added later). */
    project_id: string | null;
    title: string;
    amount: Minor;
    currency: string;
  };
  /** The items an album line covered when it was sold, with each one's share of its amount. */
  order_line_items: {
    order_line_id: string;
    position: number;
    item_id: string | null;
    title: string;
    share: Minor;
  };
  payments: {
    provider: string;
    payment_ref: string;
    order_id: string;
    amount: Minor;
    currency: string;
    status: 'succeeded' | 'failed';
    created_at: Generated<Date>;
  };
  refunds: {
    provider: string;
    charge_ref: string;
    /** The payment refunded; counts for an order once that payment is in the ledger. */
    payment_ref: string;
    account_id: string | null;
    /** The order the event's metadata named, if any (informational). */
    order_id: string | null;
    amount: Minor;
    currency: string;
    updated_at: Generated<Date>;
  };
  disputes: {
    provider: string;
    dispute_ref: string;
    payment_ref: string;
    account_id: string | null;
    order_id: string | null;
    amount: Minor;
    currency: string;
    status: 'open' | 'won' | 'lost';
    updated_at: Generated<Date>;
  };
  webhook_events: {
    provider: string;
    event_id: string;
    type: string;
    received_at: Generated<Date>;
  };
  payouts: {
    provider: string;
    payout_ref: string;
    creator_id: string;
    amount: Minor;
    currency: string;
    status: 'pending' | 'paid' | 'failed';
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  reconciliation_flags: {
    id: Generated<string>;
    creator_id: string;
    currency: string;
    ledger_net: Minor;
    provider_net: Minor;
    checked_at: Generated<Date>;
  };
  ownership_reminders: {
    email_key: string;
    target: string;
    sent_at: Generated<Date>;
  };
  /** A view: each order's state derived from payments, refunds and disputes. */
  order_ledger: {
    order_id: ReadOnly<string>;
    kind: ReadOnly<OrderKind>;
    creator_id: ReadOnly<string>;
    buyer_id: ReadOnly<string | null>;
    buyer_email: ReadOnly<string>;
    buyer_email_key: ReadOnly<string>;
    currency: ReadOnly<string>;
    amount_total: ReadOnly<Minor>;
    created_at: ReadOnly<Date>;
    provider: ReadOnly<string>;
    account_id: ReadOnly<string | null>;
    amount_paid: ReadOnly<Minor>;
    is_paid: ReadOnly<boolean>;
    payment_ref: ReadOnly<string | null>;
    amount_refunded: ReadOnly<Minor>;
    dispute_lost: ReadOnly<boolean>;
    dispute_open: ReadOnly<boolean>;
    entitled: ReadOnly<boolean>;
  };
}
