// `npm run load`: a bounded load run against the real web process — 60 s (LOAD_SECONDS or
// --seconds N), 20 fixed connections (LOAD_CONNECTIONS or --connections N) — on a catalogue of
// 10 000 bulk items plus the demo content (LOAD_ITEMS). Every connection loops through what a
// visitor does: the home page, discover, a search (queries rotate, misspellings included), an
// item page (items rotate), then a purchase with the local TEST MODE provider — the item page
// for the form, POST checkout as a guest, POST pay on the test checkout page. Each response is
// checked against what a browser would accept (200s, and the two 303s to the right places).
// Passes with zero errors and one recorded payment per confirmed purchase (never two per order); prints
// requests/s, p50/p99 latency and the web process's peak RSS. Stops by itself.
import autocannon, { type Request } from 'autocannon';
import type { Database } from '../src/deps.ts';
import { createKysely, createPool } from '../src/platform/db.ts';
import { MB, rssOf, sampleRss } from './lib.ts';
import { nextClientIp, startSite } from './site.ts';

const arg = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : undefined; };
const SECONDS = Number(arg('seconds') ?? process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(arg('connections') ?? process.env.LOAD_CONNECTIONS ?? 20);
const ITEMS = Number(arg('items') ?? process.env.LOAD_ITEMS ?? 10_000);
if (![SECONDS, CONNECTIONS, ITEMS].every((n) => Number.isInteger(n) && n > 0) || SECONDS > 3600 || CONNECTIONS > 1000) {
  console.error('usage: npm run load -- [--seconds 1..3600] [--connections 1..1000] [--items N]');
  process.exit(2);
}
const QUERIES = ['midnight garden', 'midnigth', 'lighthouse', 'cafe melancolie', 'golden river', 'ambient', 'jazz fusion', 'reykavik', 'sonata no 3', 'night drive'];

interface Ctx { csrf?: string; cookie?: string; key?: string; session?: string; n?: number }
const problems = new Map<string, number>();
const fail = (what: string) => problems.set(what, (problems.get(what) ?? 0) + 1);
let confirmed = 0;
let seq = 0;

const site = await startSite({ items: ITEMS });
let code = 1;
try {
  const { base } = site.web;
  const pool = createPool(site.database.url, 1);
  const db = createKysely<Database>(pool);
  const paymentsBefore = Number((await db.selectFrom('payments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const header = (h: Record<string, unknown> | undefined, name: string) => {
    if (!h) return [];
    const key = Object.keys(h).find((k) => k.toLowerCase() === name);
    const v = key ? h[key] : undefined;
    return Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];
  };
  const expect = (label: string, want: number) => (status: number) => { if (status !== want) fail(`${label}: ${status}`); };
  const visitor = (req: Request) => ({ ...req, headers: { ...req.headers, 'x-forwarded-for': nextClientIp() } });

  const requests: Request[] = [
    { method: 'GET', path: '/', setupRequest: visitor, onResponse: expect('home', 200) },
    { method: 'GET', path: '/discover', setupRequest: visitor, onResponse: expect('discover', 200) },
    {
      method: 'GET',
      setupRequest: (req) => visitor({ ...req, path: `/search?q=${encodeURIComponent(QUERIES[seq++ % QUERIES.length]!)}` }),
      onResponse: expect('search', 200),
    },
    {
      method: 'GET',
      setupRequest: (req) => visitor({ ...req, path: `/i/${site.itemIds[seq++ % site.itemIds.length]}` }),
      onResponse: expect('item', 200),
    },
    // A guest buys the demo's fixed-price item: the page gives the CSRF cookie, token and checkout key.
    {
      method: 'GET', path: `/i/${site.paidItemId}`, setupRequest: visitor,
      onResponse: (status, body, context: Ctx, headers) => {
        if (status !== 200) return fail(`item (buy): ${status}`);
        context.csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
        context.key = /name="checkout_key" value="([^"]+)"/.exec(body)?.[1];
        context.cookie = header(headers, 'set-cookie').map((c) => c.split(';')[0]).join('; ');
        context.n = seq++;
        if (!context.csrf || !context.key || !context.cookie) fail('item (buy): no checkout form');
      },
    },
    {
      method: 'POST', path: `/i/${site.paidItemId}/checkout`,
      setupRequest: (req, context: Ctx) => (context.csrf ? visitor({
        ...req,
        headers: { ...req.headers, cookie: context.cookie!, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: context.csrf, checkout_key: context.key!, email: `load${context.n}@example.com` }).toString(),
      }) : null) as Request,
      onResponse: (status, _body, context: Ctx, headers) => {
        const location = header(headers, 'location')[0] ?? '';
        if (status !== 303 || !location.startsWith('/checkout/test/')) return fail(`checkout: ${status} ${location.slice(0, 40)}`);
        context.session = location;
      },
    },
    {
      method: 'POST',
      setupRequest: (req, context: Ctx) => (context.session ? visitor({
        ...req, path: context.session,
        headers: { ...req.headers, cookie: context.cookie!, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: context.csrf!, outcome: 'pay' }).toString(),
      }) : null) as Request,
      onResponse: (status, _body, _context, headers) => {
        const location = header(headers, 'location')[0] ?? '';
        if (status !== 303 || !location.startsWith('/library/orders/')) return fail(`pay: ${status} ${location.slice(0, 40)}`);
        confirmed += 1;
      },
    },
  ];

  const idle = rssOf(site.web.pid);
  const rss = sampleRss(site.web.pid);
  console.log(`load: ${CONNECTIONS} connections for ${SECONDS} s against ${base} (${ITEMS} bulk items + demo)…`);
  const result = await autocannon({ url: base, connections: CONNECTIONS, duration: SECONDS, requests });
  const peak = rss.stop();
  await new Promise((r) => setTimeout(r, 500)); // the last receipts' transactions
  const payments = Number((await db.selectFrom('payments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n) - paymentsBefore;
  const doubled = (await db.selectFrom('payments').select('order_id').groupBy('order_id').having((eb) => eb.fn.countAll(), '>', 1).execute()).length;
  await db.destroy();

  if (result.errors) problems.set(`connection errors`, result.errors);
  if (result.timeouts) problems.set(`timeouts`, result.timeouts);
  // Purchases whose "pay" was in flight when the run stopped are recorded without their answer
  // being counted: at most one per connection.
  const ledgerExact = doubled === 0 && payments >= confirmed && payments <= confirmed + CONNECTIONS;
  console.log(`\nrequests      ${result.requests.total} in ${result.duration.toFixed(0)} s (${result.requests.average.toFixed(0)}/s)`);
  console.log(`latency       p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
  console.log(`purchases     ${confirmed} confirmed, ${payments} payments recorded (${payments - confirmed} in flight at the stop), ${doubled} orders paid twice${ledgerExact ? '' : '  ← MISMATCH'}`);
  console.log(`memory (web)  ${(idle / MB).toFixed(1)} MB idle, peak ${(peak / MB).toFixed(1)} MB under load`);
  console.log(`errors        ${problems.size ? [...problems].map(([k, v]) => `${k} ×${v}`).join(', ') : 'none'}`);
  code = problems.size === 0 && ledgerExact && confirmed > 0 ? 0 : 1;
  console.log(code === 0 ? '\nPASS: zero errors, every purchase recorded once' : '\nFAIL');
} finally {
  await site.close();
}
process.exit(code);
