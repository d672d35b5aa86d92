// The creator's sales page: payment account status, balances and revenue per currency, sales
// with the refund action, payouts, and the CSV export. Also the admin reconciliation list.
import { CsrfField } from '../../../ui/form.tsx';
import { formatMoney } from '../../catalog/index.ts';
import { saleState, type refundPreview } from '../sales.ts';

const money = (amount: number, currency: string) => formatMoney({ amount, currency });

export interface SalesProps {
  csrfToken: string;
  provider: 'local' | 'stripe';
  account?: { account_id: string; charges_enabled: boolean; payouts_enabled: boolean };
  money: { currency: string; sales: number; net: number; paidOut: number; balance: number }[];
  sales: { order_id: string; created_at: Date; kind: string; titles: string | null; buyer_email: string; currency: string;
    amount_paid: number; amount_refunded: number; dispute_open: boolean; dispute_lost: boolean }[];
  payouts: { payout_ref: string; amount: number; currency: string; status: string; created_at: Date }[];
  byItem: { itemId: string | null; title: string; currency: string; sales: number; net: number }[];
}

export function SalesPage(p: SalesProps) {
  return (
    <section>
      <h1>Sales</h1>
      <p><a href="/dashboard">← Dashboard</a> · <a href="/dashboard/sales.csv" download>Export CSV</a></p>
      <section class="card" aria-labelledby="acct-h">
        <h2 id="acct-h">Payments account {p.provider === 'local' ? <span class="badge">TEST MODE</span> : null}</h2>
        {p.account ? (
          <p>Charges {p.account.charges_enabled ? 'enabled' : 'not enabled yet'} · payouts {p.account.payouts_enabled ? 'enabled' : 'not enabled yet'}</p>
        ) : <p>Not connected yet. Connect {p.provider === 'stripe' ? 'your Stripe account' : 'the test account'} to start selling — every sale is paid to you directly.</p>}
        {!p.account || !p.account.charges_enabled || !p.account.payouts_enabled ? (
          <form method="post" action="/dashboard/payments/connect"><CsrfField token={p.csrfToken} />
            <button type="submit" class="button">{p.account ? 'Finish setting up payments' : 'Connect payments'}</button></form>
        ) : null}
      </section>
      <section aria-labelledby="rev-h">
        <h2 id="rev-h">Revenue and balance</h2>
        {p.money.length === 0 ? <p class="muted">No sales yet.</p> : (
          <table class="table">
            <thead><tr><th>Currency</th><th>Sales</th><th>Revenue</th><th>Paid out</th><th>Balance</th></tr></thead>
            <tbody>{p.money.map((m) => (
              <tr><td>{m.currency}</td><td class="num">{m.sales}</td><td class="num">{money(m.net, m.currency)}</td>
                <td class="num">{money(m.paidOut, m.currency)}</td><td class="num">{money(m.balance, m.currency)}</td></tr>
            ))}</tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="items-h">
        <h2 id="items-h">By item</h2>
        {p.byItem.length === 0 ? <p class="muted">No item sold yet.</p> : (
          <>
            <p class="muted">Album sales count for each of their items; an album’s revenue is split across its items in equal shares.</p>
            <table class="table">
              <thead><tr><th>Item</th><th>Sales</th><th>Revenue</th></tr></thead>
              <tbody>{p.byItem.map((r) => (
                <tr><td>{r.itemId ? <a href={`/i/${r.itemId}`}>{r.title}</a> : <>{r.title} <span class="muted">(deleted)</span></>}</td>
                  <td class="num">{r.sales}</td><td class="num">{money(r.net, r.currency)}</td></tr>
              ))}</tbody>
            </table>
          </>
        )}
      </section>
      <section aria-labelledby="sales-h">
        <h2 id="sales-h">Recent sales</h2>
        {p.sales.length === 0 ? <p class="muted">Nothing sold yet.</p> : (
          <table class="table">
            <thead><tr><th>Date</th><th>What</th><th>Buyer</th><th>Amount</th><th>Status</th><th></th></tr></thead>
            <tbody>{p.sales.map((s) => {
              const state = saleState(s);
              const refundable = (s.amount_paid > 0 && state === 'paid') || state === 'partly refunded';
              return (
                <tr>
                  <td>{s.created_at.toISOString().slice(0, 10)}</td><td>{s.titles}</td><td>{s.buyer_email}</td>
                  <td class="num">{money(s.amount_paid, s.currency)}</td>
                  <td><span class="badge">{state}</span>{s.dispute_open ? <span class="muted"> — refunds are blocked while a dispute is open</span> : null}</td>
                  <td>{refundable ? (
                    // A link to the confirmation page: a refund cannot be undone, so it is never one click.
                    <a class="button button-small" href={`/dashboard/sales/${s.order_id}/refund`} aria-label={`Refund ${s.titles ?? 'sale'} to ${s.buyer_email}`}>Refund…</a>
                  ) : null}</td>
                </tr>
              );
            })}</tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="payouts-h">
        <h2 id="payouts-h">Payouts</h2>
        {p.payouts.length === 0 ? <p class="muted">No payouts yet.</p> : (
          <table class="table">
            <thead><tr><th>Date</th><th>Amount</th><th>Status</th></tr></thead>
            <tbody>{p.payouts.map((po) => <tr><td>{po.created_at.toISOString().slice(0, 10)}</td><td class="num">{money(po.amount, po.currency)}</td><td>{po.status}</td></tr>)}</tbody>
          </table>
        )}
      </section>
    </section>
  );
}

export type RefundPreview = Awaited<ReturnType<typeof refundPreview>>;

/** "Really refund?": what the second step refunds, to whom, and what the buyer loses. Works without JavaScript. */
export function RefundConfirmPage(p: { csrfToken: string; refund: RefundPreview }) {
  const r = p.refund;
  const amount = money(r.amount, r.currency);
  return (
    <section class="dash dash-confirm">
      <p><a href="/dashboard/sales">← Sales</a></p>
      <h1>Refund {amount} to {r.buyerEmail}?</h1>
      <p>A refund cannot be undone.{r.kind === 'tip'
        ? ' The money goes back to the fan.'
        : ' The money goes back to the buyer and they lose access to what they bought: it stays in their library marked as refunded, and they can no longer stream, download or read it.'}</p>
      <dl class="card dash-confirm-list">
        <dt>Buyer</dt><dd>{r.buyerEmail}</dd>
        <dt>Bought</dt><dd>{r.createdAt.toISOString().slice(0, 10)}</dd>
        <dt>{r.lines.length === 1 ? 'Item' : 'Items'}</dt>
        <dd><ul>{r.lines.map((l) => <li>{l.title}{l.album ? <span class="muted"> (album: every item in it)</span> : null} — {money(l.amount, r.currency)}</li>)}</ul></dd>
        <dt>Refund</dt><dd><strong>{amount}</strong>{r.alreadyRefunded > 0
          ? <span class="muted"> — the rest of {money(r.amountPaid, r.currency)}; {money(r.alreadyRefunded, r.currency)} was refunded already</span> : null}</dd>
      </dl>
      <form method="post" action={`/dashboard/sales/${r.orderId}/refund`} class="dash-confirm-actions">
        <CsrfField token={p.csrfToken} />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="button button-danger">Refund {amount}</button>
        <a class="button button-secondary" href="/dashboard/sales">Cancel</a>
      </form>
    </section>
  );
}

export function ReconciliationPage(p: { flags: { username: string; currency: string; ledger_net: number; provider_net: number; checked_at: Date }[] }) {
  return (
    <section>
      <p><a href="/admin">← Admin</a></p>
      <h1>Payment reconciliation</h1>
      <p class="muted">Per creator and currency: what the ledger says was charged minus refunded, against the charges and refunds of our checkouts in
        the creator’s Stripe balance history. Fees, disputes, payouts and the creator’s other sales are not compared.</p>
      {p.flags.length === 0 ? <p>The ledger matches the payment provider for every creator.</p> : (
        <table class="table">
          <thead><tr><th>Creator</th><th>Currency</th><th>Ledger</th><th>Provider</th><th>Checked</th></tr></thead>
          <tbody>{p.flags.map((f) => <tr><td>@{f.username}</td><td>{f.currency}</td><td class="num">{money(f.ledger_net, f.currency)}</td>
            <td class="num">{money(f.provider_net, f.currency)}</td><td>{f.checked_at.toISOString()}</td></tr>)}</tbody>
        </table>
      )}
    </section>
  );
}
