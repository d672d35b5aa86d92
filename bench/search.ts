// Search benchmark: `npx tsx bench/search.ts` alone, or `npm run bench -- search`.
//
// Starts its own embedded PostgreSQL in a temp dir (as test/run.ts does), applies the real
// migrations, seeds 100 000 published items in bulk SQL, then runs ~50 realistic queries (some
// misspelled, some without accents, some typed halfway) through the real searchItems():
//   1. as the app runs it (GIN trigram index, fuzzy tier under its time budget), BENCH_RUNS times
//      each — the latency budget: p95 under 50 ms;
//   2. without the time budget, once with the planner's choice and once with index and bitmap
//      scans disabled (forced sequential scan), in the same run on the same data — the indexed
//      run must be faster, and both must return identical results.
// Budgets: bench/budgets.ts (search.*). Env: BENCH_ITEMS (default 100000; 10000 with --smoke),
// BENCH_RUNS (5; 2), BENCH_SEQ_RUNS (1).
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from '../src/deps.ts';
import { refreshSearchDocs } from '../src/modules/catalog/queries/items.ts';
import { FUZZY_BANDS, fuzzySettings, normalizeSearchQuery, onlyBitmapScans, SEARCH_BUDGET_MS, searchItems, searchQueries } from '../src/modules/catalog/queries/text-search.ts';
import { createKysely, createPool } from '../src/platform/db.ts';
import { isMain, percentile, runAlone, startDatabase, type Bench, type Figure } from './lib.ts';

type Db = Kysely<Database>;

const LIMIT = 30; // what /search asks for

// What people type: title words common and rare, accented words without accents, misspellings
// (swapped, dropped, doubled letters), creators, places, projects, genres (tags), short prefixes
// as typed into the live search box, and multi-word phrases.
const QUERIES = [
  'cafe melancolie', 'melancolei', 'café', 'mélancolie', 'reverie', 'rêverie', 'elegie', 'facade', 'deja vu', 'naive',
  'love', 'midnight garden', 'midnigth', 'golden river', 'goldne rivr', 'lighthouse', 'lighthose', 'archipelago', 'archipelgo',
  'jellyfish', 'nocturne', 'requiem', 'serenade', 'sonata no 3', 'the peninsula of cordoba', 'compiler', 'shader', 'voxel',
  'zurich', 'sao paulo', 'krakow', 'reykjavik', 'reykavik', 'tromso',
  'bjork', 'zoe', 'jose garcia', 'francois dubois', 'fancois dubios', 'renee moreau', 'soren', 'lukasz kowalski', 'anais',
  'podcast', 'ambient', 'ambeint', 'jazz fusion', 'lofi', 'electronic', 'electornic', 'field recordings', 'short story',
  'el', 'elec', 'midn', 'moon tapes', 'river sessions vol 2',
];

// The misspellings above (swapped, dropped, doubled letters), reported one by one.
const MISSPELT = ['melancolei', 'midnigth', 'goldne rivr', 'lighthose', 'archipelgo', 'reykavik', 'fancois dubios', 'ambeint', 'electornic'];

let started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)}s`;

export const run: Bench = async ({ smoke }) => {
  const ITEMS = Number(process.env.BENCH_ITEMS ?? (smoke ? 10_000 : 100_000));
  const RUNS = Number(process.env.BENCH_RUNS ?? (smoke ? 2 : 5));
  // The index/seq-scan comparison runs without the time budget, and sequential scans are slow:
  // fewer runs there keep the whole bench near 3 minutes.
  const SEQ_RUNS = Number(process.env.BENCH_SEQ_RUNS ?? 1);
  started = performance.now();
  const database = await startDatabase('bench_search', process.env.BENCH_LOG_LEVEL ?? 'warn');
  let pool: pg.Pool | undefined;
  try {
    // One connection: the SET commands below must apply to the connection the queries run on.
    pool = createPool(database.url, 1);
    const db = createKysely<Database>(pool);

    console.log(`search: seeding ${ITEMS} published items… (${elapsed()})`);
    await seed(db, ITEMS);
    console.log(`search: seeded and analysed (${elapsed()})`);
    const counts = (await sql<{ items: number; projects: number; users: number; tags: number; item_tags: number }>`
      SELECT (SELECT count(*) FROM items WHERE status = 'published')::int AS items, (SELECT count(*) FROM projects)::int AS projects,
        (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM tags)::int AS tags, (SELECT count(*) FROM item_tags)::int AS item_tags`
      .execute(db)).rows[0]!;
    console.log(`search: data ${JSON.stringify(counts)}`);

    const queries = QUERIES.map(normalizeSearchQuery);
    // 1. As the app runs it (fuzzy tier under its time budget): the latency budget.
    const app = await measure(db, queries, 'indexed, app settings', RUNS, SEARCH_BUDGET_MS);
    // 2. Index against sequential scan, without the time budget so both do the full work.
    const indexed = await measure(db, queries, 'indexed, no time budget', SEQ_RUNS, Infinity);
    const plainPlan = await planOf(db, queries[1]!);
    await sql`SET enable_indexscan = off`.execute(db);
    await sql`SET enable_bitmapscan = off`.execute(db);
    const seqPlan = await planOf(db, queries[1]!);
    const seq = await measure(db, queries, 'seq scan, no time budget', SEQ_RUNS, Infinity);
    await sql`RESET enable_indexscan`.execute(db);
    await sql`RESET enable_bitmapscan`.execute(db);

    console.log(`\nplan for ${JSON.stringify(queries[1])}, indexed:  ${plainPlan}`);
    console.log(`plan for ${JSON.stringify(queries[1])}, seq scan: ${seqPlan}`);
    console.log(`\n${queries.length} queries, limit ${LIMIT}, ${ITEMS} published items; app settings × ${RUNS} runs, comparison × ${SEQ_RUNS}\n`);
    const row = (label: string, s: Stats) => console.log(`${label.padEnd(26)} p50 ${fmt(s.p50)}  p95 ${fmt(s.p95)}  p99 ${fmt(s.p99)}  max ${fmt(s.max)}  mean ${fmt(s.mean)}`);
    row('indexed, app settings', app.stats);
    row('indexed, no time budget', indexed.stats);
    row('seq scan, no time budget', seq.stats);

    console.log('\nslowest queries (app settings, median of runs):');
    for (const q of [...app.perQuery].sort((x, y) => y.median - x.median).slice(0, 6)) {
      console.log(`  ${fmt(q.median)}  ${JSON.stringify(q.query)} → ${q.hits} hits${q.cut ? ` (time budget cut the fuzzy tier in ${q.cut}/${RUNS} runs)` : ''}`);
    }
    const cut = app.perQuery.filter((q) => q.cut > 0);
    console.log(`fuzzy tier cut by the ${SEARCH_BUDGET_MS} ms budget: ${cut.length} of ${queries.length} queries${cut.length ? ` (${cut.map((q) => JSON.stringify(q.query)).join(', ')})` : ''}`);
    console.log('\nmisspelt queries (app settings, median of runs):');
    for (const q of app.perQuery.filter((x) => MISSPELT.includes(x.query))) {
      console.log(`  ${fmt(q.median)}  ${JSON.stringify(q.query)} → ${q.hits} hits${q.top ? `, first ${JSON.stringify(q.top)}` : ''}${q.cut ? ` (fuzzy tier cut in ${q.cut}/${RUNS} runs)` : ''}`);
    }
    const zeroHits = indexed.perQuery.filter((q) => q.hits === 0).map((q) => q.query);
    console.log(`queries with no hits (no time budget): ${zeroHits.length ? zeroHits.map((q) => JSON.stringify(q)).join(', ') : 'none'}`);
    console.log(`search: total ${elapsed()}`);

    const mismatched = indexed.perQuery.filter((q, i) => q.ids !== seq.perQuery[i]!.ids).map((q) => q.query);
    const figures: Figure[] = [
      { budget: 'search.p95', value: app.stats.p95, detail: `${ITEMS} items, ${queries.length} queries × ${RUNS}; p50 ${app.stats.p50.toFixed(1)} ms, p99 ${app.stats.p99.toFixed(1)} ms` },
      { budget: 'search.index-p50', value: indexed.stats.p50, baseline: seq.stats.p50 },
      { budget: 'search.index-total', value: indexed.stats.total, baseline: seq.stats.total },
      { budget: 'search.same-results', value: mismatched.length, ...(mismatched.length ? { detail: `differs for ${mismatched.join(', ')}` } : {}) },
    ];
    return figures;
  } finally {
    await pool?.end().catch(() => {});
    await database.stop();
  }
};

if (isMain(import.meta.url)) await runAlone('search', run);

// ---- measuring ----

interface Stats { p50: number; p95: number; p99: number; max: number; mean: number; total: number }
interface PerQuery { query: string; median: number; hits: number; ids: string; cut: number; top?: string }

async function measure(db: Db, queries: string[], label: string, runs: number, budgetMs: number) {
  const opts = { limit: LIMIT, budgetMs };
  if (runs > 1) for (const q of queries) await searchItems(db, q, opts); // warm-up: caches, plans
  const all: number[] = [];
  const perQuery: PerQuery[] = [];
  for (const q of queries) {
    const times: number[] = [];
    let hits: Awaited<ReturnType<typeof searchItems>> = [];
    let cut = 0;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      let wasCut = false;
      hits = await searchItems(db, q, { ...opts, onBudgetExceeded: () => { wasCut = true; } });
      if (wasCut) cut++;
      times.push(performance.now() - t0);
    }
    all.push(...times);
    perQuery.push({ query: q, median: percentile(times, 50), hits: hits.length, ids: hits.map((h) => h.id).join(','), cut, top: hits[0]?.title });
  }
  console.log(`  ${label}: ${all.length} searches (${elapsed()})`);
  const total = all.reduce((x, y) => x + y, 0);
  return {
    stats: { p50: percentile(all, 50), p95: percentile(all, 95), p99: percentile(all, 99), max: Math.max(...all), mean: total / all.length, total },
    perQuery,
  };
}

function fmt(ms: number): string {
  return `${ms.toFixed(1).padStart(6)} ms`;
}

/** The scan nodes PostgreSQL chooses for each tier of a search (EXPLAIN of the exact queries searchItems runs). */
async function planOf(db: Db, q: string): Promise<string> {
  const describe = async (query: { explain(): Promise<Record<string, unknown>[]> } | null) => {
    if (!query) return 'none';
    const lines = (await query.explain()).map((r) => String(r['QUERY PLAN']));
    return lines.filter((l) => /Scan/.test(l) && / items /.test(l) && !/Index Scan using items_pkey/.test(l))
      .map((l) => l.trim().replace(/^->\s*/, '').replace(/\s+\(cost.*$/, '')).join(' + ');
  };
  const fuzzy = await db.transaction().execute(async (tx) => {
    await fuzzySettings(tx, FUZZY_BANDS[0]!, 0); // as searchItems runs a band
    return describe(searchQueries(tx, q, LIMIT).fuzzy?.(LIMIT) ?? null);
  });
  const exact = await db.transaction().execute(async (tx) => {
    // as searchItems runs the exact tier for a word that is not broad
    await onlyBitmapScans(tx);
    return describe(searchQueries(tx, q, LIMIT).exact);
  });
  return `exact tier: ${exact}; fuzzy tier: ${fuzzy}`;
}

// ---- seeding ----

// Title vocabulary, roughly most to least common: picks are Zipf-like (index = n·r³), so a few
// words are everywhere and most are rare, as in a real catalogue. Accented words are spread through.
function vocabulary(): string[] {
  return `
  love night light blue home song time dream heart fire rain city dark gold wild summer river moon sun sea
  black white red star road world dance winter water ghost paper wind shadow silver storm garden stone glass
  morning midnight echo secret ocean spring autumn forest island mountain desert field sky cloud snow ice
  café mélancolie rêverie élégie façade déjà vu naïve über crème señorita frühling sehnsucht smörgåsbord ångström
  noël fiancée canción corazón mañana jalapeño piñata zürich kraków montréal reykjavík málaga göteborg tromsø córdoba
  electric velvet hidden lost neon crimson frozen sacred distant quiet burning hollow lucid endless broken golden
  silent little northern second bright secret modern ancient electric quiet gentle brave lonely restless
  machine letters horizon static lullaby harbor atlas signal orchard lanterns tides voices circuits pages maps
  waltz nocturne chronicle frames fragments weather lights memory engine mirror window bridge tower castle
  harvest meadow valley canyon prairie tundra glacier volcano lagoon estuary archipelago peninsula
  cassette vinyl tape radio broadcast satellite telescope compass lantern candle ember cinder ash smoke
  velvet satin silk linen cotton wool leather copper brass iron steel chrome cobalt indigo saffron vermilion
  sparrow raven heron falcon owl wolf fox bear deer otter whale dolphin octopus jellyfish coral
  almanac ballad cantata etude fugue hymn madrigal overture prelude requiem rhapsody serenade sonata suite toccata
  algorithm compiler kernel protocol syntax vector matrix pixel shader sprite texture polygon voxel
  lighthouse harbour monastery cathedral observatory greenhouse laboratory library museum theatre arcade
  wanderer stranger pilgrim drifter sailor pilot dreamer builder keeper hunter gardener weaver
`.trim().split(/\s+/);
}

/**
 * Users, creators, projects and tags minimally; 100 000 items in one INSERT … SELECT over
 * generate_series (deterministic: setseed) with varied titles; one to three tags per item; then
 * search_doc through the app's own refreshSearchDocs. Items go in as drafts and are published in
 * one UPDATE, so the partial GIN index is filled once.
 */
export async function seed(db: Db, items: number) {
  const WORDS = vocabulary();
  const creators = 400;
  const projects = 1500;
  const first = ['Zoë', 'Björk', 'José', 'François', 'Søren', 'Anaïs', 'Łukasz', 'Renée', 'Chloé', 'Jürgen', 'Inès', 'Mikaël', 'Ana',
    'Tomás', 'Noémie', 'Sam', 'Alex', 'Maya', 'Leo', 'Nora', 'Kai', 'Ivy', 'Ezra', 'Mila', 'Omar', 'Priya', 'Hana', 'Yusuf', 'Elena', 'Finn'];
  const last = ['Moreau', 'García', 'Dubois', 'Nørgaard', 'Kowalski', 'Müller', 'Lefèvre', 'Peña', 'Åberg', 'Nakamura', 'Okafor', 'Silva',
    'Novák', 'Brennan', 'Rossi', 'Haddad', 'Lindqvist', 'Fontaine', 'Ibáñez', 'Weiß'];
  await sql`SELECT setseed(0.42)`.execute(db);
  // creator g is first[g % 30] + last[g / 30 % 20]: every pair exists once for g < 600.
  await sql`
    INSERT INTO users (username, display_name, email, email_key, password_hash, is_creator)
    SELECT 'creator' || g, (${first}::text[])[1 + g % 30] || ' ' || (${last}::text[])[1 + (g / 30) % 20],
      'creator' || g || '@bench.invalid', 'creator' || g || '@bench.invalid', 'x', true
    FROM generate_series(0, ${creators - 1}) g`.execute(db);
  await sql`INSERT INTO creators (user_id, tier, payout_currency) SELECT id, 'basic', 'USD' FROM users`.execute(db);
  const kinds = ['Sessions', 'Tapes', 'Demos', 'Stories', 'Notes', 'Collection', 'Sketches', 'Diaries', 'Recordings', 'Studies'];
  await sql`
    WITH w AS (SELECT ${WORDS}::text[] AS words, ${kinds}::text[] AS kinds)
    INSERT INTO projects (creator_id, slug, title, status)
    SELECT u.id, 'project-' || g,
      initcap(w.words[1 + floor(${WORDS.length} * random() ^ 3)::int]) || ' ' || w.kinds[1 + g % 10]
        || CASE WHEN g % 4 = 0 THEN ' Vol ' || (1 + g % 5) ELSE '' END,
      'published'
    FROM generate_series(0, ${projects - 1}) g CROSS JOIN w
    JOIN users u ON u.username = 'creator' || (g % ${creators})`.execute(db);

  const roots = ['music', 'electronic', 'jazz', 'classical', 'podcast', 'writing', 'photography', 'film', 'games', 'software', 'art', 'education'];
  const subs = ['ambient', 'techno', 'house', 'synthwave', 'lofi', 'fusion', 'bebop', 'piano', 'strings', 'field-recordings', 'interviews',
    'fiction', 'poetry', 'essays', 'short-story', 'landscape', 'portrait', 'documentary', 'animation', 'indie', 'tools', 'plugins',
    'painting', 'illustration', 'tutorials'];
  await sql`INSERT INTO tags (path, name, parent, depth) SELECT r, r, NULL, 1 FROM unnest(${roots}::text[]) r`.execute(db);
  await sql`INSERT INTO tags (path, name, parent, depth)
    SELECT r || '/' || s, s, r, 2 FROM unnest(${roots}::text[]) r CROSS JOIN unnest(${subs}::text[]) s`.execute(db);

  const places = ['Zürich', 'São Paulo', 'Kraków', 'Montréal', 'Reykjavík', 'Málaga', 'Besançon', 'Göteborg', 'Córdoba', 'Tromsø',
    'Berlin', 'Lisbon', 'Osaka', 'Nairobi', 'Lyon', 'Porto'];
  const word = sql`initcap(w.words[1 + floor(${WORDS.length} * random() ^ 3)::int])`;
  await sql`
    WITH w AS (SELECT ${WORDS}::text[] AS words, ${places}::text[] AS places,
      ARRAY['audio','audio','audio','video','text','text','download','image'] AS types)
    INSERT INTO items (project_id, creator_id, type, title, ai_use, status, published_at, price_kind, price_amount, currency, sales_count, position)
    SELECT p.id, p.creator_id, w.types[1 + g % 8],
      CASE g % 6
        WHEN 0 THEN ${word} || ' ' || ${word}
        WHEN 1 THEN 'The ' || ${word} || ' of ' || w.places[1 + floor(16 * random())::int]
        WHEN 2 THEN ${word} || ' No. ' || (1 + g % 40)
        WHEN 3 THEN ${word} || ' ' || ${word} || ' (' || w.places[1 + floor(16 * random())::int] || ' Mix)'
        WHEN 4 THEN ${word} || ' ' || ${word} || ' ' || ${word}
        ELSE ${word} || ', Part ' || (1 + g % 9)
      END,
      'handmade', 'draft', now() - g * interval '37 seconds',
      (ARRAY['free','fixed','pwyw'])[1 + g % 3], CASE WHEN g % 3 = 0 THEN 0 ELSE 100 + (g % 20) * 50 END, 'USD',
      floor(1000 * random() ^ 4)::int, g
    FROM generate_series(1, ${items}) g CROSS JOIN w
    JOIN projects p ON p.slug = 'project-' || (g % ${projects})`.execute(db);

  // One to three tags per item, spread over all 312 paths.
  await sql`
    INSERT INTO item_tags (item_id, tag_path)
    SELECT DISTINCT i.id, t.path FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM items) i
    CROSS JOIN generate_series(0, 2) k
    JOIN (SELECT path, row_number() OVER (ORDER BY path) - 1 AS n, count(*) OVER () AS total FROM tags) t
      ON t.n = (i.n * 31 + k * 97) % t.total
    WHERE k < 1 + i.n % 3`.execute(db);

  await refreshSearchDocs(db, {});
  await sql`UPDATE items SET status = 'published'`.execute(db);
  await sql`VACUUM ANALYZE`.execute(db);
}
