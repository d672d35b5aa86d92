// Route tests: the real app on a real database, through app.request() with a cookie jar.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { TestClient } from '../../../test/support/client.ts';
import { setAdminRole } from './service.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

const client = () => new TestClient(t.app, { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0' });
let counter = 0;
const unique = () => `user${++counter}_${Date.now().toString(36)}`;

async function signUp(c: TestClient, fields: Partial<Record<'username' | 'email' | 'password', string>> = {}) {
  const username = fields.username ?? unique();
  await c.get('/signup');
  const res = await c.post('/signup', { username, email: fields.email ?? `${username}@example.com`, password: fields.password ?? 'a long enough password' });
  return { res, username };
}

const userCount = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM users`.execute(t.deps.db)).rows[0]!.n);
const mailsTo = (to: string) => t.deps.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).orderBy('created_at').execute();
const linkIn = (text: string, path: string) => new URL(new RegExp(`https?://\\S+${path}\\?token=[\\w-]+`).exec(text)![0]).pathname + new URL(new RegExp(`https?://\\S+${path}\\?token=[\\w-]+`).exec(text)![0]).search;

describe('sign-up', () => {
  test('creates the account, signs in, and queues a verification mail that works exactly once', async () => {
    const c = client();
    const { res, username } = await signUp(c);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/account');
    assert.ok(c.cookies.get('mnw_session'));
    const account = await c.get('/account');
    assert.equal(account.status, 200);
    assert.match(account.html, new RegExp(`@${username}`));
    assert.match(account.html, /not confirmed yet/);

    await t.drainJobs();
    const [mail] = await mailsTo(`${username}@example.com`);
    assert.equal(mail?.status, 'mailbox');
    const link = linkIn(mail!.body_text, '/verify-email');
    const landing = await c.get(link);
    assert.equal(landing.status, 200);
    assert.match(landing.html, /Confirm my email address/);
    assert.match((await c.get('/account')).html, /not confirmed yet/, 'opening the link (a mail scanner) uses nothing up');
    await c.get(link);
    assert.equal((await c.post(link)).status, 200);
    assert.match((await c.get('/account')).html, /confirmed<\/span>/);
    const again = await c.post(link);
    assert.equal(again.status, 422, 'a verification link works once');
    assert.match(again.html, /already confirmed/);
    assert.equal((await c.get(link)).status, 422);
  });

  test('usernames and emails are unique across case and width', async () => {
    const base = unique();
    assert.equal((await signUp(client(), { username: base, email: `${base}@example.com` })).res.status, 303);
    const before = await userCount();
    for (const variant of [base.toUpperCase(), base.replace(/[a-z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))]) {
      const { res } = await signUp(client(), { username: variant, email: `${unique()}@example.com` });
      assert.equal(res.status, 422);
      assert.match(res.html, /already taken/);
    }
    const { res } = await signUp(client(), { email: `${base.toUpperCase()}@EXAMPLE.com` });
    assert.equal(res.status, 422);
    assert.match(res.html, /already exists/);
    assert.equal(await userCount(), before);
  });

  test('bad input gets a clear message and creates nothing', async () => {
    const before = await userCount();
    const cases: [Record<string, string>, RegExp][] = [
      [{ username: 'admin' }, /reserved/],
      [{ username: 'x'.repeat(10_000) }, /at most 30 characters/],
      [{ email: 'not-an-email' }, /valid email/],
      [{ email: `${'e'.repeat(10_000)}@example.com` }, /at most 254 characters/],
      [{ password: 'p'.repeat(10_000) }, /at most 128 characters/],
      [{ password: 'password123' }, /most common/],
      [{ username: 'nul\u0000name' }, /control characters/],
      [{ email: 'nul\u0000@example.com' }, /control characters/],
      [{ password: 'long enough\u0000password' }, /NUL/],
      [{ username: '' }, /required/],
    ];
    for (const [fields, message] of cases) {
      const { res } = await signUp(client(), fields);
      assert.equal(res.status, 422, JSON.stringify(fields).slice(0, 60));
      assert.match(res.html, message);
      assert.ok(res.html.length < 30_000, 'a huge field is not echoed back whole');
    }
    assert.equal(await userCount(), before);
  });

  test('a form posted without or with a wrong CSRF token is refused and changes nothing', async () => {
    const before = await userCount();
    const c = client();
    await c.get('/signup');
    const username = unique();
    const fields = { username, email: `${username}@example.com`, password: 'a long enough password' };
    assert.equal((await c.post('/signup', { ...fields, _csrf: '' })).status, 403);
    assert.equal((await c.post('/signup', { ...fields, _csrf: 'forged' })).status, 403);
    const stranger = client(); // a cross-site form: the victim's cookies, but no way to know the token
    stranger.cookies = new Map(c.cookies);
    assert.equal((await stranger.send('/signup', { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status, 403);
    assert.equal(await userCount(), before);
  });
});

describe('log-in and sessions', () => {
  test('unknown account and wrong password get the same answer', async () => {
    const { username } = await signUp(client());
    const wrong = client();
    await wrong.get('/login');
    const a = await wrong.post('/login', { identifier: username, password: 'not the password' });
    const b = await wrong.post('/login', { identifier: `nobody_${unique()}`, password: 'not the password' });
    assert.equal(a.status, 422);
    assert.equal(b.status, 422);
    const message = (html: string) => /role="alert">([^<]+)</.exec(html)?.[1];
    assert.equal(message(a.html), message(b.html));
    assert.match(message(a.html) ?? '', /do not match/);
  });

  test('log in by username or email (any case), log out, and the old cookie is dead', async () => {
    const { username } = await signUp(client());
    for (const identifier of [username.toUpperCase(), `${username}@EXAMPLE.COM`]) {
      const c = client();
      await c.get('/login');
      const res = await c.post('/login', { identifier, password: 'a long enough password' });
      assert.equal(res.status, 303, identifier);
      const stolen = c.cookies.get('mnw_session')!;
      await c.post('/logout');
      assert.equal(c.cookies.get('mnw_session'), undefined);
      const replay = client();
      replay.cookies.set('mnw_session', stolen);
      const page = await replay.get('/account');
      assert.equal(page.status, 303, 'a logged-out session cookie no longer works');
      assert.match(page.headers.get('location') ?? '', /^\/login/);
    }
  });

  test('a session id planted before login is never adopted (fixation)', async () => {
    const { username } = await signUp(client());
    const c = client();
    const planted = 'A'.repeat(43);
    c.cookies.set('mnw_session', planted);
    await c.get('/login');
    await c.post('/login', { identifier: username, password: 'a long enough password' });
    assert.notEqual(c.cookies.get('mnw_session'), planted);
    const attacker = client();
    attacker.cookies.set('mnw_session', planted);
    assert.equal((await attacker.get('/account')).status, 303);
  });

  test('lockout after repeated failures, with Retry-After, for existing and unknown accounts alike', async () => {
    const { username } = await signUp(client());
    for (const identifier of [username, `ghost_${unique()}`]) {
      const c = client();
      await c.get('/login');
      for (let i = 0; i < 5; i++) assert.equal((await c.post('/login', { identifier, password: 'wrong password!' })).status, 422);
      const locked = await c.post('/login', { identifier, password: 'a long enough password' });
      assert.equal(locked.status, 429, 'even the right password waits out the lock');
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
      assert.match(locked.html, /Too many failed attempts/);
    }
  });

  test('lockout per address across many usernames', async () => {
    const proxied = await createTestApp({ TRUST_PROXY: 'true' });
    try {
      const c = new TestClient(proxied.app, { 'x-forwarded-for': '203.0.113.9' });
      await c.get('/login');
      let last = 0;
      for (let i = 0; i < 101; i++) last = (await c.post('/login', { identifier: `guess${i}`, password: 'wrong password!' })).status;
      assert.equal(last, 429);
      const other = new TestClient(proxied.app, { 'x-forwarded-for': '203.0.113.10' });
      await other.get('/login');
      assert.equal((await other.post('/login', { identifier: 'guess0', password: 'wrong password!' })).status, 422, 'another address is not locked');
    } finally {
      await proxied.close();
    }
  });

  test('the sessions page lists devices and revokes one; another user\'s session id changes nothing', async () => {
    const { username } = await signUp(client());
    const laptop = client();
    await laptop.get('/login');
    await laptop.post('/login', { identifier: username, password: 'a long enough password' });
    const phone = new TestClient(t.app, { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1' });
    await phone.get('/login');
    await phone.post('/login', { identifier: username, password: 'a long enough password' });

    const page = await laptop.get('/account');
    assert.match(page.html, /Safari on iOS/);
    assert.match(page.html, /this device/);
    const ids = [...page.html.matchAll(/\/account\/sessions\/([0-9a-f-]{36})\/revoke/g)].map((m) => m[1]!);
    assert.equal(ids.length, 3, 'sign-up session, laptop and phone');

    // Someone else tries to revoke these sessions by id.
    const intruder = client();
    await signUp(intruder);
    for (const id of ids) await intruder.post(`/account/sessions/${id}/revoke`);
    assert.equal((await phone.get('/account')).status, 200, 'another user cannot revoke my sessions');

    const res = await laptop.post('/account/sessions/revoke-others');
    assert.equal(res.status, 303);
    assert.equal((await phone.get('/account')).status, 303, 'the phone is signed out');
    assert.equal((await laptop.get('/account')).status, 200, 'this device stays signed in');
  });

  test('a privilege change rotates the session id', async () => {
    const { username } = await signUp(client());
    const c = client();
    await c.get('/login');
    await c.post('/login', { identifier: username, password: 'a long enough password' });
    const before = c.cookies.get('mnw_session')!;
    assert.equal(await setAdminRole(t.deps, username, true), true);
    const page = await c.get('/account');
    assert.equal(page.status, 200);
    assert.match(page.html, /admin/);
    const after = c.cookies.get('mnw_session')!;
    assert.notEqual(after, before);
    const old = client();
    old.cookies.set('mnw_session', before);
    assert.equal((await old.get('/account')).status, 303, 'the pre-change id is dead');
  });
});

describe('password reset', () => {
  test('reset by email: single use, signs out everywhere, unknown emails look the same', async () => {
    const signedIn = client();
    const { username } = await signUp(signedIn);
    const c = client();
    await c.get('/password/forgot');
    const known = await c.post('/password/forgot', { email: `${username.toUpperCase()}@example.com` });
    const unknown = await c.post('/password/forgot', { email: `nobody_${unique()}@example.com` });
    assert.equal(known.status, 200);
    assert.equal(unknown.status, 200);
    const sent = /<p class="card" role="status">([^<]+)/;
    assert.equal(sent.exec(known.html)?.[1], sent.exec(unknown.html)?.[1]);

    await t.drainJobs();
    const mails = await mailsTo(`${username}@example.com`);
    const reset = mails.find((m) => m.subject.includes('Reset'))!;
    const link = linkIn(reset.body_text, '/password/reset');
    const form = await c.get(link);
    assert.equal(form.status, 200);
    assert.equal((await c.post(link, { password: 'short' })).status, 422);
    const done = await c.post(link, { password: 'a brand new password' });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), '/login');
    assert.equal((await signedIn.get('/account')).status, 303, 'old sessions are gone');
    assert.equal((await c.post(link, { password: 'another new password' })).status, 422, 'a reset link works once');

    const login = client();
    await login.get('/login');
    assert.equal((await login.post('/login', { identifier: username, password: 'a long enough password' })).status, 422);
    assert.equal((await login.post('/login', { identifier: username, password: 'a brand new password' })).status, 303);
  });

  test('an expired reset token is refused', async () => {
    const { username } = await signUp(client());
    const c = client();
    await c.get('/password/forgot');
    await c.post('/password/forgot', { email: `${username}@example.com` });
    const mails = await mailsTo(`${username}@example.com`);
    const link = linkIn(mails.find((m) => m.subject.includes('Reset'))!.body_text, '/password/reset');
    await sql`UPDATE account_tokens SET expires_at = now() - interval '1 minute' WHERE purpose = 'reset_password'`.execute(t.deps.db);
    assert.equal((await c.get(link)).status, 422);
    assert.equal((await c.post(link, { password: 'a brand new password' })).status, 422);
    assert.equal((await c.get('/password/reset?token=' + 'x'.repeat(5000))).status, 422);
  });
});

describe('the shell', () => {
  test('security headers, 404 page, health endpoints', async () => {
    const c = client();
    const home = await c.get('/');
    assert.equal(home.status, 200);
    assert.match(home.headers.get('content-security-policy') ?? '', /script-src 'self'.*frame-ancestors 'none'/);
    assert.equal(home.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(home.headers.get('referrer-policy'));
    assert.equal(home.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
    assert.match(home.html, /^<!DOCTYPE html>/);
    assert.match(home.html, /href="\/signup"/);
    const missing = await c.get('/no/such/page');
    assert.equal(missing.status, 404);
    assert.match(missing.html, /Page not found/);
    assert.deepEqual(await (await c.get('/healthz')).json(), { status: 'ok' });
    const ready = await (await c.get('/readyz')).json() as { database: string };
    assert.equal(ready.database, 'up');
    const css = await c.get('/static/app.css');
    assert.equal(css.status, 200);
    assert.equal((await c.get('/static/app.css', { 'if-none-match': css.headers.get('etag')! })).status, 304);
  });

  test('HTTPS deployments get Secure cookies and HSTS', async () => {
    const secure = await createTestApp({ BASE_URL: 'https://makenot.example' });
    try {
      const res = await secure.app.request('/');
      assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=/);
      assert.match(res.headers.get('set-cookie') ?? '', /Secure/);
    } finally {
      await secure.close();
    }
  });
});

describe('hostile input found by testing', () => {
  test('redirect targets cannot leave the site, even with tabs or newlines', async () => {
    const { username } = await signUp(client());
    const c = client();
    await c.get('/login');
    const res = await c.post(`/login?next=${encodeURIComponent('/\t/evil.example/again')}`, { identifier: username, password: 'a long enough password' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/account');
    const crlf = await c.get(`/login?next=${encodeURIComponent('/\r\nX: y')}`);
    assert.equal(crlf.status, 303);
    assert.equal(crlf.headers.get('location'), '/account');
  });

  test('bodies that are not forms get 4xx, never 500', async () => {
    const c = client();
    await c.get('/login');
    const json = await c.send('/login', { method: 'POST', body: JSON.stringify({ identifier: 'x' }), headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf } });
    assert.equal(json.status, 415);
    const noBoundary = await c.send('/login', { method: 'POST', body: 'garbage', headers: { 'content-type': 'multipart/form-data', 'x-csrf-token': c.csrf } });
    assert.equal(noBoundary.status, 400);
    const { client: member } = await (async () => { const m = client(); await signUp(m); return { client: m }; })();
    await member.get('/account');
    assert.equal((await member.post(`/account/sessions/${'-'.repeat(36)}/revoke`)).status, 303, 'a malformed id is "already gone", not a crash');
    assert.equal((await member.post('/account/verify/resend', {}, { referer: 'http://[bad' })).status, 303);
  });

  test('verification and reset mails are rate limited per account', async () => {
    const c = client();
    const { username } = await signUp(c);
    await c.get('/account');
    const resend = await c.post('/account/verify/resend', { next: '/account' });
    assert.equal(resend.status, 303);
    assert.match(resend.followed?.html ?? '', /a moment ago/, 'right after sign-up the first mail is still on its way');
    const forgot = client();
    await forgot.get('/password/forgot');
    for (let i = 0; i < 5; i++) assert.equal((await forgot.post('/password/forgot', { email: `${username}@example.com` })).status, 200);
    const mails = await mailsTo(`${username}@example.com`);
    assert.equal(mails.filter((m) => m.subject.includes('Confirm')).length, 1, 'only the sign-up mail');
    assert.equal(mails.filter((m) => m.subject.includes('Reset')).length, 1);
  });

  test('the lockout follows the account whichever name is typed, and a reset lifts it', async () => {
    const { username } = await signUp(client());
    const c = client();
    await c.get('/login');
    for (let i = 0; i < 5; i++) await c.post('/login', { identifier: username, password: 'wrong password!' });
    assert.equal((await c.post('/login', { identifier: `${username}@example.com`, password: 'a long enough password' })).status, 429);
    await c.get('/password/forgot');
    await c.post('/password/forgot', { email: `${username}@example.com` });
    const reset = (await mailsTo(`${username}@example.com`)).find((m) => m.subject.includes('Reset'))!;
    const link = linkIn(reset.body_text, '/password/reset');
    await c.get(link);
    assert.equal((await c.post(link, { password: 'a brand new password' })).status, 303);
    assert.equal((await c.post('/login', { identifier: username, password: 'a brand new password' })).status, 303);
  });

  test('passwords are compared after Unicode normalisation', async () => {
    const decomposed = 'cafe\u0301 au lait 99';
    const { username } = await signUp(client(), { password: decomposed });
    const c = client();
    await c.get('/login');
    assert.equal((await c.post('/login', { identifier: username, password: 'caf\u00e9 au lait 99' })).status, 303);
  });

  test('security headers reach health checks and error responses too', async () => {
    for (const path of ['/healthz', '/readyz', '/no/such/page']) {
      const res = await t.app.request(path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
    }
  });
});
