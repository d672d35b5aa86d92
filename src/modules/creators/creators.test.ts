import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { publishedProject, signUpCreator, signUpUser } from '../../../test/support/factories.ts';
import { storageLimits } from './service.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

test('a fan becomes a creator: tier and currency stored, role granted, session rotated', async () => {
  const fan = await signUpUser(t);
  const page = await fan.client.get('/creator/start');
  assert.equal(page.status, 200);
  assert.match(page.html, /Small Files/);
  assert.match(page.html, /<option value="JPY"/);
  const before = fan.client.cookies.get('mnw_session');
  const res = await fan.client.post('/creator/start', { tier: 'big_files', currency: 'JPY' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/dashboard');
  assert.notEqual(fan.client.cookies.get('mnw_session'), before, 'a privilege change rotates the session id');
  assert.deepEqual(await storageLimits(t.deps, fan.viewer.id), { perFileBytes: 20e9, totalBytes: 500e9 });
  assert.equal((await fan.client.get('/creator/start')).headers.get('location'), '/dashboard');
});

test('onboarding refuses unknown tiers and currencies and changes nothing', async () => {
  const fan = await signUpUser(t);
  await fan.client.get('/creator/start');
  for (const [tier, currency, message] of [['platinum', 'USD', /Choose one of the tiers/], ['basic', 'XXX', /Choose a currency/], ['basic', 'usd\u0000', /Choose a currency/], ['basic', '', /Choose a currency/]] as const) {
    const res = await fan.client.post('/creator/start', { tier, currency });
    assert.equal(res.status, 422);
    assert.match(res.html, message);
  }
  assert.equal(await storageLimits(t.deps, fan.viewer.id), null);
  const anonymous = await t.app.request('/creator/start');
  assert.equal(anonymous.status, 303);
  assert.match(anonymous.headers.get('location') ?? '', /^\/login/);
});

test('settings: profile, links and tier are saved; bad links and huge bios are refused', async () => {
  const creator = await signUpCreator(t);
  const c = creator.client;
  const page = await c.get('/dashboard/settings');
  // Prices are never converted: the currency field says so before anyone changes it.
  assert.match(page.html, /aria-describedby="f-currency-hint"/);
  assert.match(page.html, /id="f-currency-hint">A change applies to what you price from now on: items and albums you have already priced keep their prices, in their currency\./);
  const ok = await c.post('/dashboard/settings', {
    display_name: 'Zoë 🎧 مرحبا', bio: 'I make **ambient** music.', links: 'Bandcamp https://example.bandcamp.com\nhttps://www.example.org/me',
    tier: 'small_files', currency: 'EUR',
  });
  assert.equal(ok.status, 303);
  const profile = await c.get(`/@${creator.viewer.username}`);
  assert.match(profile.html, /Zoë 🎧 مرحبا/);
  assert.match(profile.html, /<strong>ambient<\/strong>/);
  assert.match(profile.html, /href="https:\/\/example.bandcamp.com\/"[^>]*>Bandcamp</);
  assert.match(profile.html, />example.org</);

  const bad: [Record<string, string>, RegExp][] = [
    [{ links: 'javascript:alert(1)' }, /not a web address/],
    [{ links: 'Home ftp://example.org' }, /not a web address/],
    [{ bio: 'x'.repeat(10_000) }, /at most 5000 characters/],
    [{ display_name: '   ' }, /required/],
    [{ display_name: 'a\u0000b' }, /control characters/],
  ];
  for (const [fields, message] of bad) {
    const res = await c.post('/dashboard/settings', { display_name: 'Zoë', bio: '', links: '', tier: 'basic', currency: 'EUR', ...fields });
    assert.equal(res.status, 422, JSON.stringify(fields).slice(0, 50));
    assert.match(res.html, message);
  }
  assert.match((await c.get(`/@${creator.viewer.username}`)).html, /Zoë 🎧 مرحبا/, 'refused edits changed nothing');
});

test('a fan cannot reach creator settings', async () => {
  const fan = await signUpUser(t);
  const res = await fan.client.get('/dashboard/settings');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/creator/start');
  await fan.client.get('/');
  assert.equal((await fan.client.post('/dashboard/settings', { display_name: 'x', tier: 'basic', currency: 'USD' })).status, 403);
});

test('a new display name is searchable at once, and the old one no longer finds the creator', async () => {
  const creator = await signUpCreator(t);
  const { itemIds: [id] } = await publishedProject(t, creator, 'Rename test', [{ type: 'audio', title: 'Untitled rename track' }]);
  const c = creator.client;
  const found = async (q: string) => (await (await t.app.request(`/search?q=${encodeURIComponent(q)}`)).text()).includes(`/i/${id}`);
  const rename = async (name: string) => {
    await c.get('/dashboard/settings');
    const res = await c.post('/dashboard/settings', { display_name: name, bio: '', links: '', tier: 'basic', currency: 'USD' });
    assert.equal(res.status, 303);
  };
  await rename('Quentin Farrowmoor');
  assert.ok(await found('farrowmoor'), 'found by the new name');
  await rename('Zébulon Hartwick');
  assert.ok(await found('zebulon hartwick'), 'found by the newer name, accent-free');
  assert.ok(!(await found('farrowmoor')), 'the old name is gone from the search document');
});
