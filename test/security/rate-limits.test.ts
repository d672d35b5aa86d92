// Abuse limits with the shipped defaults: log-in (accounts' lockout), sign-up and checkout per
// client address answer 429 with Retry-After and a page saying when to try again. The counters
// live in PostgreSQL, so two app instances on one database count together; other addresses
// are not affected.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../../src/app.tsx';
import { editProject } from '../../src/modules/catalog/projects-service.ts';
import { parseConfig } from '../../src/platform/config.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { TestClient } from '../support/client.ts';
import { checkoutKey } from '../support/commerce.ts';
import { publishedProject, signUpCreator } from '../support/factories.ts';

const DEFAULTS = parseConfig({}).rateLimits;
let t: TestApp;
let second: ReturnType<typeof createApp>;
before(async () => {
  // The shipped defaults (the harness raises them for other tests), client addresses from the proxy.
  t = await createTestApp({ SIGNUP_RATE_LIMIT: '', CHECKOUT_RATE_LIMIT: '', TRUST_PROXY: 'true' });
  assert.deepEqual(t.deps.config.rateLimits, DEFAULTS);
  // A second app instance on the same database, as behind a load balancer.
  second = createApp(t.deps);
});
after(() => t.close());

const browser = (app: TestApp['app'], ip: string) => new TestClient(app, { 'x-forwarded-for': ip, 'user-agent': 'Mozilla/5.0 Firefox/120.0' });

function assertLimited(res: Response & { html: string }, windowSeconds: number) {
  assert.equal(res.status, 429);
  const retry = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= windowSeconds, `Retry-After: ${res.headers.get('retry-after')}`);
  assert.match(res.html, /try again in \d+ minutes?/i);
}

describe('rate limits', () => {
  test('sign-up: the default per address, shared by two app instances; other addresses unaffected', async () => {
    assert.deepEqual(DEFAULTS.signup, { count: 10, windowSeconds: 3600 });
    const ip = '203.0.113.20';
    for (let i = 0; i < DEFAULTS.signup.count; i++) {
      const c = browser(i % 2 ? second : t.app, ip); // alternate instances
      await c.get('/signup');
      const res = await c.post('/signup', { username: `limited_${i}`, email: `limited_${i}@example.com`, password: 'a long enough password' });
      assert.equal(res.status, 303, `sign-up ${i + 1}`);
    }
    for (const app of [t.app, second]) {
      const c = browser(app, ip);
      await c.get('/signup');
      assertLimited(await c.post('/signup', { username: 'one_too_many', email: 'one_too_many@example.com', password: 'a long enough password' }), 3600);
    }
    assert.equal(await t.deps.db.selectFrom('users').select('id').where('username', '=', 'one_too_many').executeTakeFirst(), undefined, 'no account was made');
    const elsewhere = browser(t.app, '203.0.113.21');
    await elsewhere.get('/signup');
    assert.equal((await elsewhere.post('/signup', { username: 'from_elsewhere', email: 'elsewhere@example.com', password: 'a long enough password' })).status, 303);
  });

  test('sign-up: failed attempts do not count as accounts created; they have their own, looser limit', async () => {
    const ip = '203.0.113.22';
    const c = browser(t.app, ip);
    await c.get('/signup');
    // More refused forms than the accounts limit: each is a 422 about the form, never the limit.
    for (let i = 0; i < DEFAULTS.signup.count + 2; i++) {
      const res = await c.post('/signup', { username: `typo_${i}`, email: `typo_${i}@example.com`, password: 'short' });
      assert.equal(res.status, 422, `failed attempt ${i + 1}`);
      assert.doesNotMatch(res.html, /Too many/);
    }
    // The accounts limit is still whole: all ten sign-ups go through, the eleventh is refused.
    for (let i = 0; i < DEFAULTS.signup.count; i++) {
      const ok = browser(t.app, ip);
      await ok.get('/signup');
      assert.equal((await ok.post('/signup', { username: `real_${i}`, email: `real_${i}@example.com`, password: 'a long enough password' })).status, 303, `sign-up ${i + 1}`);
    }
    const late = await c.post('/signup', { username: 'real_late', email: 'real_late@example.com', password: 'a long enough password' });
    assertLimited(late, 3600);
    assert.match(late.html, /Too many accounts were created from your network/);

    // Attempts alone: five times the accounts limit, then refused as attempts.
    const prober = browser(t.app, '203.0.113.23');
    await prober.get('/signup');
    for (let i = 0; i < DEFAULTS.signup.count * 5; i++) {
      assert.equal((await prober.post('/signup', { username: `probe_${i}`, email: `probe_${i}@example.com`, password: 'short' })).status, 422, `probe ${i + 1}`);
    }
    const probe = await prober.post('/signup', { username: 'probe_last', email: 'probe_last@example.com', password: 'a long enough password' });
    assertLimited(probe, 3600);
    assert.match(probe.html, /Too many sign-up attempts were made from your network/);
  });

  test('sign-up: a burst of refused forms near the limit is taken back, so the last account can still be created', async () => {
    const ip = '203.0.113.24';
    for (let i = 0; i < DEFAULTS.signup.count - 1; i++) {
      const ok = browser(t.app, ip);
      await ok.get('/signup');
      assert.equal((await ok.post('/signup', { username: `near_${i}`, email: `near_${i}@example.com`, password: 'a long enough password' })).status, 303, `sign-up ${i + 1}`);
    }
    // Six bad forms at the same moment: each is counted first, so most of them see the window
    // over its limit and are refused with 429; none of them created an account.
    const forms = await Promise.all(Array.from({ length: 6 }, async (_, i) => {
      const c = browser(t.app, ip);
      await c.get('/signup');
      return c.post('/signup', { username: `burst_${i}`, email: `burst_${i}@example.com`, password: 'short' });
    }));
    assert.ok(forms.every((r) => r.status === 422 || r.status === 429), forms.map((r) => r.status).join(' '));
    // The tenth account of the window still goes through, then the limit holds.
    const last = browser(t.app, ip);
    await last.get('/signup');
    assert.equal((await last.post('/signup', { username: 'near_last', email: 'near_last@example.com', password: 'a long enough password' })).status, 303);
    const over = await last.post('/signup', { username: 'near_over', email: 'near_over@example.com', password: 'a long enough password' });
    assertLimited(over, 3600);
  });

  test('checkout: the default per address, across instances, for items, albums and tips', async () => {
    assert.deepEqual(DEFAULTS.checkout, { count: 30, windowSeconds: 600 });
    const creator = await signUpCreator(t);
    const { project, itemIds: [item = ''] } = await publishedProject(t, creator, 'Limited', [{ type: 'download', title: 'Popular', fields: { price_kind: 'fixed', price_amount: '3' } }]);
    await editProject(t.deps, creator.viewer, project.id, { title: 'Limited', description: '', status: 'published', price_kind: 'fixed', price_amount: '5' });
    const ip = '203.0.113.30';
    const guest = browser(t.app, ip);
    await guest.get(`/i/${item}`);
    const other = browser(second, ip);
    await other.get(`/i/${item}`);
    for (let i = 0; i < DEFAULTS.checkout.count; i++) {
      const c = i % 2 ? other : guest;
      const res = await c.post(`/i/${item}/checkout`, { checkout_key: checkoutKey(), email: `buyer${i}@example.com` });
      assert.equal(res.status, 303, `checkout ${i + 1}: ${res.html.slice(0, 200)}`);
    }
    const orders = async () => (await t.deps.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = await orders();
    assertLimited(await guest.post(`/i/${item}/checkout`, { checkout_key: checkoutKey(), email: 'late@example.com' }), 600);
    await other.get(`/tip/${creator.viewer.username}`);
    assertLimited(await other.post(`/tip/${creator.viewer.username}`, { checkout_key: checkoutKey(), amount: '2', email: 'late@example.com' }), 600);
    assertLimited(await other.post(`/projects/${project.id}/checkout`, { checkout_key: checkoutKey(), email: 'late@example.com' }), 600);
    assert.equal(await orders(), before, 'no order was started');
    const elsewhere = browser(t.app, '203.0.113.31');
    await elsewhere.get(`/i/${item}`);
    assert.equal((await elsewhere.post(`/i/${item}/checkout`, { checkout_key: checkoutKey(), email: 'elsewhere@example.com' })).status, 303);
  });

  test('log-in: five wrong passwords lock the account with 429 and Retry-After', async () => {
    const c = browser(t.app, '203.0.113.40');
    await c.get('/signup');
    await c.post('/signup', { username: 'lock_me', email: 'lock_me@example.com', password: 'a long enough password' });
    const thief = browser(second, '203.0.113.41');
    await thief.get('/login');
    for (let i = 0; i < 5; i++) assert.equal((await thief.post('/login', { identifier: 'lock_me', password: `wrong ${i}` })).status, 422);
    const locked = await thief.post('/login', { identifier: 'lock_me', password: 'a long enough password' });
    assert.equal(locked.status, 429);
    const retry = Number(locked.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 15 * 60, `Retry-After: ${retry}`);
    assert.match(locked.html, /wait \d+ minutes?/);
  });
});
