// The fan library (everything bought, claimed or tipped, grouped by creator) and receipts.
import { formatMoney } from '../../catalog/index.ts';
import type { SaleState } from '../sales.ts';

export interface LibraryOrder {
  order_id: string; kind: string; created_at: Date; currency: string; amount_paid: number; entitled: boolean; state: SaleState;
  creator_username: string; creator_name: string; lines: { item_id: string | null; title: string }[];
}

const money = (amount: number, currency: string) => formatMoney({ amount, currency });

export function LibraryPage(p: { orders: LibraryOrder[]; justBought: string | undefined }) {
  const groups = new Map<string, LibraryOrder[]>();
  for (const o of p.orders) groups.set(o.creator_username, [...(groups.get(o.creator_username) ?? []), o]);
  return (
    <section>
      <h1>Your library</h1>
      {p.justBought ? <p class="banner" role="status">{p.orders.some((o) => o.order_id === p.justBought)
        ? 'Thank you! Your purchase is in your library, and the receipt is on its way to your inbox.'
        : 'Thank you! Your purchase appears here as soon as the payment is confirmed — reload in a moment if it is not listed yet.'}</p> : null}
      {p.orders.length === 0 ? <p class="muted">Nothing here yet. Things you buy, claim or tip appear here.</p> : null}
      {[...groups].map(([username, orders]) => (
        <section class="card library-creator" aria-label={orders[0]!.creator_name}>
          <h2><a href={`/@${username}`}>{orders[0]!.creator_name}</a></h2>
          <ul class="library-list">
            {orders.flatMap((o) => o.lines.map((l) => (
              <li>
                {o.kind === 'tip' ? <span>{l.title}</span> : l.item_id && o.entitled ? <a href={`/i/${l.item_id}`}>{l.title}</a> : <span>{l.title}</span>}
                {' '}<span class="muted">· {o.kind === 'claim' ? 'claimed free' : money(o.amount_paid, o.currency)} · {o.created_at.toISOString().slice(0, 10)}</span>
                {!o.entitled && o.kind !== 'tip' ? <span class="badge"> {o.state} — no longer available</span> : null}
                {' '}<a href={`/library/orders/${o.order_id}`}>Receipt</a>
              </li>
            )))}
          </ul>
        </section>
      ))}
    </section>
  );
}

export function ReceiptPage(p: { order: LibraryOrder & { buyer_email: string; amount_total: number; amount_refunded: number }; linkQuery: string }) {
  const o = p.order;
  return (
    <section class="card narrow">
      <h1>Receipt</h1>
      <p>From <a href={`/@${o.creator_username}`}>{o.creator_name}</a> · {o.created_at.toISOString().slice(0, 10)} · to {o.buyer_email}</p>
      <table class="table">
        <tbody>{o.lines.map((l) => (
          <tr><td>{l.item_id && o.entitled && o.kind !== 'tip' ? <a href={`/i/${l.item_id}${p.linkQuery}`}>{l.title}</a> : l.title}</td></tr>
        ))}</tbody>
      </table>
      <p>Total: <strong>{money(o.amount_total, o.currency)}</strong>{o.amount_refunded > 0 ? <> · refunded {money(o.amount_refunded, o.currency)}</> : null}</p>
      <p>Status: <span class="badge">{o.amount_paid === 0 && o.kind !== 'claim' ? 'awaiting payment' : o.state}</span></p>
      {!o.entitled && o.kind !== 'tip' && o.amount_paid > 0 ? <p class="muted">This purchase no longer gives access.</p> : null}
    </section>
  );
}
