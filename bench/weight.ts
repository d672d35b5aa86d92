// Page weight: `npx tsx bench/weight.ts` alone, or `npm run bench -- weight`.
//
// The real web process with the demo content; the home and item pages as a first-time visitor
// and the library page as a signed-in fan who bought something. For each page: the HTML plus
// every stylesheet and script it loads (and any @import inside those stylesheets), each
// gzip-compressed as the reverse proxy sends it (deploy/Caddyfile: encode zstd gzip), summed.
// Every src/href that makes the browser fetch something (scripts, stylesheets, icons, images,
// media, frames, CSS url()) is checked: anything not on our own origin is a third-party
// request. Links people click (<a href>) are navigation, not requests, and are not counted.
// Budgets: bench/budgets.ts (weight.*): 60 KB each, no third-party requests.
import { gzipSync } from 'node:zlib';
import { HttpSession, isMain, runAlone, type Bench, type Figure } from './lib.ts';
import { startSite } from './site.ts';

/** Every URL the page makes the browser fetch, from its HTML. */
export function fetchedUrls(html: string): { url: string; kind: 'css' | 'js' | 'other' }[] {
  const found: { url: string; kind: 'css' | 'js' | 'other' }[] = [];
  const attr = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  const value = (m: RegExpExecArray | null) => (m ? (m[2] ?? m[3] ?? m[4] ?? '') : null);
  for (const m of html.matchAll(/<(script|link|img|iframe|source|video|audio|embed|object|track|input|image|use)\b[^>]*>/gi)) {
    const tag = m[0];
    const name = m[1]!.toLowerCase();
    if (name === 'link') {
      const rel = (value(attr(tag, 'rel')) ?? '').toLowerCase();
      const href = value(attr(tag, 'href'));
      // Only rels that make the browser fetch; rel=canonical/alternate/author name a page.
      if (href && /stylesheet|icon|preload|prefetch|modulepreload|manifest|apple-touch-icon|dns-prefetch|preconnect/.test(rel)) {
        found.push({ url: href, kind: rel.includes('stylesheet') ? 'css' : 'other' });
      }
      continue;
    }
    for (const a of ['src', 'data', 'poster', 'href', 'xlink:href']) {
      const v = value(attr(tag, a));
      if (v && !(a === 'href' && name !== 'image' && name !== 'use')) found.push({ url: v, kind: name === 'script' ? 'js' : 'other' });
    }
    const srcset = value(attr(tag, 'srcset'));
    if (srcset) for (const part of srcset.split(',')) { const u = part.trim().split(/\s+/)[0]; if (u) found.push({ url: u, kind: 'other' }); }
  }
  for (const m of html.matchAll(/url\(\s*['"]?([^'")]+)['"]?\s*\)/gi)) found.push({ url: m[1]!, kind: 'other' });
  return found;
}

/** Same origin (relative, or absolute on base) and not a data:/blob: URL. */
export const isThirdParty = (url: string, base: string) => {
  if (/^(data|blob):/i.test(url) || url.startsWith('#')) return false;
  return new URL(url, base).origin !== new URL(base).origin;
};

async function weigh(session: HttpSession, path: string) {
  const base = session.base;
  const page = await session.page(path);
  if (page.status !== 200) throw new Error(`${path}: ${page.status}`);
  let gz = gzipSync(page.html).length;
  let raw = Buffer.byteLength(page.html);
  const urls = fetchedUrls(page.html);
  const thirdParty = urls.filter((u) => isThirdParty(u.url, base)).map((u) => u.url);
  const assets = [...new Set(urls.filter((u) => u.kind !== 'other' && !isThirdParty(u.url, base)).map((u) => new URL(u.url, base).pathname + new URL(u.url, base).search))];
  for (let i = 0; i < assets.length; i++) {
    const res = await session.send(assets[i]!);
    if (res.status !== 200) throw new Error(`${path} loads ${assets[i]}: ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    gz += gzipSync(body).length;
    raw += body.length;
    if (/css/.test(res.headers.get('content-type') ?? '')) {
      const text = body.toString('utf8');
      for (const m of text.matchAll(/@import\s+(?:url\()?\s*['"]?([^'")\s;]+)/gi)) {
        if (isThirdParty(m[1]!, base)) thirdParty.push(m[1]!);
        else if (!assets.includes(new URL(m[1]!, base).pathname)) assets.push(new URL(m[1]!, base).pathname);
      }
      for (const m of text.matchAll(/url\(\s*['"]?([^'")]+)['"]?\s*\)/gi)) if (isThirdParty(m[1]!, base)) thirdParty.push(m[1]!);
    }
  }
  return { kb: gz / 1024, rawKb: raw / 1024, assets, thirdParty };
}

export const run: Bench = async () => {
  const site = await startSite({ items: 0 });
  try {
    const visitor = new HttpSession(site.web.base);
    const pages = {
      home: await weigh(visitor, '/'),
      item: await weigh(visitor, `/i/${site.paidItemId}`),
      library: await weigh(site.fan, '/library'),
    };
    if (!/Night Drive|Café|Liner|Album|Sample/.test((await site.fan.page('/library')).html)) throw new Error('the library page does not show the purchase');
    const figures: Figure[] = Object.entries(pages).map(([name, w]) => ({
      budget: `weight.${name}` as 'weight.home', value: w.kb,
      detail: `HTML + ${w.assets.join(', ')}: ${w.rawKb.toFixed(1)} KB uncompressed`,
    }));
    const third = Object.entries(pages).flatMap(([name, w]) => w.thirdParty.map((u) => `${name}: ${u}`));
    figures.push({ budget: 'weight.third-party', value: third.length, ...(third.length ? { detail: third.join(', ') } : {}) });
    return figures;
  } finally {
    await site.close();
  }
};

if (isMain(import.meta.url)) await runAlone('weight', run);
