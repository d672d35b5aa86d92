import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from './config.ts';

test('defaults give a working development setup', () => {
  const c = parseConfig({}, '/srv/app');
  assert.equal(c.env, 'development');
  assert.equal(c.port, 3000);
  assert.equal(c.dataDir, '/srv/app/data');
  assert.equal(c.databaseUrl, null);
  assert.equal(c.baseUrl, 'http://localhost:3000');
  assert.equal(c.seedDemo, true);
});

test('every bad key is named in one error', () => {
  try {
    parseConfig({ PORT: 'eighty', WORKER_CONCURRENCY: '-1', DATABASE_URL: 'mysql://x', APP_ENV: 'staging', RUN_WORKER: 'maybe' });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    for (const key of ['PORT', 'WORKER_CONCURRENCY', 'DATABASE_URL', 'APP_ENV', 'RUN_WORKER']) {
      assert.ok(err.problems.some((p) => p.startsWith(key)), `missing problem for ${key}: ${err.message}`);
    }
  }
});

test('production refuses the development secret and a missing SMTP server', () => {
  assert.throws(() => parseConfig({ APP_ENV: 'production' }), (err: ConfigError) =>
    err.problems.some((p) => p.startsWith('APP_SECRET')) && err.problems.some((p) => p.startsWith('SMTP_URL')));
  const ok = parseConfig({ APP_ENV: 'production', APP_SECRET: 'x'.repeat(40), SMTP_URL: 'smtp://mail:25', BASE_URL: 'https://makenot.work/',
    STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_abc123' });
  assert.equal(ok.baseUrl, 'https://makenot.work');
  assert.equal(ok.seedDemo, false);
});

test('Stripe takes the account endpoint\'s secret, the Connect endpoint\'s, or both; at least one', () => {
  const stripe = { PAYMENTS_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_abc123' };
  assert.deepEqual(parseConfig({ ...stripe, STRIPE_CONNECT_WEBHOOK_SECRET: 'whsec_connect1' }).payments,
    { provider: 'stripe', stripeSecretKey: 'sk_test_abc123', stripeWebhookSecret: null, stripeConnectWebhookSecret: 'whsec_connect1', stripeApi: null });
  const both = parseConfig({ ...stripe, STRIPE_WEBHOOK_SECRET: 'whsec_account1', STRIPE_CONNECT_WEBHOOK_SECRET: 'whsec_connect1' }).payments;
  assert.deepEqual([both.stripeWebhookSecret, both.stripeConnectWebhookSecret], ['whsec_account1', 'whsec_connect1']);
  assert.throws(() => parseConfig(stripe), (err: ConfigError) => err.problems.some((p) => p.includes('STRIPE_CONNECT_WEBHOOK_SECRET')));
  assert.throws(() => parseConfig({ ...stripe, STRIPE_WEBHOOK_SECRET: 'whsec_ok1', STRIPE_CONNECT_WEBHOOK_SECRET: 'sk_test_wrong_key' }),
    (err: ConfigError) => err.problems.some((p) => p.startsWith('STRIPE_CONNECT_WEBHOOK_SECRET must be')));
});

test('CLAMD_URL: tcp, unix socket or an absolute path; anything else is named', () => {
  assert.equal(parseConfig({}).clamd, null);
  assert.deepEqual(parseConfig({ CLAMD_URL: 'tcp://clamav.internal:3310' }).clamd, { host: 'clamav.internal', port: 3310 });
  assert.deepEqual(parseConfig({ CLAMD_URL: 'tcp://[::1]:3310' }).clamd, { host: '::1', port: 3310 });
  assert.deepEqual(parseConfig({ CLAMD_URL: 'unix:///run/clamav/clamd.ctl' }).clamd, { path: '/run/clamav/clamd.ctl' });
  assert.deepEqual(parseConfig({ CLAMD_URL: '/run/clamav/clamd.ctl' }).clamd, { path: '/run/clamav/clamd.ctl' });
  for (const bad of ['clamav:3310', 'tcp://host', 'tcp://host:99999', 'http://host:3310']) {
    assert.throws(() => parseConfig({ CLAMD_URL: bad }), (err: ConfigError) => err.problems.some((p) => p.startsWith('CLAMD_URL')), bad);
  }
});
