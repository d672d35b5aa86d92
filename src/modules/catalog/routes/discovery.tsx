// Discovery pages: /discover, /search, /tags, /tags/<path> and the tag typeahead. Thin: read and
// check the query string, call queries/search.ts, render. Unusable parameters never cause an
// error page: they are ignored with a visible note (a bad page cursor restarts at page one).
//
// htmx: a request with `HX-Request: true` whose `HX-Target` is a page's results region
// (discover-results, search-results, tag-results) gets only that region; anything else (and
// htmx history restores) gets the full page. Either way the region has the same id, so
// hx-select="#<region>" works on both.
//
// Tag typeahead contract (for the item editor):
//   GET /tags/suggest?q=<text>     or     GET /tags/suggest?tags=<the whole tag field>
//   - q: what the creator is typing. With `tags` instead (what an <input name="tags"> with
//     hx-get sends), the text after its last comma or newline is used, and the paths already
//     listed before it are not suggested again.
//   - Lower-cased, accents dropped, runs of other characters turned into '-', '/' kept
//     ("Électro/Hip Hop" → "electro/hip-hop"); at most 120 characters.
//   - Always 200 with an HTML fragment (never a full page), with or without HX-Request:
//       <ul id="tag-suggestions" class="disc-suggest" data-count="N" aria-label="Matching tags">
//         <li><button type="button" class="disc-suggest-option" value="music/electronic"
//                     data-tag-path="music/electronic">music/electronic</button></li>
//         … at most 10 …
//       </ul>
//   - N = 0 (an empty <ul>, hidden by CSS) for an empty or unusable q, or when nothing matches.
//   - Order: paths starting with q, then paths with a level starting with q, then paths
//     containing q; shallower first, then alphabetical. Only existing tags are offered.
//   - Example wiring: <input name="tags" hx-get="/tags/suggest" hx-trigger="input changed delay:200ms"
//     hx-target="#tag-suggestions" hx-swap="outerHTML">; a small script puts data-tag-path into
//     the field on click (the CSP forbids inline handlers).
//   Note: a top-level tag named "suggest" is shadowed by this route (tags.ts could reserve it).
import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { Deps } from '../../../deps.ts';
import { NotFound } from '../../../platform/errors.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { renderPage } from '../../../ui/render.tsx';
import { listCoverUrls } from '../../media/index.ts';
import { ITEM_TYPES, parseItemType } from '../item-input.ts';
import {
  childTagsWithCounts, decodeCursor, DISCOVER_SORTS, encodeCursor, findTag, listPublished,
  normalizeTagQuery, parseTagPath, suggestTags, type Cursor, type DiscoverSort, type PriceFilter,
} from '../queries/search.ts';
import { normalizeSearchQuery, SEARCH_MAX_CHARS, searchItems } from '../queries/text-search.ts';
import type { ItemType } from '../tables.ts';
import { checkTagPath, tagAncestry } from '../tags.ts';
import { DISCOVER_REGION, DiscoverPage, DiscoverResults, type DiscoverView } from '../views/discovery/discover-page.tsx';
import { hrefWith } from '../views/discovery/results.tsx';
import { SEARCH_REGION, SearchPage, SearchResults } from '../views/discovery/search-page.tsx';
import { TAG_REGION, TagIndexPage, TagPage, TagResults, TagSuggestions } from '../views/discovery/tag-pages.tsx';

type C = Context<AppEnv>;

export const PAGE_SIZE = 24;
export const SEARCH_LIMIT = 30;

export function discoveryRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const devMode = deps.config.env === 'development';
  const page = (c: C, title: string, body: Child) => {
    c.header('Vary', 'HX-Request, HX-Target');
    return renderPage(c, { title, devMode }, body);
  };
  const region = (c: C, body: Child) => {
    c.header('Cache-Control', 'no-store');
    c.header('Vary', 'HX-Request, HX-Target');
    return c.html(<>{body}</>);
  };

  app.get('/discover', async (c) => {
    const p = parseDiscoverParams(c.req.query());
    const { items, next } = await listPublished(deps.db, { ...p.filters, limit: PAGE_SIZE });
    const base = { type: p.filters.type, tag: p.filters.tag, price: p.filters.price, sort: p.filters.sort === 'newest' ? undefined : p.filters.sort };
    const view: DiscoverView = {
      ...p.filters, tagInput: p.tagInput, items, notices: p.notices, coverUrls: await listCoverUrls(deps, items),
      nextHref: next ? hrefWith('/discover', { ...base, after: encodeCursor(next) }) : null,
      firstHref: p.filters.after ? hrefWith('/discover', base) : null,
    };
    if (wantsRegion(c, DISCOVER_REGION)) return region(c, <DiscoverResults {...view} filtered={!!(view.type || view.tag || view.price)} />);
    return page(c, 'Discover', <DiscoverPage {...view} />);
  });

  app.get('/search', async (c) => {
    // The URL may carry up to 64 KiB (platform/http/node-server.ts): only its start is read.
    const raw = (c.req.query('q') ?? '').slice(0, SEARCH_MAX_CHARS * 4 + 1);
    const q = normalizeSearchQuery(raw);
    const hits = q ? await searchItems(deps.db, q, { limit: SEARCH_LIMIT }) : null;
    const view = {
      q, limit: SEARCH_LIMIT, truncated: [...raw.trim()].length > SEARCH_MAX_CHARS, hits,
      coverUrls: hits ? await listCoverUrls(deps, hits) : undefined,
    };
    if (wantsRegion(c, SEARCH_REGION)) return region(c, <SearchResults {...view} />);
    return page(c, q ? `Search: ${[...q].slice(0, 60).join('')}` : 'Search', <SearchPage {...view} />);
  });

  app.get('/tags', async (c) => page(c, 'Tags', <TagIndexPage tags={await childTagsWithCounts(deps.db, null)} />));

  app.get('/tags/suggest', async (c) => {
    const field = (c.req.query('tags') ?? '').slice(0, 2000).split(/[,\n]/);
    const typing = c.req.query('q') ?? field[field.length - 1];
    const chosen = c.req.query('q') === undefined ? field.slice(0, -1).map(normalizeTagQuery).filter(Boolean) : [];
    const paths = await suggestTags(deps.db, normalizeTagQuery(typing), chosen);
    c.header('Cache-Control', 'private, max-age=30');
    return c.html(<TagSuggestions paths={paths} />);
  });

  app.get('/tags/*', async (c) => {
    const rest = c.req.path.slice('/tags/'.length);
    // One address per tag: "/tags/music/" → "/tags/music", "/tags/" → "/tags" (query kept).
    if (rest === '' || (rest.endsWith('/') && parseTagPath(rest.slice(0, -1)))) {
      return c.redirect(`${rest ? `/tags/${rest.slice(0, -1)}` : '/tags'}${new URL(c.req.url).search}`, 301);
    }
    const path = parseTagPath(rest);
    const tag = path ? await findTag(deps.db, path) : undefined;
    if (!path || !tag) throw new NotFound('There is no such tag. Browse all tags at /tags.');
    const notices: string[] = [];
    const { sort, after } = parseSortAndCursor(c.req.query(), notices);
    const [{ items, next }, childTags] = await Promise.all([
      listPublished(deps.db, { tag: path, sort, after, limit: PAGE_SIZE }),
      childTagsWithCounts(deps.db, path),
    ]);
    const href = `/tags/${path}`;
    const base = { sort: sort === 'newest' ? undefined : sort };
    const view = {
      path, sort, items, childTags, notices, coverUrls: await listCoverUrls(deps, items),
      crumbs: tagAncestry(path).map((p): [string, string] => [p, p.slice(p.lastIndexOf('/') + 1)]),
      nextHref: next ? hrefWith(href, { ...base, after: encodeCursor(next) }) : null,
      firstHref: after ? hrefWith(href, base) : null,
    };
    if (wantsRegion(c, TAG_REGION)) return region(c, <TagResults {...view} />);
    return page(c, `Tag: ${path}`, <TagPage {...view} />);
  });

  return app;
}

/** An htmx request aimed at this page's results region (not a history restore, which needs the page). */
function wantsRegion(c: C, regionId: string): boolean {
  return c.req.header('hx-request') === 'true' && c.req.header('hx-target') === regionId && !c.req.header('hx-history-restore-request');
}

/** A user-supplied value quoted back in a note: single line, no control characters, short. */
const quote = (s: string) => `“${normalizeSearchQuery(s).slice(0, 40)}”`;

function parseSortAndCursor(query: Record<string, string>, notices: string[]): { sort: DiscoverSort; after: Cursor | null } {
  const rawSort = query.sort ?? '';
  let sort: DiscoverSort = 'newest';
  if (DISCOVER_SORTS.includes(rawSort as DiscoverSort)) sort = rawSort as DiscoverSort;
  else if (rawSort) notices.push(`We don’t know the sort order ${quote(rawSort)}, so these are the newest first.`);
  const after = query.after ? decodeCursor(query.after, sort) : null;
  if (query.after && !after) notices.push('That page link no longer works, so here is the first page.');
  return { sort, after };
}

function parseDiscoverParams(query: Record<string, string>) {
  const notices: string[] = [];
  let type: ItemType | undefined;
  if (query.type) {
    type = parseItemType(query.type) ?? undefined;
    if (!type) notices.push(`We ignored the type ${quote(query.type)}: choose one of ${ITEM_TYPES.join(', ')}.`);
  }
  let price: PriceFilter | undefined;
  if (query.price === 'free' || query.price === 'paid') price = query.price;
  else if (query.price) notices.push(`We ignored the price ${quote(query.price)}: choose free or paid.`);
  const tagInput = normalizeSearchQuery(query.tag ?? '');
  let tag: string | undefined;
  if (tagInput) {
    const checked = checkTagPath(tagInput);
    if (checked.ok) tag = checked.path;
    else notices.push(`We ignored the tag: ${checked.error}`);
  }
  const { sort, after } = parseSortAndCursor(query, notices);
  return { filters: { type, price, tag, sort, after }, tagInput, notices };
}
