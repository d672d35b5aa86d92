// PostgreSQL restarted under load. The real web process (src/main.ts, worker inside, as
// `npm start` runs it) on its own embedded PostgreSQL; visitors browse, search, sign in and buy
// with the local provider without pause. The database is stopped (a fast shutdown, as a
// restart does) while they do: every request in the outage must get our own 503 page or JSON
// (or succeed, if it needs no database) — never a 500, a dropped connection or a hang. Then the
// database is started again and nothing is restarted: the app reconnects by itself, and no
// request that starts after the database is back may fail.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HttpSession, startDatabase, startWeb, type BenchDatabase, type WebProcess } from '../../bench/lib.ts';
import type { Database } from '../../src/deps.ts';
import { createKysely, createPool } from '../../src/platform/db.ts';
import { saveLog } from '../support/browser.ts';
import { checkoutKey } from '../support/commerce.ts';
import { poll, type Sample, Traffic } from '../support/traffic.ts';

let database: BenchDatabase;
let web: WebProcess;
let paidItemId = '';
const USER = { username: 'restart_fan', email: 'restart_fan@example.com', password: 'a long enough password' };

before(async () => {
  database = await startDatabase('pg_restart');
  web = await startWeb(database, {
    SEED_DEMO: 'true', RUN_WORKER: 'true', LOG_LEVEL: 'info',
    SIGNUP_RATE_LIMIT: '100000/1h', CHECKOUT_RATE_LIMIT: '100000/1h',
  });
  const pool = createPool(database.url, 1);
  const db = createKysely<Database>(pool);
  const demo = await db.selectFrom('items').innerJoin('users', 'users.id', 'items.creator_id').select(['items.id'])
    .where('users.username', '=', 'demo').where('items.status', '=', 'published').where('items.price_kind', '=', 'fixed').executeTakeFirstOrThrow();
  paidItemId = demo.id;
  await db.destroy();
  const fan = new HttpSession(web.base);
  await fan.page('/signup');
  assert.equal((await fan.form('/signup', USER)).status, 303);
});
after(async () => {
  // The web process's JSON log, for a look after a failure (artifacts/ is git-ignored).
  if (web) saveLog('postgres-restart-web', web.output());
  await web?.stop();
  await database?.stop();
});

/** One visitor's round: browse, sign in, buy. A step that fails ends that action (as a person would give up and try something else). */
async function visit(traffic: Traffic, n: number) {
  const browse = new HttpSession(web.base);
  await traffic.step(browse, 'home', '/', { status: 200 });
  await traffic.step(browse, 'discover', '/discover', { status: 200 });
  await traffic.step(browse, 'search', '/search?q=midnigth', { status: 200 });
  await traffic.step(browse, 'item', `/i/${paidItemId}`, { status: 200 });

  const member = new HttpSession(web.base);
  if (await traffic.step(member, 'login page', '/login', { status: 200 })) {
    if (await traffic.step(member, 'sign-in', '/login', { status: 303, form: { identifier: USER.username, password: USER.password } })) {
      await traffic.step(member, 'library', '/library', { status: 200 });
    }
  }

  const guest = new HttpSession(web.base);
  if (await traffic.step(guest, 'login page', '/login', { status: 200 })) { // the CSRF cookie and token, no database needed
    const started = await traffic.step(guest, 'checkout', `/i/${paidItemId}/checkout`,
      { status: 303, location: /^\/checkout\/test\//, form: { checkout_key: checkoutKey(), email: `restart-guest-${n}@example.com` } });
    if (started) {
      const location = started.headers.get('location')!;
      if (await traffic.step(guest, 'test checkout page', location, { status: 200 })) {
        await traffic.step(guest, 'pay', location, { status: 303, location: /^\/(library|receipt)/, form: { outcome: 'pay' } });
      }
    }
  }
}

test('PostgreSQL restarted under load: 503 pages during the outage, reconnection by itself, no failure afterwards', async (t) => {
  const traffic = new Traffic();
  const visitors = traffic.run(6, (n) => visit(traffic, n));
  const kinds = ['item', 'search', 'sign-in', 'checkout'];
  try {
    // Warm: every visitor got through whole rounds.
    await poll('traffic before the outage', () => traffic.samples.filter((s) => s.ok && s.step === 'pay').length >= 6, 180_000);

    const haltStarted = performance.now();
    await database.halt();
    const halted = performance.now();
    // Keep it down for a while (longer than the pool's 5 s connection timeout and the worker's
    // first restart attempts), and until every kind of request has met the outage a few times.
    await new Promise((r) => setTimeout(r, 8000));
    await poll('503s during the outage', () => kinds.every((k) => traffic.samples.filter((s) => s.step === k && s.status === 503 && s.started >= halted).length >= 3), 180_000);
    const resumeStarted = performance.now();
    await database.resume();
    const back = performance.now();

    // Recovery: the first database-backed page that works again, and then whole rounds.
    await poll('the first page after the restart', () => traffic.samples.some((s) => s.started >= back && s.ok && s.step === 'item'), 120_000);
    const recovered = Math.min(...traffic.samples.filter((s) => s.started >= back && s.ok && s.step === 'item').map((s) => s.ended));
    await poll('rounds after the restart', () => traffic.samples.filter((s) => s.started >= back && s.ok && s.step === 'pay').length >= 12, 180_000);
    traffic.stop();
    await visitors;

    // Everything that overlapped the outage, including requests in flight when it began.
    const during = traffic.samples.filter((s) => s.ended >= haltStarted && s.started < back);
    const afterwards = traffic.samples.filter((s) => s.started >= back);
    const describe = (xs: Sample[]) => xs.slice(0, 10).map((s) => `${s.step} ${s.path}: ${s.status ?? s.error} ${s.problem ?? ''}`).join('\n');

    // During the outage: our 503 (or success) for everything; no 500, no dropped connection, no hang.
    const bad = during.filter((s) => !s.ok && !(s.status === 503 && s.ourPage));
    assert.deepEqual(bad, [], `requests during the outage that got something other than our 503 page:\n${describe(bad)}`);
    const unavailable = during.filter((s) => s.status === 503);
    assert.ok(unavailable.length > 0);
    assert.ok(unavailable.every((s) => s.retryAfter !== null), 'every 503 says when to retry');
    // Before the halt began and after the database was back: nothing failed.
    const early = traffic.samples.filter((s) => s.ended < haltStarted && !s.ok);
    assert.deepEqual(early, [], `failures before the outage:\n${describe(early)}`);
    const late = afterwards.filter((s) => !s.ok);
    assert.deepEqual(late, [], `failures after PostgreSQL was back:\n${describe(late)}`);
    assert.equal(web.child.exitCode, null, 'the web process never restarted');

    // The ledger: one payment per confirmed purchase, none twice; a pay that got a 503 may or may not have committed.
    const pool = createPool(database.url, 1);
    const db = createKysely<Database>(pool);
    try {
      const payments = Number((await db.selectFrom('payments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const doubled = await db.selectFrom('payments').select('order_id').groupBy('order_id').having((eb) => eb.fn.countAll(), '>', 1).execute();
      const confirmed = traffic.samples.filter((s) => s.step === 'pay' && s.ok).length;
      const unsure = traffic.samples.filter((s) => s.step === 'pay' && !s.ok).length;
      assert.deepEqual(doubled, []);
      assert.ok(payments >= confirmed && payments <= confirmed + unsure, `${payments} payments for ${confirmed} confirmed purchases (+${unsure} unanswered)`);

      // The worker inside the web process reconnected too: a sign-up now gets its email delivered.
      const late = new HttpSession(web.base);
      await late.page('/signup');
      assert.equal((await late.form('/signup', { username: 'after_restart', email: 'after_restart@example.com', password: USER.password })).status, 303);
      await poll('the verification email after the restart', async () => {
        const row = await db.selectFrom('mail_outbox').select('status').where('to_address', '=', 'after_restart@example.com').executeTakeFirst();
        return row?.status === 'mailbox';
      }, 120_000);
    } finally {
      await db.destroy();
    }

    const logs = web.output();
    assert.match(logs, /"msg":"database unavailable"/, 'the outage is logged');
    const unhandled = logs.split('\n').filter((l) => l.includes('"msg":"unhandled error"'));
    assert.deepEqual(unhandled.map((l) => l.slice(0, 1000)), [], 'nothing became a 500');

    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    t.diagnostic(`outage ${s(back - haltStarted)} (stop ${s(halted - haltStarted)}, down ${s(resumeStarted - halted)}, start ${s(back - resumeStarted)}); `
      + `first page ${s(recovered - back)} after PostgreSQL accepted connections; requests: ${traffic.samples.length} in all, `
      + `${during.length} during the outage (${unavailable.length} answered 503), ${afterwards.length} after it, all succeeded`);
  } finally {
    traffic.stop();
    await visitors.catch(() => {});
  }
});
