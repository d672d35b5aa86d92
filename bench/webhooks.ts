// Commerce benchmark: `npx tsx bench/webhooks.ts` alone, or `npm run bench -- webhooks`.
//
// Starts its own embedded PostgreSQL (as test/run.ts does), migrates a template database and
// builds the real app twice: with the local provider and with Stripe pointed at a local stub.
//   1. Webhook events per second through POST /webhooks/local — signature check, the unique
//      event id, the locked order, payment upsert, sales count and receipt in one transaction —
//      first deliveries, then the same events again (duplicates), against GET /healthz of the
//      same app in the same run.
//   2. Checkouts per second through POST /i/<id>/checkout — a signed-in client carrying its
//      session cookie and CSRF token, the order insert, the Stripe SDK's call to the local stub
//      (a direct charge with an idempotency key), storing the session, the 303 to Stripe —
//      against the same bare route. The SDK call alone against the same stub is reported in the
//      figure's detail (most of a checkout's CPU in this single process).
// Budgets (bench/budgets.ts, webhooks.*) are ratios to the bare route (machines here are
// noisy). Env: BENCH_EVENTS (default 400; 100 with --smoke), BENCH_CONCURRENCY (8).
import type { LocalProvider } from '../src/platform/payments/local.ts';
import { isMain, runAlone, startDatabase, type Bench } from './lib.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

/** Runs n tasks with the given concurrency; returns completed tasks per second. */
async function rate(n: number, task: (i: number) => Promise<void>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) await task(next++);
  }));
  return n / ((performance.now() - started) / 1000);
}

export const run: Bench = async ({ smoke }) => {
  const EVENTS = Number(process.env.BENCH_EVENTS ?? (smoke ? 100 : 400));
  // The test harness clones this migrated database for each app it builds.
  const database = await startDatabase('bench_template');
  process.env.TEST_PG_URL = database.server.url;
  process.env.TEST_TEMPLATE_DB = 'bench_template';
  try {
    // Imported after the environment is set: the test harness reads it.
    const { createTestApp } = await import('../test/support/app.ts');
    const { publishedProject, signUpCreator, signUpUser } = await import('../test/support/factories.ts');
    const { checkoutKey, connectStripeCreator, startStripeStub, stripeEnv, postWebhook } = await import('../test/support/commerce.ts');

    // ---- 1. webhooks with the local provider ----
    const t = await createTestApp();
    const creator = await signUpCreator(t, { currency: 'USD' });
    const fan = await signUpUser(t);
    const { itemIds: [itemId = ''] } = await publishedProject(t, creator, 'Bench', [{ type: 'download', title: 'Bench item', fields: { price_kind: 'fixed', price_amount: '5.00' } }]);
    // Setup (not timed): EVENTS checkouts started through the app, each awaiting its payment.
    await fan.client.get(`/i/${itemId}`);
    for (let i = 0; i < EVENTS; i++) {
      const res = await fan.client.post(`/i/${itemId}/checkout`, { checkout_key: checkoutKey() });
      if (res.status !== 303) throw new Error(`checkout ${res.status}`);
    }
    const orders = await t.deps.db.selectFrom('orders').select(['id', 'session_id', 'account_id']).where('buyer_id', '=', fan.viewer.id).execute();
    if (orders.length !== EVENTS) throw new Error(`expected ${EVENTS} orders, found ${orders.length}`);
    const local = t.deps.payments as LocalProvider;
    // Signed as coming from the creator's connected account, where each order was charged.
    const deliveries = orders.map((o, i) => local.sign('checkout.session.completed',
      { kind: 'payment', orderId: o.id, sessionId: o.session_id!, paymentRef: `pi_bench_${i}`, amount: 500, currency: 'USD', status: 'succeeded' }, { account: o.account_id }));
    const bare = async () => { const r = await t.app.request('/healthz'); if (r.status !== 200) throw new Error(`healthz ${r.status}`); await r.arrayBuffer(); };
    await rate(200, bare); // warm up
    const bareRate = await rate(EVENTS * 2, bare);
    const post = async (i: number) => {
      const r = await postWebhook(t, 'local', deliveries[i]!);
      if (r.status !== 200) throw new Error(`webhook ${r.status}`);
      await r.arrayBuffer();
    };
    const webhookRate = await rate(EVENTS, post);
    const duplicateRate = await rate(EVENTS, post);
    const paid = Number((await t.deps.db.selectFrom('payments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    if (paid !== EVENTS) throw new Error(`expected ${EVENTS} payments, found ${paid}`);
    await t.close();

    // ---- 2. checkout session creation against the Stripe stub ----
    const stub = await startStripeStub();
    const s = await createTestApp(stripeEnv(stub));
    const seller = await signUpCreator(s, { currency: 'JPY' });
    const buyer = await signUpUser(s);
    const { itemIds: [yen = ''] } = await publishedProject(s, seller, 'Bench JPY', [{ type: 'download', title: 'Yen item', fields: { price_kind: 'fixed', price_amount: '800' } }]);
    const account = await connectStripeCreator(s, seller);
    const sBare = async () => { const r = await s.app.request('/healthz'); await r.arrayBuffer(); };
    await rate(200, sBare);
    const sBareRate = await rate(EVENTS * 2, sBare);
    // The SDK call on its own (what each checkout waits for), same stub, same process.
    const sdkRate = await rate(EVENTS, (i) => s.deps.payments.createCheckoutSession({
      orderId: `bench-${i}`, idempotencyKey: `bench-sdk-${i}`, accountId: account, currency: 'JPY', lines: [{ title: 'Yen item', amount: 800 }],
      customerEmail: buyer.viewer.email, successUrl: 'http://localhost/s', cancelUrl: 'http://localhost/c',
    }).then(() => undefined));
    const before = stub.requests.filter((r) => r.path === '/v1/checkout/sessions').length;
    await buyer.client.get(`/i/${yen}`); // the page that hands out the CSRF token, as a browser would load it
    const checkoutRate = await rate(EVENTS, async () => {
      const res = await buyer.client.post(`/i/${yen}/checkout`, { checkout_key: checkoutKey() });
      const location = res.headers.get('location') ?? '';
      if (res.status !== 303 || !location.startsWith('https://checkout.stripe.test/')) throw new Error(`checkout ${res.status} ${location}`);
    });
    const sessions = stub.requests.filter((r) => r.path === '/v1/checkout/sessions').length - before;
    if (sessions !== EVENTS) throw new Error(`expected ${EVENTS} sessions at the stub, found ${sessions}`);
    await s.close();
    await stub.close();

    console.log(`webhooks: bare route GET /healthz ${bareRate.toFixed(0)}/s (local app), ${sBareRate.toFixed(0)}/s (stripe app); ${EVENTS} events, concurrency ${CONCURRENCY}`);
    return [
      { budget: 'webhooks.first', value: webhookRate, baseline: bareRate, detail: `${EVENTS} events, concurrency ${CONCURRENCY}` },
      { budget: 'webhooks.duplicate', value: duplicateRate, baseline: bareRate },
      { budget: 'webhooks.checkout', value: checkoutRate, baseline: sBareRate,
        detail: `the SDK's checkout.sessions.create alone: ${sdkRate.toFixed(0)}/s (the checkout reaches ${(checkoutRate / sdkRate).toFixed(2)} of it)` },
    ];
  } finally {
    await database.stop();
  }
};

if (isMain(import.meta.url)) await runAlone('webhooks', run);
