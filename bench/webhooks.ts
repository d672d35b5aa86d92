// Commerce benchmark: `npx tsx bench/webhooks.ts` alone, or `npm run bench -- webhooks`.
//
// Starts its own embedded PostgreSQL (as test/run.ts does), migrates a template database and
// builds the real app twice: with the local provider and with Stripe pointed at a local stub.
//   1. Webhook events per second through POST /webhooks/local — signature check, the unique
//      event id, the locked order, payment upsert, sales count and receipt in one transaction —
//      first deliveries, then the same events again (duplicates), against GET /healthz of the
//      same app in the same run.
//   2. Checkout sessions per second through the real checkout service and the Stripe SDK against
//      the stub, against the same bare route.
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
    const { checkoutKey, startStripeStub, stripeEnv, stripeEvent, postWebhook } = await import('../test/support/commerce.ts');
    const { checkoutItem, connectAccount } = await import('../src/modules/commerce/checkout.ts');

    // ---- 1. webhooks with the local provider ----
    const t = await createTestApp();
    const creator = await signUpCreator(t, { currency: 'USD' });
    const fan = await signUpUser(t);
    const { itemIds: [itemId = ''] } = await publishedProject(t, creator, 'Bench', [{ type: 'download', title: 'Bench item', fields: { price_kind: 'fixed', price_amount: '5.00' } }]);
    const orders: { id: string; session: string }[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const { redirect } = await checkoutItem(t.deps, fan.viewer, itemId, { checkout_key: checkoutKey() });
      const session = redirect.split('/').pop()!;
      const order = await t.deps.db.selectFrom('orders').select('id').where('session_id', '=', session).executeTakeFirstOrThrow();
      orders.push({ id: order.id, session });
    }
    const local = t.deps.payments as LocalProvider;
    const deliveries = orders.map((o, i) => local.sign('checkout.session.completed',
      { kind: 'payment', orderId: o.id, sessionId: o.session, paymentRef: `pi_bench_${i}`, amount: 500, currency: 'USD', status: 'succeeded' }));
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
    await connectAccount(s.deps, seller.viewer.id, seller.viewer.email, '/dashboard/sales');
    const account = (await s.deps.db.selectFrom('connected_accounts').select('account_id').where('creator_id', '=', seller.viewer.id).executeTakeFirstOrThrow()).account_id;
    await postWebhook(s, 'stripe', stripeEvent('account.updated', { id: account, object: 'account', charges_enabled: true, payouts_enabled: true }, { account }));
    const sBare = async () => { const r = await s.app.request('/healthz'); await r.arrayBuffer(); };
    await rate(200, sBare);
    const sBareRate = await rate(EVENTS * 2, sBare);
    const checkoutRate = await rate(EVENTS, async () => {
      const { redirect } = await checkoutItem(s.deps, buyer.viewer, yen, { checkout_key: checkoutKey() });
      if (!redirect.startsWith('https://checkout.stripe.test/')) throw new Error(redirect);
    });
    await s.close();
    await stub.close();

    console.log(`webhooks: bare route GET /healthz ${bareRate.toFixed(0)}/s (local app), ${sBareRate.toFixed(0)}/s (stripe app); ${EVENTS} events, concurrency ${CONCURRENCY}`);
    return [
      { budget: 'webhooks.first', value: webhookRate, baseline: bareRate, detail: `${EVENTS} events, concurrency ${CONCURRENCY}` },
      { budget: 'webhooks.duplicate', value: duplicateRate, baseline: bareRate },
      { budget: 'webhooks.checkout', value: checkoutRate, baseline: sBareRate },
    ];
  } finally {
    await database.stop();
  }
};

if (isMain(import.meta.url)) await runAlone('webhooks', run);
