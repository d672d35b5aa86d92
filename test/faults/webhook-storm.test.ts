// 1 000 webhook deliveries with duplicates, reorderings and forgeries: the ledger is exact.
// The real web server on a real port, the Stripe provider (the real SDK verifies every delivery),
// three creators in three currencies, a few hundred orders made through checkout (items, pay-what-
// you-want, albums, tips, by guests). A seeded plan of Stripe-format events about them —
// payments, async payments that succeed or fail, refunds in steps, disputes opened, updated and
// closed, payouts, and validly signed events that must change nothing — is delivered over HTTP,
// shuffled, eight at a time, with Stripe-style retries (re-signed) and byte-identical repeats, and
// with forgeries mixed in (wrong secret, stale timestamp, tampered body, garbled or missing
// signature), some replaying real event ids and some inventing payments for unpaid orders.
// Forgeries must get 400 and store nothing. The expected ledger is computed from the event list
// alone (test/support/ledger-model.ts) and compared with every ledger table, row for row.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestApp } from '../support/app.ts';
import { TestClient } from '../support/client.ts';
import {
  connectStripeCreator, signStripePayload, startStripeStub, stripeCheckout, stripeEnv, STRIPE_CONNECT_WEBHOOK_SECRET, STRIPE_WEBHOOK_SECRET, type StripeStub,
} from '../support/commerce.ts';
import { publishedProject, signUpCreator } from '../support/factories.ts';
import { expectedLedger, planStorm, seededRandom, type StormEvent, type StormOrder } from '../support/ledger-model.ts';
import { startTestServer, type RunningServer } from '../support/server.ts';
import { isEntitled } from '../../src/modules/commerce/index.ts';

const SEED = Number(process.env.STORM_SEED ?? 20261204);
const DELIVERIES = 1000;
const FORGERIES = 100;
const ORDERS_PER_CREATOR = 80;
const PARALLEL = 8;

const r = seededRandom(SEED);
let stub: StripeStub;
let server: RunningServer;
const creators: { account: string; currency: string; items: string[]; albumId: string; albumPage: string; username: string }[] = [];
const orders: StormOrder[] = [];

const CURRENCIES = [
  { currency: 'EUR', fixed: '9.00', pwywMin: '2.00', album: '20.00', pwyw: () => `${r.int(2, 30)}.${r.int(0, 99).toString().padStart(2, '0')}`, tip: () => `${r.int(1, 50)}.00` },
  { currency: 'JPY', fixed: '1200', pwywMin: '300', album: '2500', pwyw: () => String(r.int(300, 5000)), tip: () => String(r.int(100, 3000)) },
  { currency: 'USD', fixed: '5.00', pwywMin: '1.00', album: '12.00', pwyw: () => `${r.int(1, 25)}.${r.pick(['00', '50', '99'])}`, tip: () => `${r.int(1, 20)}.00` },
] as const;

before(async () => {
  stub = await startStripeStub();
  server = await startTestServer(stripeEnv(stub));
  const t: TestApp = server;
  for (const cur of CURRENCIES) {
    const creator = await signUpCreator(t, { currency: cur.currency });
    const account = await connectStripeCreator(t, creator);
    const { project, itemIds } = await publishedProject(t, creator, `Storm ${cur.currency}`, [
      { type: 'audio', title: `Storm ${cur.currency} one`, fields: { price_kind: 'fixed', price_amount: cur.fixed } },
      { type: 'audio', title: `Storm ${cur.currency} two`, fields: { price_kind: 'fixed', price_amount: cur.fixed } },
      { type: 'audio', title: `Storm ${cur.currency} three`, fields: { price_kind: 'pwyw', price_amount: cur.pwywMin } },
    ]);
    await creator.client.get(`/dashboard/projects/${project.id}`);
    const saved = await creator.client.post(`/dashboard/projects/${project.id}`, { title: `Storm ${cur.currency}`, description: '', status: 'published', price_kind: 'fixed', price_amount: cur.album });
    assert.equal(saved.status, 303, saved.html.slice(0, 300));
    creators.push({ account, currency: cur.currency, items: itemIds, albumId: project.id, albumPage: `/@${creator.viewer.username}/${project.slug}`, username: creator.viewer.username });
  }
  // Guests, one address per order, so each order's access can be asked for by its email.
  for (const [c, cur] of CURRENCIES.entries()) {
    const creator = creators[c]!;
    for (let n = 0; n < ORDERS_PER_CREATOR; n++) {
      const email = `storm-${cur.currency.toLowerCase()}-${n}@example.com`;
      const guest = { client: new TestClient(t.app) };
      const kind = r.pick(['item', 'item', 'item', 'item', 'album', 'tip'] as const);
      const item = r.int(0, 2);
      const bought = kind === 'album'
        ? await stripeCheckout(t, guest, creator.albumPage, `/projects/${creator.albumId}/checkout`, { email })
        : kind === 'tip'
          ? await stripeCheckout(t, guest, `/tip/${creator.username}`, `/tip/${creator.username}`, { email, amount: cur.tip() })
          : await stripeCheckout(t, guest, `/i/${creator.items[item]}`, `/i/${creator.items[item]}/checkout`, { email, ...(item === 2 ? { amount: cur.pwyw() } : {}) });
      orders.push({
        id: bought.order.id, sessionId: bought.sessionId, account: creator.account, creatorId: bought.order.creator_id, currency: bought.order.currency,
        amount: bought.order.amount_total, email, kind, sells: kind === 'album' ? creator.items : kind === 'tip' ? [] : [creator.items[item]!],
      });
    }
  }
});
after(async () => {
  await server?.close();
  await stub?.close();
});

type Forgery = 'wrong-secret' | 'stale' | 'tampered' | 'unsigned' | 'garbled';
type Delivery =
  | { kind: 'genuine'; event: StormEvent; fresh: boolean }
  | { kind: 'forged'; event: StormEvent; how: Forgery; replay: boolean };

/** Rewrites a signed body so its claim is worth more to a forger (any changed byte must fail). */
function tamper(body: string) {
  const e = JSON.parse(body) as { type: string; data: { object: Record<string, unknown> } };
  const o = e.data.object;
  if (e.type.startsWith('checkout.session.')) { e.type = 'checkout.session.completed'; o.payment_status = 'paid'; }
  else if (e.type === 'charge.refunded') o.amount_refunded = 0;
  else if (e.type.startsWith('charge.dispute.')) o.status = 'won';
  else o.status = 'paid';
  return JSON.stringify(e);
}

/** What a forger would invent: a paid checkout for an order that was never paid, a lost dispute, a refund. */
function invented(n: number, order: StormOrder): StormEvent {
  const id = `evt_forged_${n}`;
  const object = n % 3 === 0
    ? { id: `dp_forged_${n}`, object: 'dispute', amount: order.amount, currency: order.currency.toLowerCase(), status: 'lost', payment_intent: `pi_forged_${n}`, metadata: {} }
    : n % 3 === 1
      ? { id: order.sessionId, object: 'checkout.session', client_reference_id: order.id, metadata: { order_id: order.id }, amount_total: order.amount,
        currency: order.currency.toLowerCase(), payment_status: 'paid', payment_intent: `pi_forged_${n}`, mode: 'payment' }
      : { id: `ch_forged_${n}`, object: 'charge', amount: order.amount, amount_refunded: order.amount, currency: order.currency.toLowerCase(), payment_intent: `pi_forged_${n}`, metadata: { order_id: order.id } };
  const type = n % 3 === 0 ? 'charge.dispute.closed' : n % 3 === 1 ? 'checkout.session.completed' : 'charge.refunded';
  const body = JSON.stringify({ id, object: 'event', type, created: Math.floor(Date.now() / 1000), api_version: '2025-01-01', livemode: false,
    pending_webhooks: 1, request: null, account: order.account, data: { object } });
  return { id, type, account: order.account, object, body };
}

test('1 000 webhook deliveries with duplicates, reorderings and forgeries leave exactly the ledger their events describe', async (t) => {
  const { db } = server.deps;
  const plan = planStorm(r, orders, creators);
  const genuine = plan.events;
  assert.ok(genuine.length + FORGERIES < DELIVERIES, `the plan has ${genuine.length} events: too many for ${DELIVERIES} deliveries`);
  const deliveries: Delivery[] = genuine.map((event) => ({ kind: 'genuine' as const, event, fresh: false }));
  // Stripe retries (a new signature each time) and byte-identical repeats (a proxy's replay).
  while (deliveries.length < DELIVERIES - FORGERIES) deliveries.push({ kind: 'genuine', event: r.pick(genuine), fresh: r.chance(0.5) });
  const hows: Forgery[] = ['wrong-secret', 'stale', 'tampered', 'unsigned', 'garbled'];
  for (let n = 0; n < FORGERIES; n++) {
    const how = hows[n % hows.length]!;
    // Half replay or alter real events (often arriving before the real one), half invent new ones.
    if (n % 2 === 0) deliveries.push({ kind: 'forged', event: r.pick(genuine), how, replay: true });
    else deliveries.push({ kind: 'forged', event: invented(n, r.pick(orders)), how: how === 'tampered' ? 'wrong-secret' : how, replay: false });
  }
  r.shuffle(deliveries);

  const eventsBefore = new Set((await db.selectFrom('webhook_events').select('event_id').execute()).map((e) => e.event_id));
  const ordersBefore = Number((await db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  // Byte-identical repeats reuse the first signature made for the event; retries sign afresh.
  const firstSignature = new Map<string, string>();
  const now = () => Math.floor(Date.now() / 1000);
  function request(d: Delivery): { path: string; body: string; headers: Record<string, string> } {
    // Connect events arrive at the Connect endpoint with its secret; older setups send them to /webhooks/stripe.
    const viaConnect = d.event.id.charCodeAt(d.event.id.length - 1) % 3 !== 0;
    const path = viaConnect ? '/webhooks/stripe/connect' : '/webhooks/stripe';
    const secret = viaConnect ? STRIPE_CONNECT_WEBHOOK_SECRET : STRIPE_WEBHOOK_SECRET;
    const json = { 'content-type': 'application/json' };
    if (d.kind === 'genuine') {
      let signature = d.fresh ? undefined : firstSignature.get(d.event.id);
      if (!signature) {
        signature = signStripePayload(d.event.body, { secret, timestamp: now() });
        if (!d.fresh) firstSignature.set(d.event.id, signature);
      }
      return { path, body: d.event.body, headers: { ...json, 'stripe-signature': signature } };
    }
    const { body } = d.event;
    switch (d.how) {
      case 'wrong-secret': return { path, body, headers: { ...json, 'stripe-signature': signStripePayload(body, { secret: 'whsec_a_forgers_guess', timestamp: now() }) } };
      case 'stale': return { path, body, headers: { ...json, 'stripe-signature': signStripePayload(body, { secret, timestamp: now() - 600 }) } };
      case 'tampered': return { path, body: tamper(body), headers: { ...json, 'stripe-signature': signStripePayload(body, { secret, timestamp: now() }) } };
      case 'unsigned': return { path, body, headers: json };
      // Every hex digit of the real signature moved by one: always a different signature.
      case 'garbled': return { path, body, headers: { ...json, 'stripe-signature': signStripePayload(body, { secret, timestamp: now() })
        .replace(/v1=([0-9a-f]+)/, (_, hex: string) => `v1=${[...hex].map((c) => ((parseInt(c, 16) + 1) % 16).toString(16)).join('')}`) } };
    }
  }

  const results: { d: Delivery; status: number; outcome?: string; ms: number }[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < deliveries.length) {
      const d = deliveries[next++]!;
      const req = request(d);
      const sent = performance.now();
      const res = await fetch(server.url + req.path, { method: 'POST', body: req.body, headers: req.headers });
      const json = await res.json() as { outcome?: string };
      results.push({ d, status: res.status, outcome: json.outcome, ms: performance.now() - sent });
    }
  }));
  const elapsed = performance.now() - started;

  // Every genuine delivery 200, every forgery 400; each event took effect once, however often it came.
  const wrongStatus = results.filter((x) => x.status !== (x.d.kind === 'genuine' ? 200 : 400));
  assert.deepEqual(wrongStatus.map((x) => `${x.d.kind} ${x.d.event.type} ${x.d.kind === 'forged' ? x.d.how : ''}: ${x.status}`), []);
  const firstTimes = new Map<string, number>();
  for (const x of results) if (x.d.kind === 'genuine' && x.outcome !== 'duplicate') firstTimes.set(x.d.event.id, (firstTimes.get(x.d.event.id) ?? 0) + 1);
  assert.deepEqual([...firstTimes.values()].filter((n) => n !== 1), [], 'exactly one delivery of each event was not a duplicate');
  assert.equal(firstTimes.size, genuine.length);

  // The events recorded: exactly the genuine ones, nothing forged (invented ids included).
  const recorded = (await db.selectFrom('webhook_events').select(['event_id', 'type']).execute()).filter((e) => !eventsBefore.has(e.event_id));
  assert.deepEqual(recorded.map((e) => `${e.event_id} ${e.type}`).sort(), genuine.map((e) => `${e.id} ${e.type}`).sort());
  assert.equal(Number((await db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), ordersBefore, 'events create no orders');

  const expected = expectedLedger(genuine, orders, creators);
  // Rows as key-sorted JSON, so the comparison is of values, not of column order.
  const canonical = (x: object) => JSON.stringify(Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))));
  const sorted = (rows: object[]) => rows.map(canonical).sort();
  const stormOrderIds = orders.map((o) => o.id);
  const payments = await db.selectFrom('payments').select(['payment_ref', 'order_id', 'amount', 'currency', 'status']).where('order_id', 'in', stormOrderIds).execute();
  assert.deepEqual(sorted(payments), sorted(expected.payments), 'payments');
  const refunds = await db.selectFrom('refunds').select(['charge_ref', 'payment_ref', 'account_id', 'amount', 'currency']).execute();
  assert.deepEqual(sorted(refunds), sorted(expected.refunds), 'refunds');
  const disputes = await db.selectFrom('disputes').select(['dispute_ref', 'payment_ref', 'account_id', 'amount', 'currency', 'status']).execute();
  assert.deepEqual(sorted(disputes), sorted(expected.disputes), 'disputes');
  const payouts = await db.selectFrom('payouts').innerJoin('connected_accounts as a', 'a.creator_id', 'payouts.creator_id')
    .select(['payouts.payout_ref', 'a.account_id as account', 'payouts.amount', 'payouts.currency', 'payouts.status']).execute();
  assert.deepEqual(sorted(payouts), sorted(expected.payouts), 'payouts');

  // Each order's derived state, its buyer's access to what it sold, and the receipts sent.
  const ledger = await db.selectFrom('order_ledger').select(['order_id', 'is_paid', 'amount_paid', 'amount_refunded', 'dispute_open', 'dispute_lost', 'entitled'])
    .where('order_id', 'in', stormOrderIds).execute();
  const mismatched = ledger.filter(({ order_id, ...row }) => canonical(row) !== canonical(expected.orders.get(order_id)!))
    .map(({ order_id, ...row }) => `${plan.flows.get(order_id)}: got ${canonical(row)}, expected ${canonical(expected.orders.get(order_id)!)}`);
  assert.deepEqual(mismatched, []);
  assert.equal(ledger.length, orders.length);
  const access: string[] = [];
  for (const o of orders) {
    const owns = o.kind === 'tip' ? [] : creators.find((c) => c.account === o.account)!.items;
    for (const item of owns) {
      const want = expected.orders.get(o.id)!.entitled && o.sells.includes(item);
      if ((await isEntitled(db, { email: o.email }, item)) !== want) access.push(`${o.email} (${plan.flows.get(o.id)}) ${want ? 'lacks' : 'has'} ${item}`);
    }
  }
  assert.deepEqual(access, []);
  const items = await db.selectFrom('items').select(['id', 'sales_count']).where('id', 'in', creators.flatMap((c) => c.items)).execute();
  assert.deepEqual(Object.fromEntries(items.map((i) => [i.id, i.sales_count])), Object.fromEntries(items.map((i) => [i.id, expected.salesByItem.get(i.id) ?? 0])), 'sales counts');
  const receipts = await db.selectFrom('mail_outbox').select('to_address').where('subject', 'like', 'Your receipt%').where('to_address', 'like', 'storm-%').execute();
  assert.deepEqual(receipts.map((m) => m.to_address).sort(), [...expected.receipts].sort(), 'one receipt per paid order');

  // Figures.
  const totals = new Map<string, { paid: number; refunded: number }>();
  for (const o of orders) {
    const s = expected.orders.get(o.id)!;
    const sum = totals.get(o.currency) ?? { paid: 0, refunded: 0 };
    totals.set(o.currency, { paid: sum.paid + s.amount_paid, refunded: sum.refunded + s.amount_refunded });
  }
  const latencies = results.map((x) => x.ms).sort((a, b) => a - b);
  const count = (f: (x: (typeof results)[number]) => boolean) => results.filter(f).length;
  const states = [...expected.orders.values()];
  t.diagnostic(`${results.length} deliveries in ${(elapsed / 1000).toFixed(1)} s (${(results.length / (elapsed / 1000)).toFixed(0)}/s, ${PARALLEL} at a time; `
    + `p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(0)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(0)} ms), seed ${SEED}: `
    + `${genuine.length} distinct events, ${count((x) => x.outcome === 'duplicate')} duplicates, ${count((x) => x.status === 400)} forgeries refused; `
    + `${orders.length} orders: ${states.filter((s) => s.is_paid).length} paid, ${states.filter((s) => s.entitled).length} entitled, `
    + `${states.filter((s) => s.amount_refunded > 0).length} refunded, ${states.filter((s) => s.dispute_lost).length} lost to disputes, ${states.filter((s) => s.dispute_open).length} disputes open; `
    + `${expected.payments.length} payments, ${expected.refunds.length} refunds, ${expected.disputes.length} disputes, ${expected.payouts.length} payouts; `
    + [...totals].map(([c, v]) => `${c} paid ${v.paid} refunded ${v.refunded} net ${v.paid - v.refunded}`).join(', '));
});
