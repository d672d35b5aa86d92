-- owner: commerce
-- The ledger: orders (one per checkout session), their lines, payments, refunds, disputes,
-- processed webhook events, creators' connected payment accounts and payouts. Amounts are
-- integer minor units with their currency. Nothing here is a toggled "has access" flag:
-- entitlements are derived from the ledger by the order_ledger view below.

-- A creator's account at the payment provider (Stripe Connect, or the local test provider).
CREATE TABLE connected_accounts (
  creator_id       uuid PRIMARY KEY REFERENCES creators (user_id) ON DELETE CASCADE,
  provider         text NOT NULL CHECK (provider IN ('local', 'stripe')),
  account_id       text NOT NULL,
  charges_enabled  boolean NOT NULL DEFAULT false,
  payouts_enabled  boolean NOT NULL DEFAULT false,
  -- provider time of the newest account.updated applied: older events arriving late are ignored
  status_at        timestamptz NOT NULL DEFAULT '-infinity',
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, account_id)
);

-- One order per checkout (or free claim). The row exists before the provider session does, so
-- every event about it can name it (metadata.order_id) and events for sessions we never
-- created find nothing. request_key makes a double-submitted form one order.
CREATE TABLE orders (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider         text NOT NULL CHECK (provider IN ('local', 'stripe', 'free')),
  session_id       text,
  checkout_url     text,                     -- where the buyer pays; a double submit returns here
  request_key      text NOT NULL UNIQUE,
  kind             text NOT NULL CHECK (kind IN ('purchase', 'claim', 'tip')),
  -- Ledger rows outlive catalog edits; a creator with sales cannot vanish under them.
  creator_id       uuid NOT NULL REFERENCES creators (user_id),
  account_id       text,                     -- the connected account charged (direct charge)
  buyer_id         uuid REFERENCES users (id) ON DELETE SET NULL,
  buyer_email      text NOT NULL,
  buyer_email_key  text NOT NULL,            -- NFKC + lower case, as users.email_key
  currency         char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  amount_total     bigint NOT NULL CHECK (amount_total >= 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, session_id)
);
CREATE INDEX orders_buyer_idx ON orders (buyer_id);
CREATE INDEX orders_email_idx ON orders (buyer_email_key);
CREATE INDEX orders_creator_idx ON orders (creator_id, created_at DESC);

CREATE TABLE order_lines (
  id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id  uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  item_id   uuid REFERENCES items (id) ON DELETE SET NULL,   -- null for tips (and deleted items)
  title     text NOT NULL,                                   -- what was bought, as it was named then
  amount    bigint NOT NULL CHECK (amount >= 0),
  currency  char(3) NOT NULL
);
CREATE INDEX order_lines_order_idx ON order_lines (order_id);
CREATE INDEX order_lines_item_idx ON order_lines (item_id);

-- A payment attempt reported by the provider (payment intent), or the zero-amount claim.
CREATE TABLE payments (
  provider     text NOT NULL,
  payment_ref  text NOT NULL,
  order_id     uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  amount       bigint NOT NULL CHECK (amount >= 0),
  currency     char(3) NOT NULL,
  status       text NOT NULL CHECK (status IN ('succeeded', 'failed')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, payment_ref)
);
CREATE INDEX payments_order_idx ON payments (order_id);

-- Cumulative refunded amount per charge: Stripe's charge.refunded carries the running total,
-- so storing the largest total seen is correct in any delivery order.
CREATE TABLE refunds (
  provider      text NOT NULL,
  charge_ref    text NOT NULL,
  order_id      uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  amount        bigint NOT NULL CHECK (amount >= 0),
  currency      char(3) NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, charge_ref)
);
CREATE INDEX refunds_order_idx ON refunds (order_id);

-- A closed dispute (won/lost) never reopens, whatever order the events arrive in.
CREATE TABLE disputes (
  provider     text NOT NULL,
  dispute_ref  text NOT NULL,
  order_id     uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  amount       bigint NOT NULL CHECK (amount >= 0),
  currency     char(3) NOT NULL,
  status       text NOT NULL CHECK (status IN ('open', 'won', 'lost')),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, dispute_ref)
);
CREATE INDEX disputes_order_idx ON disputes (order_id);

-- Every webhook event applied, recorded in the same transaction as its effects.
CREATE TABLE webhook_events (
  provider     text NOT NULL,
  event_id     text NOT NULL,
  type         text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);

-- Payouts mirrored from the provider (or made by the local payout job). Paid/failed are final.
CREATE TABLE payouts (
  provider     text NOT NULL,
  payout_ref   text NOT NULL,
  creator_id   uuid NOT NULL REFERENCES creators (user_id),
  amount       bigint NOT NULL CHECK (amount >= 0),
  currency     char(3) NOT NULL,
  status       text NOT NULL CHECK (status IN ('pending', 'paid', 'failed')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, payout_ref)
);
CREATE INDEX payouts_creator_idx ON payouts (creator_id, created_at DESC);

-- Differences found by the reconciliation job, shown to admins until resolved.
CREATE TABLE reconciliation_flags (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  creator_id     uuid NOT NULL REFERENCES creators (user_id) ON DELETE CASCADE,
  currency       char(3) NOT NULL,
  ledger_net     bigint NOT NULL,
  provider_net   bigint NOT NULL,
  checked_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (creator_id, currency)
);

-- The state of every order, derived. An order grants access when a payment succeeded, it is
-- not fully refunded, and no dispute was lost. A $0 claim is "paid" by its zero payment.
CREATE VIEW order_ledger AS
SELECT o.id AS order_id, o.kind, o.creator_id, o.buyer_id, o.buyer_email, o.buyer_email_key,
       o.currency, o.amount_total, o.created_at, o.provider, o.account_id,
       coalesce(p.paid, 0)::bigint AS amount_paid,
       p.paid IS NOT NULL AS is_paid,
       p.payment_ref,
       coalesce(r.refunded, 0)::bigint AS amount_refunded,
       coalesce(d.lost, false) AS dispute_lost,
       coalesce(d.open, false) AS dispute_open,
       (p.paid IS NOT NULL
         AND NOT (p.paid > 0 AND coalesce(r.refunded, 0) >= p.paid)
         AND NOT coalesce(d.lost, false)) AS entitled
FROM orders o
LEFT JOIN LATERAL (
  SELECT sum(amount) AS paid, min(payment_ref) AS payment_ref FROM payments
  WHERE order_id = o.id AND status = 'succeeded' HAVING count(*) > 0) p ON true
LEFT JOIN LATERAL (SELECT sum(amount) AS refunded FROM refunds WHERE order_id = o.id) r ON true
LEFT JOIN LATERAL (
  SELECT bool_or(status = 'lost') AS lost, bool_or(status = 'open') AS open FROM disputes
  WHERE order_id = o.id) d ON true;
