import assert from 'node:assert/strict';
import { test } from 'node:test';
import { echoValue, readText, safeNextPath } from './validate.ts';

test('safeNextPath keeps same-site paths and refuses everything that could leave the site', () => {
  assert.equal(safeNextPath('/account?tab=1#x'), '/account?tab=1#x');
  for (const bad of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', '/\r\nX: y', 'https://evil.example',
    'javascript:alert(1)', '/%09/x extra', ' /account', '/a\u0000b', '/\u202e/x', 'account', '', 'x'.repeat(600), 42]) {
    assert.equal(safeNextPath(bad, '/home'), '/home', JSON.stringify(bad));
  }
});

test('readText refuses control and bidi-override characters but keeps RTL text and emoji', () => {
  assert.equal(readText('مرحبا 👨‍👩‍👧', { label: 'T', max: 50 }).ok, true);
  for (const bad of ['a\u0000b', 'a\u202eb', 'a\u200bb', 'a\ufeffb', 'a\u0007b']) assert.equal(readText(bad, { label: 'T', max: 50 }).ok, false);
  assert.equal(readText('a\nb', { label: 'T', max: 50 }).ok, false);
  assert.equal(readText('a\nb', { label: 'T', max: 50, multiline: true }).ok, true);
});

test('echoValue strips what must not be echoed raw', () => {
  assert.equal(echoValue('nul\u0000user'), 'nuluser');
  assert.equal(echoValue('x'.repeat(1000)).length, 300);
  assert.equal(echoValue(undefined), '');
});
