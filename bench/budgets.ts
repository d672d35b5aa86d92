// Every benchmark budget, in one place. A bench reports figures (a value, and where it has one a
// baseline measured in the same run); bench/lib.ts judges them against these. Budgets are
// ratios to that baseline wherever one exists, because the machines here are shared and noisy;
// the absolute ones are limits the product promises (page weight) or that a ratio cannot express.
//
//   on 'ratio': value / baseline compared with limit
//   on 'value': value itself compared with limit
export interface Budget {
  label: string;
  unit: string;
  baselineLabel?: string;
  on: 'ratio' | 'value';
  op: '>=' | '<=' | '<' | '==';
  limit: number;
  why: string;
}

const KB = 'KB';

export const BUDGETS = {
  // ---- search (bench/search.ts) ----
  'search.p95': { label: 'search p95, app settings', unit: 'ms', on: 'value', op: '<', limit: 50,
    why: 'the live search box must answer while typing; the fuzzy tier has a 40 ms budget of its own' },
  'search.index-p50': { label: 'search p50, indexed vs seq scan', unit: 'ms', baselineLabel: 'forced seq scan p50', on: 'ratio', op: '<', limit: 1,
    why: 'the trigram index must actually be used and faster' },
  'search.index-total': { label: 'search total, indexed vs seq scan', unit: 'ms', baselineLabel: 'forced seq scan total', on: 'ratio', op: '<', limit: 1,
    why: 'as above, over all queries' },
  'search.same-results': { label: 'queries whose results differ with/without index', unit: '', on: 'value', op: '==', limit: 0,
    why: 'the index is an optimisation, never a change of answer' },

  // ---- ingest (bench/ingest.ts) ----
  'ingest.throughput': { label: 'upload ingest throughput', unit: 'MB/s', baselineLabel: 'cp of the same file', on: 'ratio', op: '>=', limit: 0.5,
    why: 'resumable parts streamed to storage: at least half the speed of a plain copy' },
  'ingest.rss-growth': { label: 'web RSS growth during a big upload', unit: 'MB', on: 'value', op: '<=', limit: 128,
    why: 'parts are streamed, never buffered: memory stays flat whatever the file size' },

  // ---- processing (bench/process.ts) ----
  'process.overhead': { label: 'processFile vs the same ffmpeg commands bare', unit: 'ms', baselineLabel: 'bare ffmpeg/ffprobe', on: 'ratio', op: '<=', limit: 1.2,
    why: 'what we add around ffmpeg (identify, hash, waveform, images, moves) stays under 20 %' },
  'process.job-overhead': { label: 'media_process job vs the same ffmpeg commands bare', unit: 'ms', baselineLabel: 'bare ffmpeg/ffprobe', on: 'ratio', op: '<=', limit: 1.2,
    why: 'the whole job (hash, storage moves and fetches, every derivative stored, database rows) stays under 20 % over ffmpeg' },

  // ---- a 10-track album end to end (bench/album.ts) ----
  'album.end-to-end': { label: '10-track album, upload to all ready', unit: 's', baselineLabel: 'bare ffmpeg, same parallelism', on: 'ratio', op: '<=', limit: 1.25,
    why: 'with the worker at one job per core, the pipeline keeps every core on ffmpeg: at most 25 % over the commands alone' },

  // ---- commerce (bench/webhooks.ts) ----
  'webhooks.first': { label: 'webhook events, first delivery', unit: 'req/s', baselineLabel: 'GET /healthz', on: 'ratio', op: '>=', limit: 1 / 70,
    why: 'a signature check and a ~12-statement transaction per event (payment and order locks, event id, payment, receipt, sales count); measured 0.017–0.040 under load, 0.019–0.028 before the payment lock' },
  'webhooks.duplicate': { label: 'webhook events, duplicates', unit: 'req/s', baselineLabel: 'GET /healthz', on: 'ratio', op: '>=', limit: 1 / 20,
    why: 'a duplicate stops at the unique event id' },
  'webhooks.checkout': { label: 'POST /i/:id/checkout (Stripe stub)', unit: 'req/s', baselineLabel: 'GET /healthz', on: 'ratio', op: '>=', limit: 1 / 150,
    why: 'a whole signed-in form post (session, CSRF, body) with ~10 statements in three transactions around a Stripe SDK call that alone costs more CPU than fifty bare requests; measured 0.015–0.021' },

  // ---- pages under load (bench/pages.ts): the real web process, autocannon, fixed connections ----
  // On these machines a PostgreSQL round trip costs about a millisecond of CPU (syscalls are
  // expensive here), so a page's share of the bare route is set mostly by its query count:
  // home 0 queries, discover 1, item 4, search up to 16 (exact tier plus fuzzy bands). The
  // budgets sit about half-way below what was measured, to catch a new N+1 or a slow render.
  'pages.home': { label: 'home page throughput', unit: 'req/s', baselineLabel: 'GET /healthz', on: 'ratio', op: '>=', limit: 1 / 5,
    why: 'a page render without queries for a visitor, against a bare JSON route' },
  'pages.item': { label: 'item page throughput', unit: 'req/s', baselineLabel: 'GET /healthz', on: 'ratio', op: '>=', limit: 1 / 40,
    why: 'item, project, creator, tags, versions, chapters, prices and markdown: 4 queries' },
  'pages.search': { label: 'search page throughput (misspelt query)', unit: 'req/s', baselineLabel: 'GET /healthz', on: 'ratio', op: '>=', limit: 1 / 60,
    why: 'trigram search with the fuzzy tier, and result rendering' },
  'pages.discover': { label: 'discover page throughput', unit: 'req/s', baselineLabel: 'GET /healthz', on: 'ratio', op: '>=', limit: 1 / 25,
    why: 'the browse listing: one keyset-paginated query' },
  'pages.p99': { label: 'p99 latency, slowest page', unit: 'ms', baselineLabel: 'GET /healthz p99', on: 'value', op: '<=', limit: 1000,
    why: 'absolute: at 10 connections on 2 cores nobody waits a second; the bare route\'s p99 (GC and scheduling noise) is shown for scale' },
  'pages.rss': { label: 'web process peak RSS under load', unit: 'MB', baselineLabel: 'RSS idle after start', on: 'ratio', op: '<=', limit: 2,
    why: 'load does not make the process balloon (nothing cached per request, no leaks)' },

  // ---- playback (bench/playback.ts) ----
  'playback.issue': { label: 'signed stream URL issuance', unit: 'req/s', baselineLabel: 'GET /healthz', on: 'ratio', op: '>=', limit: 1 / 40,
    why: 'session, the file and its renditions, the item, the ledger\'s entitlement and the play: five queries and an HMAC (measured 0.04–0.08)' },
  'playback.range': { label: 'local backend Range serving', unit: 'MB/s', baselineLabel: 'Node fs stream, minimal server', on: 'ratio', op: '>=', limit: 0.7,
    why: 'seeking and downloads from the local backend cost little more than a bare file stream' },

  // ---- page weight (bench/weight.ts): HTML + CSS + JS, gzip ----
  'weight.home': { label: 'home page weight (gzip)', unit: KB, on: 'value', op: '<=', limit: 60, why: 'fast on a slow phone connection' },
  'weight.item': { label: 'item page weight (gzip)', unit: KB, on: 'value', op: '<=', limit: 60, why: 'fast on a slow phone connection' },
  'weight.library': { label: 'library page weight (gzip)', unit: KB, on: 'value', op: '<=', limit: 60, why: 'fast on a slow phone connection' },
  'weight.third-party': { label: 'third-party requests on those pages', unit: '', on: 'value', op: '==', limit: 0,
    why: 'no trackers, fonts or CDNs: every byte comes from our origin' },
} satisfies Record<string, Budget>;

export type BudgetKey = keyof typeof BUDGETS;
