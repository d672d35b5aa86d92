// Pages under load: `npx tsx bench/pages.ts` alone, or `npm run bench -- pages`.
//
// The real web process (src/main.ts) on a catalogue of BENCH_PAGES_ITEMS bulk items (10 000;
// 2 000 with --smoke) plus the demo content. autocannon, in this process, drives a fixed number
// of connections (BENCH_CONNECTIONS, 10) at one route at a time for BENCH_DURATION seconds (10;
// 3 with --smoke): GET /healthz (the bare route: no session, no database), then the home, item,
// search and discover pages as a first-time visitor sees them, then /healthz again. The bare
// route's mean of the two runs is the baseline for throughput and p99. The web process's RSS is
// sampled throughout; its peak is compared with its RSS right after start.
// Budgets: bench/budgets.ts (pages.*).
import autocannon from 'autocannon';
import { isMain, MB, rssOf, runAlone, sampleRss, type Bench, type Figure } from './lib.ts';
import { startSite } from './site.ts';

interface Run { rps: number; p99: number; p50: number; errors: number; requests: number }

async function load(url: string, connections: number, seconds: number): Promise<Run> {
  const r = await autocannon({ url, connections, duration: seconds });
  const bad = r.errors + r.timeouts + r.non2xx;
  return { rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50, errors: bad, requests: r.requests.total };
}

export const run: Bench = async ({ smoke }) => {
  const items = Number(process.env.BENCH_PAGES_ITEMS ?? (smoke ? 2_000 : 10_000));
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
  const seconds = Number(process.env.BENCH_DURATION ?? (smoke ? 3 : 10));
  const site = await startSite({ items });
  try {
    const { base } = site.web;
    const pages = {
      home: '/',
      item: `/i/${site.paidItemId}`,
      search: `/search?q=${encodeURIComponent('midnigth garden')}`,
      discover: '/discover',
    } as const;
    for (const [name, p] of Object.entries(pages)) {
      const res = await fetch(base + p);
      if (res.status !== 200) throw new Error(`${name} page ${p}: ${res.status}`);
    }
    const idle = rssOf(site.web.pid);
    const rss = sampleRss(site.web.pid);
    // Warm-up: JIT, plan caches, the pool's connections.
    for (const p of ['/healthz', ...Object.values(pages)]) await load(base + p, connections, 1);

    const runs: Record<string, Run> = {};
    runs.bare1 = await load(`${base}/healthz`, connections, seconds);
    for (const [name, p] of Object.entries(pages)) {
      runs[name] = await load(base + p, connections, seconds);
      console.log(`pages: ${name.padEnd(8)} ${runs[name].rps.toFixed(0).padStart(6)} req/s  p50 ${runs[name].p50} ms  p99 ${runs[name].p99} ms  (${runs[name].requests} requests, ${runs[name].errors} errors)`);
    }
    runs.bare2 = await load(`${base}/healthz`, connections, seconds);
    const peak = rss.stop();
    const bare = { rps: (runs.bare1.rps + runs.bare2.rps) / 2, p99: (runs.bare1.p99 + runs.bare2.p99) / 2 };
    console.log(`pages: /healthz  ${runs.bare1.rps.toFixed(0)} and ${runs.bare2.rps.toFixed(0)} req/s, p99 ${runs.bare1.p99} and ${runs.bare2.p99} ms; RSS idle ${(idle / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB`);

    const errors = Object.entries(runs).filter(([, r]) => r.errors > 0).map(([n, r]) => `${n}: ${r.errors}`);
    if (errors.length) throw new Error(`requests failed under load (${errors.join(', ')})`);
    const slowest = (Object.keys(pages) as (keyof typeof pages)[]).reduce((a, b) => (runs[a]!.p99 >= runs[b]!.p99 ? a : b));
    const figures: Figure[] = (Object.keys(pages) as (keyof typeof pages)[]).map((name) => ({
      budget: `pages.${name}` as const, value: runs[name]!.rps, baseline: bare.rps,
      detail: `${pages[name]}: p50 ${runs[name]!.p50} ms, p99 ${runs[name]!.p99} ms, ${runs[name]!.requests} requests`,
    }));
    figures[0]!.detail = `${connections} connections × ${seconds} s per route, ${items} bulk items + demo; ${figures[0]!.detail}`;
    figures.push({ budget: 'pages.p99', value: runs[slowest]!.p99, baseline: bare.p99, detail: `slowest: ${slowest}` });
    figures.push({ budget: 'pages.rss', value: peak / MB, baseline: idle / MB });
    return figures;
  } finally {
    await site.close();
  }
};

if (isMain(import.meta.url)) await runAlone('pages', run);
