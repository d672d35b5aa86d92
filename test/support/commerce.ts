// Commerce test support: a local HTTP stub of the Stripe API (the real SDK talks to it through
// its host/port/protocol options), Stripe-shaped events signed with the SDK's own test helper,
// and small helpers to post webhooks and find the newest order.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { TestApp } from './app.ts';

export const STRIPE_WEBHOOK_SECRET = 'whsec_test_secret_for_the_stub';
/** The Connect endpoint's own signing secret (events on connected accounts). */
export const STRIPE_CONNECT_WEBHOOK_SECRET = 'whsec_test_connect_secret_for_the_stub';
export const stripeEnv = (stub: StripeStub) => ({
  PAYMENTS_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_stub123', STRIPE_WEBHOOK_SECRET, STRIPE_CONNECT_WEBHOOK_SECRET, STRIPE_API_BASE: stub.url,
});

export interface StubRequest { method: string; path: string; headers: http.IncomingHttpHeaders; form: URLSearchParams }

/** A balance transaction as Stripe lists it; source is an id unless the caller expands data.source. */
export interface StubBalanceTransaction { amount: number; currency: string; type: string; fee?: number; source?: { id: string } & Record<string, unknown> }

export interface StripeStub {
  url: string;
  requests: StubRequest[];
  /** What GET /v1/balance_transactions returns (per Stripe-Account). */
  balanceTransactions: Map<string, StubBalanceTransaction[]>;
  /** Refuse the next n POSTs to a path (a 402 card_error, not replayed), e.g. to break a checkout. */
  refuse: Map<string, number>;
  close(): Promise<void>;
}

/** Just enough of the Stripe API for our calls; replays a response for a repeated Idempotency-Key like Stripe does. */
export async function startStripeStub(): Promise<StripeStub> {
  const requests: StubRequest[] = [];
  const balanceTransactions = new Map<string, StubBalanceTransaction[]>();
  const replay = new Map<string, string>();
  const refuse = new Map<string, number>();
  let seq = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const form = new URLSearchParams(req.method === 'GET' ? url.search : body);
      requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, form });
      const key = req.headers['idempotency-key'];
      const send = (status: number, obj: unknown) => {
        const json = JSON.stringify(obj);
        if (typeof key === 'string') replay.set(`${req.url}|${key}`, json);
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${++seq}` }).end(json);
      };
      if (typeof key === 'string' && replay.has(`${req.url}|${key}`)) {
        res.writeHead(200, { 'content-type': 'application/json', 'idempotent-replayed': 'true' }).end(replay.get(`${req.url}|${key}`));
        return;
      }
      const refusals = refuse.get(url.pathname) ?? 0;
      if (req.method === 'POST' && refusals > 0) {
        refuse.set(url.pathname, refusals - 1);
        res.writeHead(402, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'card_error', message: 'refused by the stub' } }));
        return;
      }
      const n = ++seq;
      if (req.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
        const id = `cs_test_${n}`;
        return send(200, { id, object: 'checkout.session', url: `https://checkout.stripe.test/${id}`, mode: 'payment',
          amount_total: Number(form.get('line_items[0][price_data][unit_amount]')), currency: form.get('line_items[0][price_data][currency]'),
          metadata: { order_id: form.get('metadata[order_id]') }, payment_status: 'unpaid' });
      }
      if (req.method === 'POST' && url.pathname === '/v1/refunds') return send(200, { id: `re_${n}`, object: 'refund', status: 'succeeded', payment_intent: form.get('payment_intent') });
      if (req.method === 'POST' && url.pathname === '/v1/accounts') return send(200, { id: `acct_stub${n}`, object: 'account', charges_enabled: false, payouts_enabled: false });
      if (req.method === 'POST' && url.pathname === '/v1/account_links') return send(200, { object: 'account_link', url: `https://connect.stripe.test/setup/${n}` });
      if (req.method === 'GET' && url.pathname === '/v1/balance_transactions') {
        const account = String(req.headers['stripe-account'] ?? '');
        const expanded = [...form].some(([k, v]) => k.startsWith('expand') && v === 'data.source');
        const data = (balanceTransactions.get(account) ?? []).map((t, i) => ({
          id: `txn_${i}`, object: 'balance_transaction', fee: 0, net: t.amount - (t.fee ?? 0), ...t,
          source: t.source ? (expanded ? t.source : t.source.id) : null,
        }));
        return send(200, { object: 'list', url: '/v1/balance_transactions', has_more: false, data });
      }
      send(404, { error: { type: 'invalid_request_error', message: `stub has no ${req.method} ${url.pathname}` } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    balanceTransactions,
    refuse,
    close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

const sdk = new Stripe('sk_test_signing_only');
let eventSeq = 0;

/** A Stripe-Signature header for a body, made by the SDK's own helper (any secret, any signing time). */
export function signStripePayload(body: string, opts: { secret?: string; timestamp?: number } = {}) {
  return sdk.webhooks.generateTestHeaderString({ payload: body, secret: opts.secret ?? STRIPE_WEBHOOK_SECRET, timestamp: opts.timestamp ?? Math.floor(Date.now() / 1000) });
}

/** A Stripe-shaped event's JSON body, unsigned (sign it with signStripePayload when it is sent). */
export function stripeEventBody(type: string, object: Record<string, unknown>, opts: { id?: string; account?: string; created?: number } = {}) {
  const created = opts.created ?? Math.floor(Date.now() / 1000);
  return JSON.stringify({ id: opts.id ?? `evt_test_${Date.now()}_${++eventSeq}`, object: 'event', type, created, api_version: '2025-01-01',
    livemode: false, pending_webhooks: 1, request: null, ...(opts.account ? { account: opts.account } : {}), data: { object } });
}

/** A Stripe-shaped event and its Stripe-Signature header, signed by the SDK's own helper. */
export function stripeEvent(type: string, object: Record<string, unknown>, opts: { id?: string; account?: string; timestamp?: number; secret?: string } = {}) {
  const created = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const body = stripeEventBody(type, object, { ...opts, created });
  return { body, headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(body, { secret: opts.secret, timestamp: created }) } };
}

export function postWebhook(t: TestApp, provider: string, d: { body: string; headers: Record<string, string> }) {
  return t.app.request(`/webhooks/${provider}`, { method: 'POST', body: d.body, headers: d.headers });
}

/** Rows in every ledger table: "nothing stored" means none of these moved. */
export async function ledgerCounts(t: TestApp) {
  const count = async (table: 'orders' | 'payments' | 'refunds' | 'disputes' | 'webhook_events' | 'payouts') =>
    Number((await t.deps.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { orders: await count('orders'), payments: await count('payments'), refunds: await count('refunds'),
    disputes: await count('disputes'), events: await count('webhook_events'), payouts: await count('payouts') };
}

export function latestOrder(t: TestApp, itemTitleOrCreator?: { creatorId: string }) {
  let q = t.deps.db.selectFrom('orders').selectAll().orderBy('created_at', 'desc');
  if (itemTitleOrCreator) q = q.where('creator_id', '=', itemTitleOrCreator.creatorId);
  return q.executeTakeFirstOrThrow();
}

export const checkoutKey = () => `k${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`.padEnd(20, '0');

/** Connects a creator's Stripe account through the dashboard and turns charges on with account.updated. */
export async function connectStripeCreator(t: TestApp, creator: { client: { get(p: string): Promise<unknown>; post(p: string): Promise<unknown> }; viewer: { id: string } }) {
  await creator.client.get('/dashboard/sales');
  await creator.client.post('/dashboard/payments/connect');
  const { account_id: account } = await t.deps.db.selectFrom('connected_accounts').select('account_id').where('creator_id', '=', creator.viewer.id).executeTakeFirstOrThrow();
  const res = await postWebhook(t, 'stripe', stripeEvent('account.updated', { id: account, object: 'account', charges_enabled: true, payouts_enabled: true }, { account }));
  if (res.status !== 200) throw new Error(`account.updated refused: ${res.status}`);
  return account;
}

/** A checkout form posted through the app (item, album or tip path); returns the order behind the Stripe session it redirected to. */
export async function stripeCheckout(t: TestApp, buyer: { client: { get(p: string): Promise<unknown>; post(p: string, f: Record<string, string>): Promise<Response & { html: string }> } },
  pagePath: string, postPath: string, form: Record<string, string> = {}) {
  await buyer.client.get(pagePath);
  const res = await buyer.client.post(postPath, { checkout_key: checkoutKey(), ...form });
  const location = res.headers.get('location') ?? '';
  const sessionId = /checkout\.stripe\.test\/(cs_test_\d+)$/.exec(location)?.[1];
  if (res.status !== 303 || !sessionId) throw new Error(`expected a redirect to Stripe, got ${res.status} ${location} ${res.html.slice(0, 300)}`);
  const order = await t.deps.db.selectFrom('orders').selectAll().where('session_id', '=', sessionId).executeTakeFirstOrThrow();
  return { order, sessionId, location };
}

/** The data.object of a checkout.session.* event for an order (payment_status 'unpaid' for async methods still pending). */
export const sessionObject = (s: { id: string; orderId: string; amount: number; currency: string; pi: string; status?: string }) => ({
  id: s.id, object: 'checkout.session', client_reference_id: s.orderId, metadata: { order_id: s.orderId },
  amount_total: s.amount, currency: s.currency.toLowerCase(), payment_status: s.status ?? 'paid', payment_intent: s.pi, mode: 'payment' });

/** The data.object of charge.refunded: amount_refunded is the charge's cumulative refunded amount. */
export const refundObject = (r: { charge: string; pi: string; amount: number; refunded: number; currency: string; orderId?: string }) => ({
  id: r.charge, object: 'charge', amount: r.amount, amount_refunded: r.refunded, currency: r.currency.toLowerCase(),
  payment_intent: r.pi, metadata: r.orderId ? { order_id: r.orderId } : {} });

/** The data.object of charge.dispute.*. */
export const disputeObject = (d: { id: string; pi: string; amount: number; currency: string; status: string }) => ({
  id: d.id, object: 'dispute', amount: d.amount, currency: d.currency.toLowerCase(), status: d.status, payment_intent: d.pi, charge: `ch_${d.pi}`, metadata: {} });

/** checkout.session.* for an order, as Stripe sends it from the connected account. */
export function sessionEvent(type: string, s: { id: string; orderId: string; amount: number; currency: string; pi: string; status?: string },
  opts: { account?: string; secret?: string; timestamp?: number; id?: string } = {}) {
  return stripeEvent(type, sessionObject(s), opts);
}

export const refundEvent = (r: { charge: string; pi: string; amount: number; refunded: number; currency: string; orderId?: string }, opts: { account?: string; id?: string } = {}) =>
  stripeEvent('charge.refunded', refundObject(r), opts);

export const disputeEvent = (type: 'charge.dispute.created' | 'charge.dispute.closed', d: { id: string; pi: string; amount: number; currency: string; status: string }, opts: { account?: string; id?: string } = {}) =>
  stripeEvent(type, disputeObject(d), opts);
