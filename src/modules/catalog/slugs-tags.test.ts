import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasReadableText, parseItemFields, splitPreview } from './item-input.ts';
import { slugify, uniqueSlug } from './slugs.ts';
import { checkTagPath, parseTagList, tagAncestry } from './tags.ts';

test('slugs: accents folded, punctuation collapsed, collisions numbered', () => {
  assert.equal(slugify('Café Noir — Live!'), 'cafe-noir-live');
  assert.equal(slugify('  ---  '), '');
  assert.equal(slugify('مرحبا 😀'), '');
  assert.equal(slugify('x'.repeat(10_000)).length, 80);
  assert.equal(uniqueSlug('cafe', new Set()), 'cafe');
  assert.equal(uniqueSlug('cafe', new Set(['cafe', 'cafe-2'])), 'cafe-3');
  assert.equal(uniqueSlug('', new Set()), 'project');
  const long = slugify('y'.repeat(100));
  assert.equal(uniqueSlug(long, new Set([long])).length <= 80, true);
  // "Café" and "cafe" collide after normalisation and get distinct slugs
  const taken = new Set([slugify('Café')]);
  assert.equal(uniqueSlug(slugify('cafe'), taken), 'cafe-2');
});

test('tag paths: normalised, with ancestry; empty levels, dots and depth refused', () => {
  assert.deepEqual(checkTagPath(' Music/Electronic/Ambient '), { ok: true, path: 'music/electronic/ambient' });
  assert.deepEqual(checkTagPath('/music/'), { ok: true, path: 'music' });
  assert.deepEqual(tagAncestry('a/b/c'), ['a', 'a/b', 'a/b/c']);
  for (const bad of ['music//ambient', '..', 'music/../etc', './x', '', '   ', 'a\u0000b', Array(50).fill('x').join('/'), '😀', `${'x'.repeat(41)}`]) {
    assert.equal(checkTagPath(bad).ok, false, JSON.stringify(bad.slice(0, 30)));
  }
  assert.deepEqual(parseTagList('music/ambient, Music/Ambient,\nart'), { ok: true, paths: ['music/ambient', 'art'] });
  assert.equal(parseTagList(Array.from({ length: 11 }, (_, i) => `t${i}`).join(',')).ok, false);
});

test('item fields: prices in the currency precision, dates, AI statement', () => {
  const usd = (body: Record<string, string>) => parseItemFields(body, 'USD');
  assert.deepEqual(usd({ price_kind: 'fixed', price_amount: '19.99' }).fields, { price_kind: 'fixed', price_amount: 1999, price_suggested: null });
  assert.deepEqual(parseItemFields({ price_kind: 'fixed', price_amount: '199' }, 'JPY').fields.price_amount, 199);
  assert.ok(parseItemFields({ price_kind: 'fixed', price_amount: '199.5' }, 'JPY').errors.price_amount);
  for (const amount of ['-5', '1e309', 'NaN', '19.999', '', '0']) {
    assert.ok(usd({ price_kind: 'fixed', price_amount: amount }).errors.price_amount, `fixed ${amount}`);
  }
  assert.deepEqual(usd({ price_kind: 'pwyw', price_amount: '', price_suggested: '' }).fields, { price_kind: 'pwyw', price_amount: 0, price_suggested: null });
  assert.ok(usd({ price_kind: 'pwyw', price_amount: '5', price_suggested: '2' }).errors.price_suggested);
  assert.ok(usd({ price_kind: 'gift' }).errors.price_kind);
  assert.ok(usd({ release_date: '2026-02-30' }).errors.release_date);
  assert.equal(usd({ release_date: '2026-02-28' }).fields.release_date, '2026-02-28');
  assert.equal(usd({ release_date: '' }).fields.release_date, null);
  assert.ok(usd({ ai_use: 'assisted' }).errors.ai_statement);
  assert.ok(usd({ ai_use: 'robot' }).errors.ai_use);
  assert.ok(usd({ title: '   ' }).errors.title);
  assert.equal(usd({ title: 'שלום 👋' }).fields.title, 'שלום 👋');
});

test('text preview ends at the marker; no marker means no preview', () => {
  assert.deepEqual(splitPreview('free\n<!-- more -->\npaid'), { preview: 'free', rest: 'paid', hasMore: true });
  assert.deepEqual(splitPreview('free\n  <!--MORE-->  \npaid'), { preview: 'free', rest: 'paid', hasMore: true });
  assert.deepEqual(splitPreview('all paid'), { preview: '', rest: 'all paid', hasMore: true });
  assert.equal(splitPreview('inline <!-- more --> is not a marker').hasMore, true);
  assert.equal(splitPreview('inline <!-- more --> is not a marker').preview, '');
});

test('a text is readable when its rendered page shows a reader something', () => {
  const nothing = ['', ' \n\t ', '<!-- more -->', '&nbsp;', '<!-- a comment -->', '<br><p></p>', '&#8203;&zwnj;&ensp;', '<script>alert(1)</script>',
    '\u3164', '\u2800', '---', '#', '![](x)', '\n<!-- more -->\n&nbsp; \u00a0'];
  for (const body of nothing) assert.equal(hasReadableText(body), false, JSON.stringify(body));
  for (const body of ['a', '1', '😀', '&amp;', 'free\n\n<!-- more -->\n\npaid', '<!-- more -->\n\nall paid', '`code`']) {
    assert.equal(hasReadableText(body), true, JSON.stringify(body));
  }
});
