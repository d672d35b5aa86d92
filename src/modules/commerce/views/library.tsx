// The fan library (everything bought, claimed or tipped, grouped by creator; an album is one
// entry with its items) and receipts. Each line and album item takes an optional `actions`
// slot (play, read, download …) that the playback module fills; the view only places it.
import type { Child } from 'hono/jsx';
import { Cover, formatMoney, type CoverUrls, type ItemType } from '../../catalog/index.ts';
import type { SaleState } from '../sales.ts';

export interface LibraryTrack { item_id: string; title: string; actions?: Child }

export interface LibraryLine {
  item_id: string | null;
  project_id?: string | null;
  title: string;
  /** An item line's type (for its cover's placeholder). */
  type?: ItemType;
  /** Album lines: the album's items now (including ones added after the purchase). */
  items?: LibraryTrack[];
  actions?: Child;
}

export interface LibraryOrder {
  order_id: string; kind: string; created_at: Date; currency: string; amount_paid: number; entitled: boolean; state: SaleState;
  creator_username: string; creator_name: string; lines: LibraryLine[];
}

const money = (amount: number, currency: string) => formatMoney({ amount, currency });

/** `coverUrls`: cover image URLs by item id (item lines) and project id (album lines), from the media module. */
export function LibraryPage(p: { orders: LibraryOrder[]; justBought: string | undefined; coverUrls?: CoverUrls }) {
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
            {orders.flatMap((o) => o.lines.map((l) => <LibraryEntry order={o} line={l} coverUrls={p.coverUrls} />))}
          </ul>
        </section>
      ))}
    </section>
  );
}

function LibraryEntry(p: { order: LibraryOrder; line: LibraryLine; coverUrls?: CoverUrls }) {
  const { order: o, line: l } = p;
  const coverId = l.item_id ?? l.project_id;
  const cover = <Cover title={l.title} type={l.type} url={coverId ? p.coverUrls?.[coverId] : undefined} size="thumb" />;
  const open = o.entitled && o.kind !== 'tip';
  // A line whose item or project the creator deleted keeps only its title (the sale stays).
  const removed = open && !l.item_id && !l.project_id;
  const meta = (
    <>
      {' '}<span class="muted">· {o.kind === 'claim' ? 'claimed free' : money(o.amount_paid, o.currency)} · {o.created_at.toISOString().slice(0, 10)}</span>
      {!o.entitled && o.kind !== 'tip' ? <span class="badge"> {o.state} — no longer available</span> : null}
      {removed ? <span class="badge"> removed by the creator — no longer available</span> : null}
      {' '}<a href={`/library/orders/${o.order_id}`}>Receipt</a>
    </>
  );
  if (l.items) {
    return (
      <li class="library-album">
        {cover}<strong>{l.title}</strong> <span class="badge">Album · {l.items.length === 1 ? '1 item' : `${l.items.length} items`}</span>{meta}
        {open && l.actions ? <span class="library-actions">{l.actions}</span> : null}
        {open ? (
          <ol class="library-tracks">
            {l.items.map((track) => (
              <li><a href={`/i/${track.item_id}`}>{track.title}</a>{track.actions ? <span class="library-actions">{track.actions}</span> : null}</li>
            ))}
          </ol>
        ) : null}
      </li>
    );
  }
  return (
    <li>
      {cover}{open && l.item_id ? <a href={`/i/${l.item_id}`}>{l.title}</a> : <span>{l.title}</span>}{meta}
      {open && l.actions ? <span class="library-actions">{l.actions}</span> : null}
    </li>
  );
}

export function ReceiptPage(p: { order: LibraryOrder & { buyer_email: string; amount_total: number; amount_refunded: number }; linkQuery: string }) {
  const o = p.order;
  const open = o.entitled && o.kind !== 'tip';
  return (
    <section class="card narrow">
      <h1>Receipt</h1>
      <p>From <a href={`/@${o.creator_username}`}>{o.creator_name}</a> · {o.created_at.toISOString().slice(0, 10)} · to {o.buyer_email}</p>
      <table class="table">
        <tbody>{o.lines.map((l) => (
          <tr><td>
            {l.items ? <>
              <strong>{l.title}</strong> <span class="muted">(the whole album)</span>
              {open ? <ol class="library-tracks">{l.items.map((track) => <li><a href={`/i/${track.item_id}${p.linkQuery}`}>{track.title}</a></li>)}</ol> : null}
            </> : l.item_id && open ? <a href={`/i/${l.item_id}${p.linkQuery}`}>{l.title}</a> : l.title}
          </td></tr>
        ))}</tbody>
      </table>
      <p>Total: <strong>{money(o.amount_total, o.currency)}</strong>{o.amount_refunded > 0 ? <> · refunded {money(o.amount_refunded, o.currency)}</> : null}</p>
      <p>Status: <span class="badge">{o.amount_paid === 0 && o.kind !== 'claim' ? 'awaiting payment' : o.state}</span></p>
      {!o.entitled && o.kind !== 'tip' && o.amount_paid > 0 ? <p class="muted">This purchase no longer gives access.</p> : null}
    </section>
  );
}
