// SQL for discovery: the published catalogue (filters, sorts, keyset pages), full-text-ish search
// (pg_trgm over items.search_doc), tag pages and the tag typeahead. Plus the pure helpers that
// turn untrusted query-string values into something safe to hand to these functions.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database, Executor } from '../../../deps.ts';
import type { ItemType, PriceKind } from '../tables.ts';
import { TAG_MAX_DEPTH, TAG_SEGMENT_MAX } from '../tags.ts';

export type DiscoverSort = 'newest' | 'sales' | 'title';
export const DISCOVER_SORTS: DiscoverSort[] = ['newest', 'sales', 'title'];
export type PriceFilter = 'free' | 'paid';

/** Where the previous page ended: the sort key of its last row and that row's id. */
export interface Cursor { sort: DiscoverSort; key: string; id: string }

export interface ListFilters {
  type?: ItemType;
  /** A canonical tag path (see parseTagPath): the tag itself or any of its descendants. */
  tag?: string;
  price?: PriceFilter;
  sort: DiscoverSort;
  after?: Cursor | null;
  limit: number;
}

/** What a result card shows. */
export interface ItemCard {
  id: string;
  title: string;
  type: ItemType;
  price_kind: PriceKind;
  price_amount: number;
  currency: string;
  creator_username: string;
  creator_name: string;
  project_slug: string;
  project_title: string;
}

// ---- the published catalogue ----

/** Items that anyone may see: published, in a published project. Everything here starts from this. */
function publishedItems(db: Executor) {
  return db.selectFrom('items as i')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .innerJoin('users as u', 'u.id', 'i.creator_id')
    .select(['i.id', 'i.title', 'i.type', 'i.price_kind', 'i.price_amount', 'i.currency',
      'u.username as creator_username', 'u.display_name as creator_name', 'p.slug as project_slug', 'p.title as project_title'])
    .where('i.status', '=', 'published')
    .where('p.status', '=', 'published');
}

// Sort keys as text that round-trips exactly: published_at to the microsecond in UTC (a JS
// Date would drop the microseconds and skip or repeat rows), sales as digits, titles lower-cased.
const sortKey = {
  newest: sql<string>`to_char(i.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`,
  sales: sql<string>`i.sales_count::text`,
  title: sql<string>`lower(i.title)`,
} satisfies Record<DiscoverSort, unknown>;

/**
 * One page of the published catalogue, newest / most sold / by title, after an optional cursor.
 * Fetches one row more than asked to know whether a next page exists; no OFFSET anywhere.
 */
export async function listPublished(db: Executor, f: ListFilters): Promise<{ items: ItemCard[]; next: Cursor | null }> {
  let q = publishedItems(db).select(sortKey[f.sort].as('sort_key'));
  if (f.type) q = q.where('i.type', '=', f.type);
  if (f.price === 'free') q = q.where('i.price_amount', '=', 0);
  if (f.price === 'paid') q = q.where('i.price_amount', '>', 0);
  // EXISTS, so an item tagged both music and music/jazz is listed once.
  const tag = f.tag;
  if (tag) {
    q = q.where((eb) => eb.exists(eb.selectFrom('item_tags as t').select(sql`1`.as('one'))
      .whereRef('t.item_id', '=', 'i.id')
      .where((w) => w.or([w('t.tag_path', '=', tag), w('t.tag_path', 'like', `${escapeLike(tag)}/%`)]))));
  }
  const after = f.after?.sort === f.sort ? f.after : null;
  if (f.sort === 'newest') {
    q = q.where('i.published_at', 'is not', null);
    if (after) q = q.where(sql<boolean>`(i.published_at, i.id) < (${after.key}::timestamp AT TIME ZONE 'UTC', ${after.id}::uuid)`);
    q = q.orderBy('i.published_at', 'desc').orderBy('i.id', 'desc');
  } else if (f.sort === 'sales') {
    if (after) q = q.where(sql<boolean>`(i.sales_count, i.id) < (${after.key}::integer, ${after.id}::uuid)`);
    q = q.orderBy('i.sales_count', 'desc').orderBy('i.id', 'desc');
  } else {
    if (after) q = q.where(sql<boolean>`(lower(i.title), i.id) > (${after.key}, ${after.id}::uuid)`);
    q = q.orderBy(sql`lower(i.title)`).orderBy('i.id');
  }
  const rows = await q.limit(f.limit + 1).execute();
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  const next = rows.length > f.limit && last ? { sort: f.sort, key: last.sort_key, id: last.id } : null;
  return { items: page.map(({ sort_key: _k, ...card }) => card), next };
}

// ---- cursors ----

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.key, c.id]), 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A cursor from the URL, fully checked; anything odd (or for another sort) means "first page". */
export function decodeCursor(raw: unknown, sort: DiscoverSort): Cursor | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 1200 || !/^[\w-]+$/.test(raw)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return null;
  const [s, key, id] = parsed as unknown[];
  if (s !== sort || typeof key !== 'string' || typeof id !== 'string' || !UUID.test(id)) return null;
  if (sort === 'newest' && !isUtcTimestamp(key)) return null;
  if (sort === 'sales' && !(/^-?\d{1,10}$/.test(key) && Math.abs(Number(key)) <= 2 ** 31 - 1)) return null;
  if (sort === 'title' && (key.length > 400 || /[\u0000]/.test(key))) return null;
  return { sort, key, id };
}

function isUtcTimestamp(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/.test(s)) return false;
  const d = new Date(`${s.slice(0, 23)}Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 23) === s.slice(0, 23);
}

// ---- search ----

export const SEARCH_MAX_CHARS = 200;

/**
 * What the user typed, made safe: well-formed Unicode in NFC, no NUL or other control characters,
 * whitespace collapsed, at most SEARCH_MAX_CHARS code points. Accents and case are left for SQL
 * (lower + immutable_unaccent, exactly as search_doc was built).
 */
export function normalizeSearchQuery(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  const clean = raw.slice(0, SEARCH_MAX_CHARS * 4)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .normalize('NFC')
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return [...clean].slice(0, SEARCH_MAX_CHARS).join('').trim();
}

/** pg_trgm only builds trigrams from letters and digits: a query without any can match nothing. */
export function isSearchable(q: string): boolean {
  return /[\p{L}\p{N}]/u.test(q);
}

export interface SearchHit extends ItemCard { rank: number }

/** Exact matches: the best-selling this many are ranked (all of them, for all but broad words). */
export const SUBSTRING_POOL = 100;
/** From this many exact matches on, the best-sellers are found by walking items_sales_idx. */
export const BROAD_MATCHES = 3000;
/** Fuzzy matching runs only when exact matching found fewer than this many items. */
export const FUZZY_BELOW = 10;
/** Fuzzy matches: at most this many per similarity band are ranked (the first the index yields). */
export const FUZZY_SAMPLE = 60;
/**
 * Word-similarity bands, strictest first: pg_trgm's default, then one low enough that a swapped
 * pair of letters still matches ("electornic" is 0.47 against "electronic").
 */
export const FUZZY_BANDS = [0.6, 0.45];
/** Fuzzy bands stop once a search has run this long; a band still running is cancelled. */
export const SEARCH_BUDGET_MS = 40;
const MAX_WORDS = 8;

export interface SearchOptions {
  limit: number;
  /** Time budget for the fuzzy tier (default SEARCH_BUDGET_MS; Infinity: none). */
  budgetMs?: number;
  /** Called when the budget cut the fuzzy tier short (the results are then exact matches plus what was found in time). */
  onBudgetExceeded?: () => void;
}

/**
 * Published items (in published projects) matching the query, best first. `q` must come from
 * normalizeSearchQuery; SQL normalises it exactly as search_doc was built (lower +
 * immutable_unaccent). Both tiers use the partial GIN trigram index items_search_idx, each in
 * short transactions of its own (plan settings, time limits): pass the pool, not a transaction.
 *
 * 1. Exact: search_doc contains every word of the query (LIKE, % _ \ escaped; a word of one
 *    or two letters must start a word: '%ab%' has no trigram for the index to use). Among the
 *    SUBSTRING_POOL best-sellers that match, the phrase as whole words ranks first (rank 5),
 *    then the phrase at the start of a word (4), the phrase anywhere (3), the words apart (2);
 *    then best-sellers.
 * 2. Fuzzy, only when exact matching found fewer than FUZZY_BELOW: pg_trgm word similarity
 *    (`<%`), so misspellings and missing accents match, in bands of decreasing similarity
 *    (FUZZY_BANDS) until the page is full; within a band, the first FUZZY_SAMPLE matches the
 *    index yields, ranked by word_similarity (at most 1, so always after exact matches), then
 *    best-sellers. (Ranking every match of a broad band would cost what the sample saves.)
 *
 * Why the bounds: word_similarity costs 10–30 µs a row here, and pg_trgm's index narrows
 * candidates only by trigram count, so a misspelt common word ("electornic", "ambeint") can
 * make it re-check thousands of rows that it then rejects. The sample caps accepted rows, the
 * time budget rejected ones (measured in bench/search.ts); exact matches are never cut.
 */
export async function searchItems(db: Executor, q: string, opts: SearchOptions): Promise<SearchHit[]> {
  const deadline = performance.now() + (opts.budgetMs ?? SEARCH_BUDGET_MS);
  const tiers = searchQueries(db, q, opts.limit);
  const hits: SearchHit[] = tiers.exact ? await exactTier(db, q, opts.limit) : [];
  const bands = tiers.fuzzy && hits.length < Math.min(FUZZY_BELOW, opts.limit) ? FUZZY_BANDS : [];
  for (const [i, band] of bands.entries()) {
    if (hits.length >= opts.limit) break;
    // Each band gets an equal share of the time left, so one band re-checking thousands of
    // near misses cannot starve the next (which often finds them cheaply at its lower threshold).
    const share = Math.floor((deadline - performance.now()) / (bands.length - i));
    if (share < 5) {
      opts.onBudgetExceeded?.();
      break;
    }
    try {
      hits.push(...await fuzzyBand(db, q, band, Number.isFinite(share) ? share : 0, opts.limit - hits.length, hits.map((h) => h.id)));
    } catch (err) {
      if ((err as { code?: string }).code !== '57014') throw err; // query_canceled: this band's time ran out
      opts.onBudgetExceeded?.();
    }
  }
  return hits;
}

/**
 * The exact tier, on the plan that suits how common the words are. The planner cannot tell: it
 * guesses LIKE '%word%' from a 100-value histogram, and a wrong guess either sorts 36 000
 * matches ("love") or walks 30 000 rows of items_sales_idx looking for a rare word ("café").
 * So count the matches first (through the GIN index, stopping at BROAD_MATCHES), then either
 * rank them all from the GIN bitmap, or walk the best-sellers, where a broad word turns up
 * every few rows.
 */
async function exactTier(db: Executor, q: string, limit: number): Promise<SearchHit[]> {
  if (db.isTransaction) throw new Error('searchItems runs its own transactions: pass the pool, not a transaction');
  return db.transaction().execute(async (tx) => {
    const { exact, probe } = searchQueries(tx, q, limit);
    const { rows: [own] } = await sql<{ i: string }>`SELECT current_setting('enable_indexscan') AS i`.execute(tx);
    await onlyBitmapScans(tx);
    const { n } = await probe!.executeTakeFirstOrThrow();
    if (n >= BROAD_MATCHES) {
      await sql`SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_indexscan', ${own!.i}, true)`.execute(tx);
    }
    return exact!.execute();
  });
}

/**
 * One fuzzy band in its own short transaction, so its threshold and timeout stay local (which is
 * why searchItems wants the pool, not a caller's transaction: a cancelled band would abort it).
 */
function fuzzyBand(db: Executor, q: string, threshold: number, timeoutMs: number, n: number, exclude: string[]) {
  if (db.isTransaction) throw new Error('searchItems runs its own transactions: pass the pool, not a transaction');
  return db.transaction().execute(async (tx) => {
    await fuzzySettings(tx, threshold, timeoutMs);
    return searchQueries(tx, q, n).fuzzy!(n, exclude).execute();
  });
}

/**
 * The settings a fuzzy band runs under, local to the transaction `tx`. The planner rates
 * word_similarity as cheap as `=`, so with a LIMIT it likes to walk the whole table (or any
 * index on it) testing row after row; the GIN bitmap is the right path, so the others are
 * switched off. One process and no synchronized scans: the sample is the first matches in table
 * order on any plan. (Exported for bench/search.ts, which EXPLAINs a band.)
 */
export async function fuzzySettings(tx: Executor, threshold: number, timeoutMs: number) {
  await sql`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(threshold)}, true),
    set_config('statement_timeout', ${String(timeoutMs)}, true),
    set_config('max_parallel_workers_per_gather', '0', true), set_config('synchronize_seqscans', 'off', true)`.execute(tx);
  await onlyBitmapScans(tx);
}

/**
 * For the rest of the transaction, only bitmap scans (the GIN index) — unless the session has
 * bitmap scans off itself (bench/search.ts forcing sequential scans), which is then respected.
 */
export async function onlyBitmapScans(tx: Executor) {
  await sql`SELECT set_config('enable_seqscan', CASE WHEN current_setting('enable_bitmapscan') = 'on' THEN 'off' ELSE current_setting('enable_seqscan') END, true),
    set_config('enable_indexscan', CASE WHEN current_setting('enable_bitmapscan') = 'on' THEN 'off' ELSE current_setting('enable_indexscan') END, true)`.execute(tx);
}

type Text = ReturnType<typeof sql<string>>;
const normal = (s: string): Text => sql<string>`lower(immutable_unaccent(${s}::text))`;
const escaped = (s: Text): Text => sql<string>`replace(replace(replace(${s}, '\\', '\\\\'), '%', '\\%'), '_', '\\_')`;

/** The SQL of both tiers, unexecuted (bench/search.ts EXPLAINs them); null where a tier cannot match. */
export function searchQueries(db: Executor, q: string, limit: number) {
  const words = q.split(' ').filter(isSearchable).slice(0, MAX_WORDS);
  if (!words.length) return { exact: null, probe: null, fuzzy: null };
  const phrase = escaped(normal(q));

  const likes = words.map((w) => {
    const e = escaped(normal(w));
    return /[\p{L}\p{N}]{3}/u.test(w)
      ? sql<boolean>`i.search_doc LIKE '%' || ${e} || '%'`
      : sql<boolean>`(i.search_doc LIKE ${e} || '%' OR i.search_doc LIKE '% ' || ${e} || '%')`;
  });
  let pool = visibleItems(db).select(['i.id', 'i.search_doc', 'i.sales_count']);
  for (const like of likes) pool = pool.where(like);
  // Word boundaries are spaces (search_doc joins its parts with spaces); plain LIKE on purpose,
  // translate() or a regex per row would cost more than the rest of the query.
  const rank = sql<number>`(CASE WHEN ' ' || s.search_doc || ' ' LIKE '% ' || ${phrase} || ' %' THEN 5
    WHEN ' ' || s.search_doc LIKE '% ' || ${phrase} || '%' THEN 4
    WHEN s.search_doc LIKE '%' || ${phrase} || '%' THEN 3 ELSE 2 END)::float8`;
  // How many match, up to BROAD_MATCHES (items alone: the project check would only slow it).
  let matching = db.selectFrom('items as i').select('i.id').where('i.status', '=', 'published');
  for (const like of likes) matching = matching.where(like);
  const probe = db.selectFrom(matching.limit(BROAD_MATCHES).as('m')).select(sql<number>`count(*)::int`.as('n'));
  const exact = withCards(db, db.selectFrom(pool.orderBy('i.sales_count', 'desc').orderBy('i.id', 'desc').limit(SUBSTRING_POOL).as('s'))
    .select(['s.id', rank.as('rank')])
    .orderBy('rank', 'desc').orderBy('s.sales_count', 'desc').orderBy('s.id', 'desc').limit(limit));

  /** One similarity band (the threshold is the session's): `n` more hits, none of `exclude`. */
  const fuzzy = (n: number, exclude: string[] = []) => {
    // The sample reads items alone, so it is the first matches in table order on any plan (a
    // join could reorder them); the project check comes after, on at most FUZZY_SAMPLE rows.
    let sample = db.selectFrom('items as i').select(['i.id', 'i.project_id', 'i.search_doc', 'i.sales_count'])
      .where('i.status', '=', 'published').where(sql<boolean>`${normal(q)} <% i.search_doc`);
    if (exclude.length) sample = sample.where('i.id', 'not in', exclude);
    return withCards(db, db.selectFrom(sample.limit(FUZZY_SAMPLE).as('c'))
      .where(({ exists, selectFrom }) => exists(selectFrom('projects as p').select(sql`1`.as('one'))
        .whereRef('p.id', '=', 'c.project_id').where('p.status', '=', 'published')))
      .select(['c.id', sql<number>`word_similarity(${normal(q)}, c.search_doc)::float8`.as('rank')])
      .orderBy('rank', 'desc').orderBy('c.sales_count', 'desc').orderBy('c.id', 'desc').limit(n));
  };
  return { exact, probe, fuzzy };
}

/** Just the items anyone may see, narrow (ranking reads only items; cards are joined to the few winners). */
function visibleItems(db: Executor) {
  return db.selectFrom('items as i')
    .where('i.status', '=', 'published')
    .where(({ exists, selectFrom }) => exists(selectFrom('projects as p').select(sql`1`.as('one'))
      .whereRef('p.id', '=', 'i.project_id').where('p.status', '=', 'published')));
}

/** Card columns for a ranked page of ids, in rank order. */
function withCards(db: Executor, ranked: SelectQueryBuilder<Database, any, { id: string; rank: number }>) { // eslint-disable-line @typescript-eslint/no-explicit-any
  return db.selectFrom(ranked.as('h'))
    .innerJoin('items as i', 'i.id', 'h.id')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .innerJoin('users as u', 'u.id', 'i.creator_id')
    .select(['i.id', 'i.title', 'i.type', 'i.price_kind', 'i.price_amount', 'i.currency',
      'u.username as creator_username', 'u.display_name as creator_name', 'p.slug as project_slug', 'p.title as project_title', 'h.rank'])
    .orderBy('h.rank', 'desc').orderBy('i.sales_count', 'desc').orderBy('i.id', 'desc');
}

// ---- tags ----

/**
 * A tag path from a URL or a filter field, strictly: lower-case slug segments joined by '/',
 * 1–TAG_MAX_DEPTH levels. Anything else ('..', empty levels, upper case, 50 levels) is null.
 */
export function parseTagPath(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > TAG_MAX_DEPTH * (TAG_SEGMENT_MAX + 1)) return null;
  const parts = raw.split('/');
  if (parts.length > TAG_MAX_DEPTH) return null;
  return parts.every((p) => p.length <= TAG_SEGMENT_MAX && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(p)) ? raw : null;
}

export function findTag(db: Executor, path: string) {
  return db.selectFrom('tags').select(['path', 'name', 'parent', 'depth']).where('path', '=', path).executeTakeFirst();
}

/** Tag counts stop at this many tagged rows: a page shows "100+ items", not an exact 16 668. */
export const TAG_COUNT_CAP = 100;

export interface TagCount { path: string; name: string; count: number; more: boolean }

/**
 * The tags one level below `parent` (top-level tags when null) that publicly visible items carry,
 * themselves or through a descendant, with how many such items (`more`: at least that many).
 * Each child's subtree is an index range on item_tags (text_pattern_ops: `~>=~ 'a/'` and
 * `~<~ 'a0'` bracket every 'a/…'), read up to TAG_COUNT_CAP rows, so a page costs the same
 * however popular its tags are.
 */
export async function childTagsWithCounts(db: Executor, parent: string | null): Promise<TagCount[]> {
  const { rows } = await sql<{ path: string; name: string; n: number; seen: number }>`
    SELECT c.path, c.name, s.n, s.seen FROM tags c
    CROSS JOIN LATERAL (
      SELECT count(DISTINCT x.item_id)::int AS n, count(*)::int AS seen FROM (
        SELECT t.item_id FROM item_tags t
        JOIN items i ON i.id = t.item_id AND i.status = 'published'
        JOIN projects p ON p.id = i.project_id AND p.status = 'published'
        WHERE t.tag_path = c.path OR (t.tag_path ~>=~ (c.path || '/') AND t.tag_path ~<~ (c.path || '0'))
        LIMIT ${TAG_COUNT_CAP}
      ) x
    ) s
    WHERE ${parent === null ? sql`c.parent IS NULL` : sql`c.parent = ${parent}`} AND s.n > 0
    ORDER BY c.path`.execute(db);
  return rows.map((r) => ({ path: r.path, name: r.name, count: r.n, more: r.seen >= TAG_COUNT_CAP }));
}

export const SUGGEST_LIMIT = 10;

/**
 * Existing tag paths for the editor's typeahead: paths starting with the text first, then paths
 * with a level starting with it, then any other path containing it; shallow before deep. `q`
 * must come from normalizeTagQuery (slug characters and '/'); `exclude`: paths already chosen.
 * The tags table is a small vocabulary (every path and its ancestors), so a scan of it is cheap.
 */
export async function suggestTags(db: Executor, q: string, exclude: string[] = [], limit = SUGGEST_LIMIT): Promise<string[]> {
  if (!q) return [];
  const e = escapeLike(q);
  let query = db.selectFrom('tags').select('path').where('path', 'like', `%${e}%`);
  if (exclude.length) query = query.where('path', 'not in', exclude.slice(0, 50));
  const rows = await query
    .orderBy(sql`CASE WHEN path LIKE ${`${e}%`} THEN 0 WHEN path LIKE ${`%/${e}%`} THEN 1 ELSE 2 END`)
    .orderBy('depth').orderBy('path')
    .limit(limit).execute();
  return rows.map((r) => r.path);
}

/** Typeahead text → the characters a tag path can contain ("Électro/Hip Hop" → "electro/hip-hop"). */
export function normalizeTagQuery(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  return raw.slice(0, 400).normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase()
    .split('/').map((s) => s.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, ''))
    .join('/').replace(/\/{2,}/g, '/').replace(/^\/+/, '').slice(0, 120);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, '\\$&');
}
