// /tags (top-level tags), /tags/<path> (breadcrumb, child tags, one keyset page of items in the
// tag or below it) and the typeahead fragment for /tags/suggest.
import type { DiscoverSort, ItemCard, TagCount } from '../../queries/search.ts';
import { SORT_LABELS } from './discover-page.tsx';
import type { CoverUrls } from '../shared.tsx';
import { EmptyState, Notices, Pager, ResultList } from './results.tsx';

export const TAG_REGION = 'tag-results';

const tagHref = (path: string) => `/tags/${path}`;
const itemsLabel = (t: TagCount) => (t.more ? `${t.count}+ items` : `${t.count} ${t.count === 1 ? 'item' : 'items'}`);

function TagList(p: { tags: TagCount[]; label: string }) {
  return (
    <ul class="disc-tags" aria-label={p.label}>
      {p.tags.map((t) => <li><a href={tagHref(t.path)}>{t.name}</a> <span class="muted">{itemsLabel(t)}</span></li>)}
    </ul>
  );
}

export function TagIndexPage(p: { tags: TagCount[] }) {
  return (
    <section class="disc">
      <h1>Tags</h1>
      {p.tags.length ? <TagList tags={p.tags} label="Top-level tags" />
        : <EmptyState><p>No tags yet. They appear here once creators tag published work.</p></EmptyState>}
    </section>
  );
}

export interface TagView {
  path: string;
  /** [path, name] for each ancestor and the tag itself, outermost first. */
  crumbs: [string, string][];
  /** One level down. (Not `children`: JSX gives that prop its own meaning, and a list of one arrived unwrapped.) */
  childTags: TagCount[];
  sort: DiscoverSort;
  items: ItemCard[];
  nextHref: string | null;
  firstHref: string | null;
  notices: string[];
  /** Cover image URLs by item id, once the media module provides them (else placeholders). */
  coverUrls?: CoverUrls;
}

export function TagPage(p: TagView) {
  const name = p.crumbs[p.crumbs.length - 1]?.[1] ?? p.path;
  return (
    <section class="disc">
      <nav aria-label="Breadcrumb" class="disc-crumbs">
        <ol>
          <li><a href="/tags">Tags</a></li>
          {p.crumbs.map(([path, label], i) => (i === p.crumbs.length - 1
            ? <li aria-current="page">{label}</li>
            : <li><a href={tagHref(path)}>{label}</a></li>))}
        </ol>
      </nav>
      <h1>{name}</h1>
      {p.childTags.length ? (
        <section class="disc-children" aria-labelledby="disc-children-h">
          <h2 id="disc-children-h">Narrow it down</h2>
          <TagList tags={p.childTags} label={`Tags under ${p.path}`} />
        </section>
      ) : null}
      <form class="disc-filters disc-filters-inline" method="get" action={tagHref(p.path)}
        hx-get={tagHref(p.path)} hx-trigger="change, submit" hx-target={`#${TAG_REGION}`} hx-select={`#${TAG_REGION}`}
        hx-swap="outerHTML" hx-push-url="true">
        <div class="field">
          <label for="tag-sort">Sort by</label>
          <select id="tag-sort" name="sort">
            {(Object.keys(SORT_LABELS) as DiscoverSort[]).map((s) => <option value={s} selected={p.sort === s}>{SORT_LABELS[s]}</option>)}
          </select>
        </div>
        <button type="submit" class="button disc-apply">Sort</button>
      </form>
      <TagResults {...p} />
    </section>
  );
}

export function TagResults(p: TagView) {
  return (
    <div id={TAG_REGION} class="disc-results" aria-live="polite">
      <Notices notices={p.notices} />
      {p.items.length ? <ResultList items={p.items} coverUrls={p.coverUrls} /> : (
        <EmptyState>{p.firstHref ? <p>That was the last page.</p> : <p>Nothing published with this tag yet. <a href="/discover">Discover other work</a>.</p>}</EmptyState>
      )}
      <Pager regionId={TAG_REGION} nextHref={p.nextHref} firstHref={p.firstHref} />
    </div>
  );
}

/** The typeahead fragment; its markup is the contract documented in routes/discovery.tsx. */
export function TagSuggestions(p: { paths: string[] }) {
  return (
    <ul id="tag-suggestions" class="disc-suggest" data-count={String(p.paths.length)} aria-label="Matching tags">
      {p.paths.map((path) => (
        <li><button type="button" class="disc-suggest-option" value={path} data-tag-path={path}>{path}</button></li>
      ))}
    </ul>
  );
}
