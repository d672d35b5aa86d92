-- owner: commerce (the album price columns on projects are the catalog's; see the catalog module)
-- 1. Album purchases: a project can be sold as a whole, and an order line can sell a project.
-- 2. Refunds and disputes belong to a payment (payment_ref) on a connected account, not to
--    whatever order an event's metadata names: they are stored as they arrive and count for an
--    order only once a payment with the same reference, on the order's own account, is in the
--    ledger. That makes every delivery order give the same ledger, and a charge on another
--    creator's account can never touch someone else's sale.
-- 3. Ownership reminders for guests (the guest form never says whether an email owns something).

-- ---- album prices (catalog) ----
-- price_kind NULL: the project is not sold as a whole (only its items are). The currency is
-- fixed when the price is first set, as an item's is when it is created.
ALTER TABLE projects
  ADD COLUMN price_kind      text CHECK (price_kind IN ('free', 'fixed', 'pwyw')),
  ADD COLUMN price_amount    bigint NOT NULL DEFAULT 0 CHECK (price_amount >= 0),
  ADD COLUMN price_suggested bigint CHECK (price_suggested >= price_amount),
  ADD COLUMN currency        char(3) CHECK (currency ~ '^[A-Z]{3}$'),
  ADD CONSTRAINT projects_price_currency CHECK (price_kind IS NULL OR currency IS NOT NULL),
  ADD CONSTRAINT projects_fixed_price_positive CHECK (price_kind IS DISTINCT FROM 'fixed' OR price_amount > 0);

-- ---- order lines that sell a project ----
ALTER TABLE order_lines
  ADD COLUMN project_id uuid REFERENCES projects (id) ON DELETE SET NULL,
  ADD CONSTRAINT order_lines_one_target CHECK (item_id IS NULL OR project_id IS NULL);
CREATE INDEX order_lines_project_idx ON order_lines (project_id) WHERE project_id IS NOT NULL;

-- What an album line covered when it was sold, and each item's share of the line's amount
-- (largest remainder, so the shares sum exactly to the line). Per-item sales counts and
-- per-item revenue read this; access does not (an album grants items added later too).
CREATE TABLE order_line_items (
  order_line_id uuid NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
  position      integer NOT NULL,
  item_id       uuid REFERENCES items (id) ON DELETE SET NULL,
  title         text NOT NULL,
  share         bigint NOT NULL CHECK (share >= 0),
  PRIMARY KEY (order_line_id, position)
);
CREATE INDEX order_line_items_item_idx ON order_line_items (item_id);

-- ---- refunds and disputes keyed by payment ----
ALTER TABLE refunds
  ADD COLUMN payment_ref text,
  ADD COLUMN account_id text,
  ALTER COLUMN order_id DROP NOT NULL;
ALTER TABLE disputes
  ADD COLUMN payment_ref text,
  ADD COLUMN account_id text,
  ALTER COLUMN order_id DROP NOT NULL;

-- Rows written before this migration named an order; take that order's payment and account.
-- The local provider names a charge after its payment (ch_for_<payment>). Anything else stays
-- unmatched (it never counts), which is what the new rules would have done with it.
UPDATE refunds r SET
  account_id = (SELECT o.account_id FROM orders o WHERE o.id = r.order_id),
  payment_ref = coalesce(
    (SELECT min(p.payment_ref) FROM payments p WHERE p.order_id = r.order_id AND p.provider = r.provider AND p.status = 'succeeded'),
    CASE WHEN r.charge_ref LIKE 'ch\_for\_%' THEN substr(r.charge_ref, 8) END,
    'unmatched:' || r.charge_ref);
UPDATE disputes d SET
  account_id = (SELECT o.account_id FROM orders o WHERE o.id = d.order_id),
  payment_ref = coalesce(
    (SELECT min(p.payment_ref) FROM payments p WHERE p.order_id = d.order_id AND p.provider = d.provider AND p.status = 'succeeded'),
    'unmatched:' || d.dispute_ref);
ALTER TABLE refunds ALTER COLUMN payment_ref SET NOT NULL;
ALTER TABLE disputes ALTER COLUMN payment_ref SET NOT NULL;
CREATE INDEX refunds_payment_idx ON refunds (provider, payment_ref);
CREATE INDEX disputes_payment_idx ON disputes (provider, payment_ref);
-- "is this one of our creators' accounts" and reconciliation read orders by account.
CREATE INDEX orders_account_idx ON orders (provider, account_id) WHERE account_id IS NOT NULL;

-- ---- ownership reminders ----
-- At most one reminder per address and thing per hour, so the guest form cannot be used to
-- flood someone's inbox.
CREATE TABLE ownership_reminders (
  email_key  text NOT NULL,
  target     text NOT NULL,                 -- 'item:<id>' or 'project:<id>'
  sent_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (email_key, target)
);

-- ---- the derived state of every order ----
-- Refunds and disputes count through the order's succeeded payments, on the order's account,
-- in the payment's currency; a refund never counts for more than its payment.
DROP VIEW order_ledger;
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
LEFT JOIN LATERAL (
  SELECT sum(least(rf.amount, pay.amount)) AS refunded
  FROM payments pay
  JOIN refunds rf ON rf.provider = pay.provider AND rf.payment_ref = pay.payment_ref
    AND rf.account_id = o.account_id AND rf.currency = pay.currency
  WHERE pay.order_id = o.id AND pay.status = 'succeeded') r ON true
LEFT JOIN LATERAL (
  SELECT bool_or(dp.status = 'lost') AS lost, bool_or(dp.status = 'open') AS open
  FROM payments pay
  JOIN disputes dp ON dp.provider = pay.provider AND dp.payment_ref = pay.payment_ref
    AND dp.account_id = o.account_id
  WHERE pay.order_id = o.id AND pay.status = 'succeeded') d ON true;
