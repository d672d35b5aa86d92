// Building blocks shared by discover, search and tag pages: the result list, one result card,
// its price label, the "next page" link and the empty state. Each page wraps its results in a
// region with an id; htmx swaps exactly that region (the server sends it alone when asked).
import type { Child } from 'hono/jsx';
import { formatMoney } from '../../money.ts';
import type { ItemCard } from '../../queries/search.ts';
import { Cover, TYPE_LABELS, type CoverUrls } from '../shared.tsx';

/** "Free", "$5.00", "Pay what you want (min $1.00)", "Pay what you want". */
export function priceLabel(card: Pick<ItemCard, 'price_kind' | 'price_amount' | 'currency'>): string {
  if (card.price_kind === 'free') return 'Free';
  const amount = formatMoney({ amount: card.price_amount, currency: card.currency });
  if (card.price_kind === 'fixed') return amount;
  return card.price_amount > 0 ? `Pay what you want (min ${amount})` : 'Pay what you want';
}

/** One result. `coverUrl`: the cover image's URL, when the media module provides one (see Cover). */
export function ResultCard(p: { item: ItemCard; coverUrl?: string }) {
  const { item } = p;
  const creator = `/@${item.creator_username}`;
  return (
    <li class="disc-card">
      <Cover title={item.title} type={item.type} url={p.coverUrl} size="card" />
      <div class="disc-card-body">
        <h3 class="disc-card-title"><a href={`/i/${item.id}`}>{item.title}</a></h3>
        <p class="disc-card-meta">
          <span class="badge disc-type">{TYPE_LABELS[item.type]}</span>{' '}
          by <a href={creator}>{item.creator_name}</a>{' '}
          in <a href={`${creator}/${item.project_slug}`}>{item.project_title}</a>
        </p>
        <p class="disc-price">{priceLabel(item)}</p>
      </div>
    </li>
  );
}

/** `coverUrls`: cover image URLs by item id, when the media module provides them. */
export function ResultList(p: { items: ItemCard[]; coverUrls?: CoverUrls }) {
  return <ul class="disc-list">{p.items.map((item) => <ResultCard item={item} coverUrl={p.coverUrls?.[item.id]} />)}</ul>;
}

export function EmptyState(p: { children?: Child }) {
  return <div class="empty disc-empty" role="status">{p.children}</div>;
}

/** Messages about query parameters we could not use (shown above results, never an error page). */
export function Notices(p: { notices: string[] }) {
  if (!p.notices.length) return null;
  return <ul class="disc-notices" role="status">{p.notices.map((n) => <li>{n}</li>)}</ul>;
}

/**
 * Pagination links. Plain links work without JS; with htmx they replace only the results region
 * (`regionId`) and push the URL, so back/forward and reloads land on the same page.
 */
export function Pager(p: { regionId: string; nextHref: string | null; firstHref: string | null }) {
  if (!p.nextHref && !p.firstHref) return null;
  const hx = (href: string) => ({
    'hx-get': href, 'hx-target': `#${p.regionId}`, 'hx-select': `#${p.regionId}`, 'hx-swap': 'outerHTML show:window:top', 'hx-push-url': 'true',
  });
  return (
    <nav class="disc-pager" aria-label="Pages">
      {p.firstHref ? <a href={p.firstHref} {...hx(p.firstHref)}>First page</a> : null}
      {p.nextHref ? <a href={p.nextHref} rel="next" class="button button-secondary" {...hx(p.nextHref)}>Next page</a> : null}
    </nav>
  );
}

/** A URL with only the non-empty parameters, in a stable order. */
export function hrefWith(path: string, params: Record<string, string | undefined | null>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) qs.set(k, v);
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}
