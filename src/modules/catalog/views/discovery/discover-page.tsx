// /discover: filter form (plain GET; htmx submits it on change and swaps only the results) and
// one keyset page of published items.
import { ITEM_TYPES } from '../../item-input.ts';
import type { DiscoverSort, ItemCard, PriceFilter } from '../../queries/search.ts';
import type { ItemType } from '../../tables.ts';
import { TYPE_LABELS, type CoverUrls } from '../shared.tsx';
import { EmptyState, Notices, Pager, ResultList } from './results.tsx';

export const DISCOVER_REGION = 'discover-results';

export const SORT_LABELS: Record<DiscoverSort, string> = { newest: 'Newest', sales: 'Most sold', title: 'Title (A–Z)' };

export interface DiscoverView {
  type?: ItemType;
  tag?: string;
  /** The tag field as typed, re-shown even when it was not a usable tag. */
  tagInput: string;
  price?: PriceFilter;
  sort: DiscoverSort;
  items: ItemCard[];
  nextHref: string | null;
  firstHref: string | null;
  notices: string[];
  /** Cover image URLs by item id, once the media module provides them (else placeholders). */
  coverUrls?: CoverUrls;
}

export function DiscoverPage(p: DiscoverView) {
  const filtered = !!(p.type || p.tag || p.price);
  return (
    <section class="disc">
      <h1>Discover</h1>
      <form class="disc-filters" method="get" action="/discover" role="search" aria-label="Filter the catalogue"
        hx-get="/discover" hx-trigger="change, submit" hx-target={`#${DISCOVER_REGION}`} hx-select={`#${DISCOVER_REGION}`}
        hx-swap="outerHTML" hx-push-url="true">
        <div class="field">
          <label for="disc-type">Type</label>
          <select id="disc-type" name="type">
            <option value="" selected={!p.type}>All types</option>
            {ITEM_TYPES.map((t) => <option value={t} selected={p.type === t}>{TYPE_LABELS[t]}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="disc-price">Price</label>
          <select id="disc-price" name="price">
            <option value="" selected={!p.price}>Any price</option>
            <option value="free" selected={p.price === 'free'}>Free to get</option>
            <option value="paid" selected={p.price === 'paid'}>Paid</option>
          </select>
        </div>
        <div class="field">
          <label for="disc-tag">Tag</label>
          <input id="disc-tag" name="tag" type="text" value={p.tagInput} placeholder="music/electronic" maxlength={200} autocomplete="off" />
        </div>
        <div class="field">
          <label for="disc-sort">Sort by</label>
          <select id="disc-sort" name="sort">
            {(Object.keys(SORT_LABELS) as DiscoverSort[]).map((s) => <option value={s} selected={p.sort === s}>{SORT_LABELS[s]}</option>)}
          </select>
        </div>
        <button type="submit" class="button disc-apply">Show</button>
      </form>
      <DiscoverResults {...p} filtered={filtered} />
    </section>
  );
}

/** The region htmx swaps; also sent on its own for htmx requests that target it. */
export function DiscoverResults(p: DiscoverView & { filtered: boolean }) {
  return (
    <div id={DISCOVER_REGION} class="disc-results" aria-live="polite">
      <Notices notices={p.notices} />
      {p.items.length ? <ResultList items={p.items} coverUrls={p.coverUrls} /> : (
        <EmptyState>
          {p.firstHref ? <p>That was the last page.</p>
            : p.filtered ? <p>Nothing matches these filters yet. Try another type, price or tag — or <a href="/discover">clear the filters</a>.</p>
              : <p>Nothing has been published yet. Check back soon!</p>}
        </EmptyState>
      )}
      <Pager regionId={DISCOVER_REGION} nextHref={p.nextHref} firstHref={p.firstHref} />
    </div>
  );
}
