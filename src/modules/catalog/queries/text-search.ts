// /search: pg_trgm and substring matching over items.search_doc, in three tiers (exact words,
// the same with single transposed letters corrected, trigram similarity), plus the pure
// helper that makes a query string safe to hand to them.
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Database, Executor } from '../../../deps.ts';
import { correctTranspositions } from './corrections.ts';
import { CARD_COLUMNS, type ItemCard } from './search.ts';

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
/** Corrections and fuzzy matching run only when the tiers before found fewer than this many items. */
export const FUZZY_BELOW = 10;
/** Fuzzy matches: at most this many per similarity band are ranked (the first the index yields). */
export const FUZZY_SAMPLE = 60;
/**
 * Word-similarity bands, strictest first: pg_trgm's default, then one low enough that a swapped
 * pair of letters in a long word still matches ("electornic" is 0.47 against "electronic"). A
 * swap in the middle of a short word does not ("ambeint" is 0.375 against "ambient": only the
 * three trigrams before the swap survive in one run): the corrected tier finds those.
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

/** The query's searchable words (at most MAX_WORDS). */
export function queryWords(q: string): string[] {
  return q.split(' ').filter(isSearchable).slice(0, MAX_WORDS);
}

/**
 * Published items (in published projects) matching the query, best first. `q` must come from
 * normalizeSearchQuery; SQL normalises it exactly as search_doc was built (lower +
 * immutable_unaccent). The tiers use the partial GIN trigram index items_search_idx, each in
 * short transactions of its own (plan settings, time limits): pass the pool, not a transaction.
 *
 * 1. Exact: search_doc contains every word of the query (LIKE, % _ \ escaped; a word of one
 *    or two letters must start a word: '%ab%' has no trigram for the index to use). Among the
 *    SUBSTRING_POOL best-sellers that match, the phrase as whole words ranks first (rank 5),
 *    then the phrase at the start of a word (4), the phrase anywhere (3), the words apart (2);
 *    then best-sellers.
 * 2. Corrected, only when exact matching found fewer than FUZZY_BELOW: query words with a
 *    single pair of adjacent letters swapped that are words of some document (corrections.ts:
 *    "ambeint" → "ambient") replace the typed ones, and the exact tier runs again with them;
 *    ranks 1.2–1.5 (after exact matches, before fuzzy ones). A primary-key lookup and one more
 *    exact query: not under the time budget, like the exact tier.
 * 3. Fuzzy, only when the tiers before found fewer than FUZZY_BELOW: pg_trgm word similarity
 *    (`<%`), so other misspellings and missing accents match, in bands of decreasing similarity
 *    (FUZZY_BANDS) until the page is full; within a band, the first FUZZY_SAMPLE matches the
 *    index yields, ranked by word_similarity (at most 1, so always last), then best-sellers.
 *    (Ranking every match of a broad band would cost what the sample saves.)
 *
 * Why the bounds: word_similarity costs 10–30 µs a row here, and pg_trgm's index narrows
 * candidates only by trigram count, so a misspelt common word ("electornic") can make it
 * re-check thousands of rows that it then rejects. The sample caps accepted rows, the time
 * budget rejected ones (measured in bench/search.ts); exact and corrected matches are never cut.
 */
export async function searchItems(db: Executor, q: string, opts: SearchOptions): Promise<SearchHit[]> {
  const deadline = performance.now() + (opts.budgetMs ?? SEARCH_BUDGET_MS);
  const words = queryWords(q);
  if (!words.length) return [];
  const enough = Math.min(FUZZY_BELOW, opts.limit);
  const hits = await substringTier(db, words.map((w) => [w]), q, opts.limit);
  if (hits.length < enough) {
    const corrected = await correctTranspositions(db, words);
    if (corrected) {
      const seen = new Set(hits.map((h) => h.id));
      const phrase = corrected.map((alternatives) => alternatives[0]).join(' ');
      const more = await substringTier(db, corrected, phrase, opts.limit);
      for (const hit of more) {
        if (hits.length >= opts.limit) break;
        if (!seen.has(hit.id)) hits.push({ ...hit, rank: 1 + hit.rank / 10 });
      }
    }
  }
  const bands = hits.length < enough ? FUZZY_BANDS : [];
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
 * The exact tier (and the corrected one), on the plan that suits how common the words are. The
 * planner cannot tell: it guesses LIKE '%word%' from a 100-value histogram, and a wrong guess
 * either sorts 36 000 matches ("love") or walks 30 000 rows of items_sales_idx looking for a
 * rare word ("café"). So count the matches first (through the GIN index, stopping at
 * BROAD_MATCHES), then either rank them all from the GIN bitmap, or walk the best-sellers,
 * where a broad word turns up every few rows.
 */
async function substringTier(db: Executor, words: string[][], phrase: string, limit: number): Promise<SearchHit[]> {
  if (db.isTransaction) throw new Error('searchItems runs its own transactions: pass the pool, not a transaction');
  return db.transaction().execute(async (tx) => {
    const { exact, probe } = substringQueries(tx, words, phrase, limit);
    const { rows: [own] } = await sql<{ i: string }>`SELECT current_setting('enable_indexscan') AS i`.execute(tx);
    await onlyBitmapScans(tx);
    const { n } = await probe.executeTakeFirstOrThrow();
    if (n === 0) return []; // a misspelt word: nothing to rank
    if (n >= BROAD_MATCHES) {
      await sql`SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_indexscan', ${own!.i}, true)`.execute(tx);
    }
    return exact.execute();
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

/** The SQL of the exact and fuzzy tiers, unexecuted (bench/search.ts EXPLAINs them); null where no word can match. */
export function searchQueries(db: Executor, q: string, limit: number) {
  const words = queryWords(q);
  if (!words.length) return { exact: null, probe: null, fuzzy: null };
  const { exact, probe } = substringQueries(db, words.map((w) => [w]), q, limit);

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

/**
 * Items whose search_doc contains, for every entry of `words`, one of its alternatives (the
 * typed word, or its corrections), ranked by where `phrase` occurs; and the count probe.
 */
function substringQueries(db: Executor, words: string[][], phrase: string, limit: number) {
  const like = (w: string) => {
    const e = escaped(normal(w));
    return /[\p{L}\p{N}]{3}/u.test(w)
      ? sql<boolean>`i.search_doc LIKE '%' || ${e} || '%'`
      : sql<boolean>`(i.search_doc LIKE ${e} || '%' OR i.search_doc LIKE '% ' || ${e} || '%')`;
  };
  const likes = words.map((alternatives) => (alternatives.length === 1
    ? like(alternatives[0]!)
    : sql<boolean>`(${sql.join(alternatives.map(like), sql` OR `)})`));
  const p = escaped(normal(phrase));
  let pool = visibleItems(db).select(['i.id', 'i.search_doc', 'i.sales_count']);
  for (const l of likes) pool = pool.where(l);
  // Word boundaries are spaces (search_doc joins its parts with spaces); plain LIKE on purpose,
  // translate() or a regex per row would cost more than the rest of the query.
  const rank = sql<number>`(CASE WHEN ' ' || s.search_doc || ' ' LIKE '% ' || ${p} || ' %' THEN 5
    WHEN ' ' || s.search_doc LIKE '% ' || ${p} || '%' THEN 4
    WHEN s.search_doc LIKE '%' || ${p} || '%' THEN 3 ELSE 2 END)::float8`;
  // How many match, up to BROAD_MATCHES (items alone: the project check would only slow it).
  let matching = db.selectFrom('items as i').select('i.id').where('i.status', '=', 'published');
  for (const l of likes) matching = matching.where(l);
  const probe = db.selectFrom(matching.limit(BROAD_MATCHES).as('m')).select(sql<number>`count(*)::int`.as('n'));
  const exact = withCards(db, db.selectFrom(pool.orderBy('i.sales_count', 'desc').orderBy('i.id', 'desc').limit(SUBSTRING_POOL).as('s'))
    .select(['s.id', rank.as('rank')])
    .orderBy('rank', 'desc').orderBy('s.sales_count', 'desc').orderBy('s.id', 'desc').limit(limit));
  return { exact, probe };
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
    .select([...CARD_COLUMNS, 'h.rank'])
    .orderBy('h.rank', 'desc').orderBy('i.sales_count', 'desc').orderBy('i.id', 'desc');
}
