// A running site for the page benchmarks and the load run: an embedded PostgreSQL with a bulk
// catalogue (bench/search.ts's seed), the real web process with the demo content seeded at
// start, and a fan who bought a demo item (so /library has something to show).
import type { Database } from '../src/deps.ts';
import { createKysely, createPool } from '../src/platform/db.ts';
import { HttpSession, startDatabase, startWeb, type BenchDatabase, type WebProcess } from './lib.ts';
import { seed } from './search.ts';

export interface Site {
  database: BenchDatabase;
  web: WebProcess;
  /** Published item ids: the demo items first, then the bulk catalogue. */
  itemIds: string[];
  /** A demo item with a fixed price, for checkout. */
  paidItemId: string;
  /** A signed-in fan whose library holds the paid item. */
  fan: HttpSession;
  close(): Promise<void>;
}

let ip = 0;
/** A distinct client address per visitor (the web process trusts X-Forwarded-For, as behind Caddy). */
export const nextClientIp = () => { ip += 1; return `198.51.${(ip >> 8) & 255}.${ip & 255}`; };

export async function startSite(opts: { items: number; env?: Record<string, string>; nodeArgs?: string[] }): Promise<Site> {
  const database = await startDatabase('bench_site');
  const pool = createPool(database.url, 2);
  const db = createKysely<Database>(pool);
  let web: WebProcess | undefined;
  try {
    if (opts.items > 0) await seed(db, opts.items);
    web = await startWeb(database, { SEED_DEMO: 'true', TRUST_PROXY: 'true', ...opts.env }, opts.nodeArgs);
    const demo = await db.selectFrom('items').innerJoin('users', 'users.id', 'items.creator_id')
      .select(['items.id', 'items.title', 'items.price_kind']).where('users.username', '=', 'demo').where('items.status', '=', 'published')
      .orderBy('items.position').execute();
    const bulk = await db.selectFrom('items').select('id').where('status', '=', 'published').where('creator_id', 'not in', db.selectFrom('users').select('id').where('username', '=', 'demo'))
      .orderBy('sales_count', 'desc').limit(200).execute();
    const paidItemId = demo.find((i) => i.price_kind === 'fixed')?.id;
    if (!paidItemId) throw new Error('the demo catalogue has no fixed-price item');

    const fan = new HttpSession(web.base, { 'x-forwarded-for': nextClientIp() });
    await fan.page('/signup');
    const signup = await fan.form('/signup', { username: 'bench_fan', email: 'bench_fan@example.com', password: 'a long enough password' });
    if (signup.status !== 303) throw new Error(`fan sign-up failed: ${signup.status}`);
    await buy(fan, paidItemId);
    return {
      database, web, itemIds: [...demo.map((i) => i.id), ...bulk.map((i) => i.id)], paidItemId, fan,
      async close() { await web!.stop(); await db.destroy(); await database.stop(); },
    };
  } catch (err) {
    await web?.stop();
    await db.destroy();
    await database.stop();
    throw err;
  }
}

/** Buys an item through the item page, the checkout form and the local TEST MODE checkout page. */
export async function buy(session: HttpSession, itemId: string, extra: Record<string, string> = {}) {
  const item = await session.page(`/i/${itemId}`);
  const key = /name="checkout_key" value="([^"]+)"/.exec(item.html)?.[1];
  if (!key) throw new Error(`no checkout form on /i/${itemId}`);
  const started = await session.form(`/i/${itemId}/checkout`, { checkout_key: key, ...extra });
  const location = started.headers.get('location') ?? '';
  if (started.status !== 303 || !location.startsWith('/checkout/test/')) throw new Error(`checkout: ${started.status} ${location}`);
  await session.page(location);
  const paid = await session.form(location, { outcome: 'pay' });
  if (paid.status !== 303) throw new Error(`test checkout: ${paid.status}`);
  return paid.headers.get('location') ?? '';
}
