import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalUsername, checkEmail, checkPassword, checkUsername, emailKey } from './identity.ts';
import { describeDevice } from './views/account-page.tsx';

test('usernames fold case and width to one canonical form', () => {
  assert.equal(canonicalUsername('Alice'), 'alice');
  assert.equal(canonicalUsername('Ａｌｉｃｅ'), 'alice');
  assert.deepEqual(checkUsername('Ａｌｉｃｅ_01'), { ok: true, value: 'alice_01' });
});

test('usernames: reserved, too short, too long, bad characters, NUL, wrong type', () => {
  for (const bad of ['admin', 'ADMIN', 'Ａｄｍｉｎ', '_admin', 'ad-min', 'admins', 'moderators', 'makenot-work', 'makenot_official',
    'official-admin', 'no-reply', 'postmaster', 'abuse', 'webmaster', '___', '---', 'login', 'i', 'ab', 'a'.repeat(31), 'x'.repeat(10_000), 'héllo', 'with space',
    'emoji😀', 'nul\u0000byte', '', '   ', 'عربي', '../etc']) {
    const r = checkUsername(bad);
    assert.equal(r.ok, false, `expected ${JSON.stringify(bad.slice(0, 20))} to be refused`);
    if (!r.ok) assert.ok(r.error.length > 10);
  }
  assert.equal(checkUsername(42).ok, false);
  assert.equal(checkUsername(['a', 'b']).ok, false);
});

test('emails: valid forms pass, lookups are case-insensitive, junk is refused', () => {
  assert.deepEqual(checkEmail('  Alice@Example.COM '), { ok: true, value: 'Alice@Example.COM' });
  assert.equal(emailKey('Alice@Example.COM'), emailKey('alice@example.com'));
  assert.equal(emailKey('ａｌｉｃｅ@example.com'), 'alice@example.com');
  assert.equal(checkEmail('first.last+tag@sub.example.co.uk').ok, true);
  assert.equal(checkEmail('josé@exämple.de').ok, true);
  for (const bad of ['', 'plain', '@example.com', 'a@b', 'a@@b.com', 'a b@c.com', 'a@b..com', `${'a'.repeat(65)}@x.com`,
    `a@${'b'.repeat(260)}.com`, 'nul\u0000@x.com', 'line\n@x.com', 'boss:attacker@evil.example', 'admin,attacker@evil.example',
    'ceo(x)@bigcorp.com', 'a<script>@example.com', 'a@example.com>', 'a@ex/ample.com', 'a@[127.0.0.1]', 'a@.example.com',
    'a@-example.com', 'a@example.com\\', 'demo\u200b@makenot.work', 'me\u202e@example.com', '.a@example.com', 'a..b@example.com', '"a"@example.com']) {
    assert.equal(checkEmail(bad).ok, false, `expected ${JSON.stringify(bad.slice(0, 30))} to be refused`);
  }
});

test('passwords: length 8–128 in characters, common ones refused, NUL refused', () => {
  assert.equal(checkPassword('correct horse battery').ok, true);
  assert.equal(checkPassword('😀😀😀😀😀😀😀😀').ok, true, 'emoji count as one character each');
  assert.equal(checkPassword('short').ok, false);
  assert.equal(checkPassword('x'.repeat(129)).ok, false);
  assert.equal(checkPassword('x'.repeat(128)).ok, true);
  assert.equal(checkPassword('Password123').ok, false);
  assert.equal(checkPassword('qwertyuiop').ok, false);
  assert.equal(checkPassword('abc\u0000defghij').ok, false);
  assert.equal(checkPassword(undefined).ok, false);
  assert.equal(checkPassword('aliceliddell', { username: 'aliceliddell' }).ok, false);
});

test('device labels are read from the user agent', () => {
  assert.equal(describeDevice('Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0'), 'Firefox on Linux');
  assert.equal(describeDevice('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15'), 'Safari on macOS');
  assert.equal(describeDevice(''), 'Unknown device');
});
