// Discover, search, tag pages and the tag typeahead: the real app on a real database, with data
// made through the real services. Each test tags or names its items uniquely, so tests sharing
// this file's database never see each other's rows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { TestClient } from '../../../test/support/client.ts';
import { publishedProject, signUpCreator, type TestUser } from '../../../test/support/factories.ts';
import { createItem, setItemsStatus, updateItem } from './items-service.ts';
import { createProject, setProjectsStatus } from './projects-service.ts';
import { decodeCursor, encodeCursor, listPublished, type DiscoverSort } from './queries/search.ts';
import { normalizeSearchQuery, searchItems } from './queries/text-search.ts';

let t: TestApp;
let alice: TestUser;
let bob: TestUser;
before(async () => {
  t = await createTestApp();
  alice = await signUpCreator(t);
  bob = await signUpCreator(t, { currency: 'EUR' });
});
after(() => t.close());

const visitor = () => new TestClient(t.app);
let counter = 0;
/** A fresh tag root (a slug) per test. */
const root = (prefix = 'tg') => `${prefix}${++counter}x${Date.now().toString(36)}`;
const idsIn = (html: string) => [...html.matchAll(/href="\/i\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);
const nextLink = (html: string) => /<a href="([^"]+)" rel="next"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? null;

async function get(path: string, headers: Record<string, string> = {}) {
  return visitor().get(path, headers);
}

/** Follows "Next page" links from `path`, returning every item id in order, page by page. */
async function walk(path: string) {
  const pages: string[][] = [];
  for (let url: string | null = path; url; ) {
    const res = await get(url);
    assert.equal(res.status, 200, url);
    pages.push(idsIn(res.html));
    url = nextLink(res.html);
    assert.ok(pages.length < 50, 'pagination ends');
  }
  return pages;
}

type Spec = Parameters<typeof publishedProject>[3][number];

/** A published project whose items all carry `tag` (plus whatever their own fields add). */
async function project(user: TestUser, tag: string, items: Spec[], title = `Project ${tag}`) {
  return publishedProject(t, user, title, items.map((s) => ({ ...s, fields: { tags: tag, ...s.fields } })));
}

/** The three ways an item stays private: a draft, an unpublished item, an item in an unpublished project. */
async function hiddenItems(tag: string, word: string) {
  const { project: visible } = await project(alice, tag, [{ type: 'audio', title: `${word} visible` }]);
  const draft = await createItem(t.deps, alice.viewer, visible.id, { type: 'audio', title: `${word} draft` });
  await updateItem(t.deps, alice.viewer, draft, { tags: tag, ai_use: 'handmade' });
  const { itemIds: [unpublished] } = await project(alice, tag, [{ type: 'audio', title: `${word} unpublished` }]);
  await setItemsStatus(t.deps, alice.viewer, [unpublished!], 'unpublished');
  const { project: closed, itemIds: [inClosed] } = await project(alice, tag, [{ type: 'audio', title: `${word} closedproject` }]);
  await setProjectsStatus(t.deps, alice.viewer, [closed.id], 'unpublished');
  const draftProject = await createProject(t.deps, alice.viewer, { title: `${word} draft project` });
  const inDraftProject = await createItem(t.deps, alice.viewer, draftProject.id, { type: 'audio', title: `${word} indraftproject` });
  await updateItem(t.deps, alice.viewer, inDraftProject, { tags: tag, ai_use: 'handmade' });
  await setItemsStatus(t.deps, alice.viewer, [inDraftProject], 'published'); // published item, draft project
  return [draft, unpublished!, inClosed!, inDraftProject];
}

describe('discover', () => {
  test('lists published items with title, type, creator, project and formatted price', async () => {
    const tag = root();
    const { project: p, itemIds: [free, fixed, pwyw, pwywZero] } = await project(alice, tag, [
      { type: 'audio', title: 'Free <Song> & more', fields: { price_kind: 'free' } },
      { type: 'video', title: 'Fixed film', fields: { price_kind: 'fixed', price_amount: '5.00' } },
      { type: 'text', title: 'Generous essay', fields: { price_kind: 'pwyw', price_amount: '1.00' } },
      { type: 'image', title: 'Any amount picture', fields: { price_kind: 'pwyw', price_amount: '' } },
    ]);
    const res = await get(`/discover?tag=${tag}`);
    assert.equal(res.status, 200);
    assert.deepEqual(new Set(idsIn(res.html)), new Set([free, fixed, pwyw, pwywZero]));
    const username = alice.viewer.username;
    assert.match(res.html, new RegExp(`<a href="/i/${free}">Free &lt;Song&gt; &amp; more</a>`), 'titles are escaped');
    assert.match(res.html, new RegExp(`<a href="/@${username}">${alice.viewer.displayName}</a>`));
    assert.match(res.html, new RegExp(`<a href="/@${username}/${p.slug}">Project ${tag}</a>`));
    for (const label of ['"disc-price">Free<', '"disc-price">\\$5\\.00<', '"disc-price">Pay what you want \\(min \\$1\\.00\\)<', '"disc-price">Pay what you want<',
      'disc-type">Audio<', 'disc-type">Video<', 'disc-type">Text<', 'disc-type">Image<']) {
      assert.match(res.html, new RegExp(label));
    }
  });

  test('drafts, unpublished items and items in unpublished or draft projects never appear', async () => {
    const tag = root();
    const hidden = await hiddenItems(tag, 'Quillwort');
    for (const path of [`/discover?tag=${tag}`, `/discover?tag=${tag}&sort=sales`, `/discover?tag=${tag}&sort=title`, `/tags/${tag}`]) {
      const res = await get(path);
      assert.equal(res.status, 200);
      assert.equal(idsIn(res.html).length, 1, path);
      for (const id of hidden) assert.ok(!res.html.includes(id), `${path} hides ${id}`);
    }
    // Unfiltered discover: walk every page.
    const all = (await walk('/discover')).flat();
    for (const id of hidden) assert.ok(!all.includes(id));
  });

  test('filters by type, price and tag (including descendants), alone and combined', async () => {
    const tag = root();
    const { itemIds: [audioFree, videoPaid, audioPwyw, deep, other] } = await project(bob, tag, [
      { type: 'audio', title: 'A free', fields: { price_kind: 'free' } },
      { type: 'video', title: 'V paid', fields: { price_kind: 'fixed', price_amount: '3' } },
      { type: 'audio', title: 'A pwyw min', fields: { price_kind: 'pwyw', price_amount: '2' } },
      { type: 'download', title: 'D deep', fields: { tags: `${tag}/tools/cli` } },
      { type: 'text', title: 'Other root', fields: { tags: `${tag}x` } },
    ]);
    const ids = async (qs: string) => new Set(idsIn((await get(`/discover?${qs}`)).html));
    assert.deepEqual(await ids(`tag=${tag}`), new Set([audioFree, videoPaid, audioPwyw, deep]), 'a tag includes descendants, not look-alike siblings');
    assert.deepEqual(await ids(`tag=${tag}x`), new Set([other]));
    assert.deepEqual(await ids(`tag=${tag}/tools`), new Set([deep]));
    assert.deepEqual(await ids(`tag=${tag}&type=audio`), new Set([audioFree, audioPwyw]));
    assert.deepEqual(await ids(`tag=${tag}&price=free`), new Set([audioFree, deep]));
    assert.deepEqual(await ids(`tag=${tag}&price=paid`), new Set([videoPaid, audioPwyw]));
    assert.deepEqual(await ids(`tag=${tag}&type=audio&price=paid`), new Set([audioPwyw]));
    assert.deepEqual(await ids(`tag=${encodeURIComponent(` /${tag.toUpperCase()}/Tools/ `)}`), new Set([deep]), 'the tag field is normalised like the editor does');
    const empty = await get(`/discover?tag=${tag}&type=image`);
    assert.equal(idsIn(empty.html).length, 0);
    assert.match(empty.html, /Nothing matches these filters/);
    assert.match(empty.html, /<option value="image" selected="">/, 'the form keeps the chosen filters');
  });

  test('unusable parameters are ignored with a note, never an error', async () => {
    const tag = root();
    const { itemIds: [id] } = await project(alice, tag, [{ type: 'audio', title: 'Param test' }]);
    for (const [qs, note] of [
      [`tag=${tag}&type=podcast`, /ignored the type “podcast”/],
      [`tag=${tag}&price=cheap`, /ignored the price/],
      [`tag=${tag}&sort=random`, /sort order “random”/],
      [`tag=${tag}&type=%00%27%22%3Cscript%3E`, /ignored the type/],
    ] as const) {
      const res = await get(`/discover?${qs}`);
      assert.equal(res.status, 200, qs);
      assert.match(res.html, note);
      assert.deepEqual(idsIn(res.html), [id]);
      assert.ok(!res.html.includes('<script>'), 'echoed values are escaped');
    }
    const badTag = await get(`/discover?tag=${encodeURIComponent('../..//x')}`);
    assert.equal(badTag.status, 200);
    assert.match(badTag.html, /ignored the tag/);
    const deepTag = await get(`/discover?tag=${'a/'.repeat(50)}a`);
    assert.equal(deepTag.status, 200);
    assert.match(deepTag.html, /at most 8 levels/);
  });

  test('each sort orders correctly: newest, most sold, title', async () => {
    const tag = root();
    const { itemIds: [cherry, apple, banana] } = await project(alice, tag, [
      { type: 'audio', title: 'cherry' }, { type: 'audio', title: 'Apple' }, { type: 'audio', title: 'banana' },
    ]);
    await t.deps.db.updateTable('items').set({ sales_count: sql`CASE title WHEN 'banana' THEN 50 WHEN 'cherry' THEN 7 ELSE 0 END` })
      .where('id', 'in', [cherry!, apple!, banana!]).execute();
    const order = async (sort: string) => idsIn((await get(`/discover?tag=${tag}&sort=${sort}`)).html);
    assert.deepEqual(await order('newest'), [banana, apple, cherry], 'published last comes first');
    assert.deepEqual(idsIn((await get(`/discover?tag=${tag}`)).html), [banana, apple, cherry], 'newest is the default');
    assert.deepEqual(await order('sales'), [banana, cherry, apple]);
    assert.deepEqual(await order('title'), [apple, banana, cherry], 'title order ignores case');
  });

  test('pagination walks every item exactly once in every sort, even with tied sort keys', async () => {
    const tag = root();
    const specs: Spec[] = Array.from({ length: 30 }, (_, i) => ({ type: 'audio', title: i % 3 ? `Same title` : `Title ${String(i).padStart(2, '0')}` }));
    const { itemIds } = await project(alice, tag, specs);
    // Ties everywhere: ten items share one published_at, sales come in three values, titles repeat.
    await sql`UPDATE items SET published_at = CASE WHEN position % 3 = 0 THEN '2026-01-01T00:00:00.000001Z'::timestamptz
        ELSE '2026-01-01T00:00:00Z'::timestamptz + position * interval '1 microsecond' END,
      sales_count = position % 3 WHERE id = ANY(${itemIds}::uuid[])`.execute(t.deps.db);
    for (const sort of ['newest', 'sales', 'title']) {
      const pages = await walk(`/discover?tag=${tag}&sort=${sort}`);
      assert.deepEqual(pages.map((p) => p.length), [24, 6], sort);
      const seen = pages.flat();
      assert.equal(new Set(seen).size, 30, `${sort}: no duplicates`);
      assert.deepEqual(new Set(seen), new Set(itemIds), `${sort}: no gaps`);
    }
    // The same with tiny pages through the query function: every boundary falls on a tie.
    for (const sort of ['newest', 'sales', 'title'] as DiscoverSort[]) {
      const full = await listPublished(t.deps.db, { tag, sort, limit: 100 });
      const walked: string[] = [];
      for (let cursor = null as ReturnType<typeof decodeCursor>, i = 0; i < 40; i++) {
        const page = await listPublished(t.deps.db, { tag, sort, after: cursor, limit: 4 });
        walked.push(...page.items.map((x) => x.id));
        if (!page.next) break;
        cursor = decodeCursor(encodeCursor(page.next), sort);
        assert.ok(cursor, 'a cursor survives its own encoding');
      }
      assert.deepEqual(walked, full.items.map((x) => x.id), `${sort}: pages of 4 concatenate to the full order`);
    }
  });

  test('a bad or foreign cursor starts from the first page', async () => {
    const tag = root();
    const specs: Spec[] = Array.from({ length: 25 }, (_, i) => ({ type: 'text', title: `Cursor ${i}` }));
    await project(bob, tag, specs);
    const first = idsIn((await get(`/discover?tag=${tag}`)).html);
    const newestCursor = encodeCursor({ sort: 'newest', key: '2026-01-01T00:00:00.000000', id: '00000000-0000-0000-0000-000000000000' });
    const zero = '00000000-0000-0000-0000-000000000000';
    const cases: [DiscoverSort, string][] = [
      ['newest', 'garbage'], ['newest', '%00'], ['sales', 'x'.repeat(5000)], ['newest', Buffer.from('[1,2,3]').toString('base64url')],
      ['title', newestCursor], // a cursor made for another sort
      ['newest', encodeCursor({ sort: 'newest', key: '2026-13-45T99:00:00.000000', id: zero })],
      ['sales', encodeCursor({ sort: 'sales', key: '99999999999', id: zero })],
      ['newest', encodeCursor({ sort: 'newest', key: '2026-01-01T00:00:00.000000', id: 'not-a-uuid' })],
    ];
    for (const [sort, after] of cases) {
      const res = await get(`/discover?tag=${tag}&sort=${sort}&after=${encodeURIComponent(after)}`);
      assert.equal(res.status, 200, after.slice(0, 40));
      if (sort === 'newest') assert.deepEqual(idsIn(res.html), first);
      assert.match(res.html, /here is the first page/);
    }
    assert.equal(decodeCursor(encodeCursor({ sort: 'title', key: 'a\u0000b', id: '00000000-0000-0000-0000-000000000000' }), 'title'), null);
  });

  test('htmx requests aimed at the results get only the results region', async () => {
    const tag = root();
    await project(alice, tag, [{ type: 'audio', title: 'Fragmented' }]);
    const fragment = await get(`/discover?tag=${tag}`, { 'HX-Request': 'true', 'HX-Target': 'discover-results' });
    assert.equal(fragment.status, 200);
    assert.ok(fragment.html.startsWith('<div id="discover-results"'), fragment.html.slice(0, 80));
    assert.ok(!fragment.html.includes('<html'));
    assert.match(fragment.html, /Fragmented/);
    for (const headers of [{} as Record<string, string>, { 'HX-Request': 'true', 'HX-Target': 'main' }, { 'HX-Request': 'true', 'HX-Target': 'discover-results', 'HX-History-Restore-Request': 'true' }]) {
      const full = await get(`/discover?tag=${tag}`, headers);
      assert.match(full.html, /^<!DOCTYPE html>/);
      assert.match(full.html, /id="discover-results"/);
      assert.match(full.html, /hx-get="\/discover"[^>]*hx-push-url="true"/);
    }
  });
});

describe('search', () => {
  test('finds accented titles from accent-free and misspelled queries', async () => {
    const { itemIds: [cafe] } = await publishedProject(t, bob, 'Nocturnes', [{ type: 'audio', title: 'Café Mélancolie' }]);
    for (const q of ['cafe melancolie', 'melancolei', 'CAFÉ', 'Mélancolie', 'cafe  melancolie ', 'melancoli']) {
      const res = await get(`/search?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200);
      assert.equal(idsIn(res.html)[0], cafe, q);
      assert.match(res.html, /Café Mélancolie/);
    }
  });

  test('matches project titles, creator names and tag words; ranks exact substrings first', async () => {
    const carol = await signUpCreator(t);
    const tag = root('zephyrine');
    const { itemIds: [tagged] } = await project(carol, tag, [{ type: 'audio', title: 'Untitled one' }], 'Grimsditch Sessions');
    assert.deepEqual(idsIn((await get(`/search?q=${tag}`)).html), [tagged]);
    assert.ok(idsIn((await get('/search?q=grimsditch')).html).includes(tagged!));
    assert.ok(idsIn((await get(`/search?q=${carol.viewer.username}`)).html).includes(tagged!));

    const { itemIds: [literal, lookalike] } = await publishedProject(t, bob, 'Percentages', [
      { type: 'text', title: '100% Quorbish' }, { type: 'text', title: '1000 Quorbish' },
    ]);
    await t.deps.db.updateTable('items').set({ sales_count: 500 }).where('id', '=', lookalike!).execute();
    // The look-alike only comes from the fuzzy tier: without its time budget, so a busy machine
    // cannot cut it; the page itself must show the literal match first.
    const hits = (await searchItems(t.deps.db, '100% quorbish', { limit: 30, budgetMs: Infinity })).map((h) => h.id);
    assert.deepEqual(hits.slice(0, 2), [literal, lookalike], '% is a literal: only “100% …” gets the substring boost');
    assert.equal(idsIn((await get(`/search?q=${encodeURIComponent('100% quorbish')}`)).html)[0], literal);
  });

  test('fuzzy matching has a time budget; exact matches are never cut', async () => {
    const { itemIds: [id] } = await publishedProject(t, bob, 'Budget', [{ type: 'audio', title: 'Quinquereme Voyage' }]);
    let cut = 0;
    const onBudgetExceeded = () => { cut++; };
    assert.deepEqual((await searchItems(t.deps.db, 'quinquereme', { limit: 30, budgetMs: 0, onBudgetExceeded })).map((h) => h.id), [id]);
    assert.equal(cut, 1, 'few exact matches: the fuzzy tier would run, but there is no time left');
    // A dropped letter (not a transposition) needs the fuzzy tier.
    assert.deepEqual(await searchItems(t.deps.db, 'quinqereme', { limit: 30, budgetMs: 0, onBudgetExceeded }), []);
    assert.equal(cut, 2);
    assert.deepEqual((await searchItems(t.deps.db, 'quinqereme', { limit: 30, budgetMs: Infinity })).map((h) => h.id), [id], 'with time, the misspelling is found');
    await assert.rejects(t.deps.db.transaction().execute((tx) => searchItems(tx, 'quinqereme', { limit: 30 })), /pass the pool/);
  });

  test('single transposed letters are corrected, even with no time left for the fuzzy tier', async () => {
    const { itemIds: [velvet, marbled, marbeld] } = await publishedProject(t, bob, 'Harbourmaster Tapes', [
      { type: 'audio', title: 'Velvetine Lanternfish' }, { type: 'audio', title: 'Marbled Gloaming' }, { type: 'audio', title: 'Marbeld Gloaming' },
    ]);
    const ids = async (q: string) => (await searchItems(t.deps.db, q, { limit: 30, budgetMs: 0 })).map((h) => h.id);
    for (const q of ['velvetnie', 'evlvetine', 'lanternfihs', 'Vélvetnie', 'velvetnie lanternfish', 'harbourmaster velvetnie']) {
      assert.deepEqual(await ids(q), [velvet], q);
    }
    // As typed, in the app: the misspelt, accent-free query finds it on the page.
    assert.deepEqual(idsIn((await get('/search?q=velvteine')).html), [velvet]);
    // A typed word that is a real word too: its exact matches first, then the correction's.
    const both = await searchItems(t.deps.db, 'marbeld gloaming', { limit: 30, budgetMs: 0 });
    assert.deepEqual(both.map((h) => h.id), [marbeld, marbled]);
    assert.ok(both[0]!.rank >= 2 && both[1]!.rank > 1 && both[1]!.rank < 2, 'corrected matches rank between exact and fuzzy ones');
    // Two swaps in one word, or a swap in a word of three letters, are not corrections.
    assert.deepEqual(await ids('evlvetnie'), []);
    const { itemIds: [owl] } = await publishedProject(t, bob, 'Short words', [{ type: 'image', title: 'Zqx Owl' }]);
    assert.ok(!(await ids('qzx')).includes(owl!), 'three-letter words are not corrected');
  });

  test('search follows every change that feeds it: project titles, tags, publishing, deletes', async () => {
    const tag = root();
    const c = alice.client;
    const { project: p, itemIds: [kept, deleted] } = await project(alice, `${tag}/marsupialine`, [
      { type: 'audio', title: 'Brindlewood Anthem' }, { type: 'text', title: 'Brindlewood Coda' },
    ], 'Tessellate Orchard');
    const found = async (q: string) => idsIn((await get(`/search?q=${encodeURIComponent(q)}`)).html);
    assert.deepEqual(new Set(await found('tessellate')), new Set([kept, deleted]));
    await c.get(`/dashboard/projects/${p.id}`);
    assert.equal((await c.post(`/dashboard/projects/${p.id}`, { title: 'Quillfeather Orchard', description: '', status: 'published' })).status, 303);
    assert.deepEqual(await found('tessellate'), [], 'the old project title is gone');
    assert.deepEqual(new Set(await found('quillfeather')), new Set([kept, deleted]));

    await c.get(`/dashboard/items/${kept}/edit?step=details`);
    assert.equal((await c.post(`/dashboard/items/${kept}/edit?step=details`, { title: 'Brindlewood Anthem', tags: `${tag}/wombatine` })).status, 303);
    assert.deepEqual(await found('wombatine'), [kept]);
    assert.deepEqual(await found('marsupialine'), [deleted], 'the removed tag no longer finds the item');

    assert.equal((await c.post(`/dashboard/items/${kept}/unpublish`)).status, 303);
    assert.deepEqual(await found('wombatine'), [], 'unpublished: not found');
    assert.equal((await c.post(`/dashboard/items/${kept}/publish`)).status, 303);
    assert.deepEqual(await found('wombatine'), [kept], 'published again: found');

    await c.get('/dashboard');
    assert.equal((await c.post('/dashboard/items/bulk', { action: 'delete', confirm: 'yes', ids: deleted! })).status, 303);
    assert.deepEqual(await found('brindlewood'), [kept], 'a deleted item is gone');
    assert.equal((await c.post('/dashboard/projects/bulk', { action: 'delete', confirm: 'yes', ids: p.id })).status, 303);
    assert.deepEqual(await found('brindlewood'), [], 'so are the items of a deleted project');
  });

  test('drafts, unpublished items and items in unpublished projects are never found', async () => {
    const hidden = await hiddenItems(root(), 'Xanthorrhoea');
    const res = await get('/search?q=xanthorrhoea');
    assert.equal(idsIn(res.html).length, 1);
    for (const id of hidden) assert.ok(!res.html.includes(id));
    const direct = await searchItems(t.deps.db, 'xanthorrhoea', { limit: 50 });
    assert.equal(direct.length, 1);
  });

  test('an empty query shows a prompt without touching the database', async () => {
    let acquired = 0;
    const onAcquire = () => { acquired++; };
    t.deps.pool.on('acquire', onAcquire);
    try {
      for (const q of ['', '   ', '%00%00']) {
        const res = await get(`/search?q=${q}`);
        assert.equal(res.status, 200);
        assert.match(res.html, /What are you looking for\?/);
      }
      assert.equal((await get('/search')).status, 200);
    } finally {
      t.deps.pool.off('acquire', onAcquire);
    }
    assert.equal(acquired, 0);
  });

  test('hostile queries return 200 and stay bounded', async () => {
    await publishedProject(t, alice, 'Hostile', [{ type: 'text', title: 'Rock’n’roll \\ night' }]);
    const queries = ['%', '_', '%%%_', "'", "''; DROP TABLE items; --", '\\', 'a\\', '\\%', 'x\u0000y', '\u0000',
      '🎸🔥', '🎸 rock', 'مرحبا بالعالم', 'שלום \u202Eevil', 'a'.repeat(5000), 'é'.repeat(5000), '%'.repeat(5000),
      '<script>alert(1)</script>', 'null', 'undefined', 'ab', 'a'];
    for (const q of queries) {
      for (const headers of [{} as Record<string, string>, { 'HX-Request': 'true', 'HX-Target': 'search-results' }]) {
        const res = await get(`/search?q=${encodeURIComponent(q)}`, headers);
        assert.equal(res.status, 200, JSON.stringify(q.slice(0, 20)));
        assert.ok(!res.html.includes('<script>alert'), 'escaped');
        assert.ok(res.html.length < 100_000);
      }
    }
    for (const raw of ['%ED%A0%80', '%FF%FE', '%C0%AF', '%E2%80%AE%00']) {
      assert.equal((await get(`/search?q=${raw}`)).status, 200, raw);
    }
    for (const q of ['%', '_', '%%%_', '\\']) {
      assert.match((await get(`/search?q=${encodeURIComponent(q)}`)).html, /No matches for/, `${q} matches nothing, not everything`);
    }
    const long = await get(`/search?q=${'a'.repeat(5000)}`);
    assert.match(long.html, /first 200 characters/);
    const value = /id="search-q"[^>]* value="([^"]*)"/.exec(long.html)?.[1] ?? /value="(a+)"/.exec(long.html)?.[1] ?? '';
    assert.equal(value.length, 200);
    assert.equal(normalizeSearchQuery('x\u0000y\u202E'), 'x y\u202E');
    assert.equal(normalizeSearchQuery('🎸'.repeat(300)).length, 400, '200 code points, never half an emoji');
    // A straight apostrophe for a curly one: only the fuzzy tier finds it (no time budget here,
    // so a busy machine cannot cut it).
    assert.match((await searchItems(t.deps.db, "rock'n'roll", { limit: 30, budgetMs: Infinity }))[0]?.title ?? '', /Rock’n’roll/);
  });

  test('the search page is live with htmx and works as a plain form', async () => {
    await publishedProject(t, bob, 'Live', [{ type: 'audio', title: 'Brûlée Tempête' }]);
    const page = await get('/search?q=brulee');
    assert.match(page.html, /<form method="get" action="\/search" role="search"/);
    assert.match(page.html, /hx-get="\/search" hx-trigger="input changed delay:250ms, search" hx-target="#search-results" hx-select="#search-results"/);
    assert.match(page.html, /hx-push-url="true"/);
    const fragment = await get('/search?q=brulee', { 'HX-Request': 'true', 'HX-Target': 'search-results' });
    assert.ok(fragment.html.startsWith('<div id="search-results"'));
    assert.match(fragment.html, /Brûlée Tempête/);
  });
});

describe('tags', () => {
  test('a tag page lists the tag and its descendants, child tags with counts, and a breadcrumb', async () => {
    const r = root('music');
    const { itemIds: [top, mid, leaf, leaf2] } = await project(bob, r, [
      { type: 'audio', title: 'Top level' },
      { type: 'audio', title: 'Electronic', fields: { tags: `${r}/electronic` } },
      { type: 'audio', title: 'Ambient', fields: { tags: `${r}/electronic/ambient` } },
      { type: 'audio', title: 'Ambient and jazz', fields: { tags: `${r}/electronic/ambient, ${r}/jazz` } },
    ]);
    const hidden = await hiddenItems(`${r}/electronic/ambient`, 'Tagdraft');
    const topPage = await get(`/tags/${r}`);
    assert.equal(topPage.status, 200);
    const listed = idsIn(topPage.html);
    assert.equal(listed.length, 5, 'four items plus the one visible item from hiddenItems');
    for (const id of [top, mid, leaf, leaf2]) assert.ok(listed.includes(id!));
    for (const id of hidden) assert.ok(!topPage.html.includes(id));
    assert.match(topPage.html, new RegExp(`<a href="/tags/${r}/electronic">electronic</a> <span class="muted">4 items</span>`));
    assert.match(topPage.html, new RegExp(`<a href="/tags/${r}/jazz">jazz</a> <span class="muted">1 item</span>`));

    const ambient = await get(`/tags/${r}/electronic/ambient`);
    assert.equal(ambient.status, 200);
    assert.equal(idsIn(ambient.html).length, 3);
    assert.ok(idsIn(ambient.html).includes(leaf!) && idsIn(ambient.html).includes(leaf2!));
    assert.match(ambient.html, new RegExp(`<li><a href="/tags">Tags</a></li><li><a href="/tags/${r}">${r}</a></li><li><a href="/tags/${r}/electronic">electronic</a></li><li aria-current="page">ambient</li>`));

    const electronic = await get(`/tags/${r}/electronic`);
    assert.match(electronic.html, new RegExp(`<a href="/tags/${r}/electronic/ambient">ambient</a> <span class="muted">3 items</span>`), 'a single child tag is listed too');

    const index = await get('/tags');
    assert.equal(index.status, 200);
    assert.match(index.html, new RegExp(`<a href="/tags/${r}">${r}</a> <span class="muted">5 items</span>`));
    assert.ok(!index.html.includes(`/tags/${r}/`), 'the index lists top-level tags only');
  });

  test('tag counts stop at 100 (“100+ items”) so popular tags cost no more than rare ones', async () => {
    const r = root();
    await project(bob, `${r}/big`, Array.from({ length: 101 }, (_, i) => ({ type: 'text' as const, title: `Many ${i}` })));
    await project(bob, `${r}/small`, [{ type: 'text', title: 'Few' }]);
    const page = await get(`/tags/${r}`);
    assert.match(page.html, new RegExp(`<a href="/tags/${r}/big">big</a> <span class="muted">100\\+ items</span>`));
    assert.match(page.html, new RegExp(`<a href="/tags/${r}/small">small</a> <span class="muted">1 item</span>`));
  });

  test('tag pages paginate with a cursor', async () => {
    const r = root();
    const { itemIds } = await project(alice, r, Array.from({ length: 26 }, (_, i) => ({ type: 'image' as const, title: `Pic ${i}` })));
    const pages = await walk(`/tags/${r}?sort=title`);
    assert.deepEqual(pages.map((p) => p.length), [24, 2]);
    assert.deepEqual(new Set(pages.flat()), new Set(itemIds));
    const fragment = await get(`/tags/${r}`, { 'HX-Request': 'true', 'HX-Target': 'tag-results' });
    assert.ok(fragment.html.startsWith('<div id="tag-results"'));
  });

  test('unknown and malformed tag paths are 404', async () => {
    const r = root();
    await project(alice, `${r}/sub`, [{ type: 'audio', title: 'Exists' }]);
    assert.equal((await get(`/tags/${r}/sub`)).status, 200);
    for (const [path, target] of [[`/tags/${r}/`, `/tags/${r}`], [`/tags/${r}/sub/?sort=title`, `/tags/${r}/sub?sort=title`], ['/tags/', '/tags']]) {
      const res = await get(path!);
      assert.equal(res.status, 301, path);
      assert.equal(res.headers.get('location'), target, 'a trailing slash leads to the tag’s one address');
    }
    assert.equal((await get(`/tags/${r}/sub?sort=title`)).status, 200);
    for (const path of [`/tags/${r}-nope`, `/tags/${r}/nope`, `/tags/${r}//sub`, `/tags/${r}//`, `/tags/${r}/sub//`,
      `/tags/${r}/..x`, `/tags/${r}%2F..%2Fsub`, `/tags/${r.toUpperCase()}`, `/tags/${'a/'.repeat(50)}a`,
      `/tags/${r}%00`, `/tags/${'x'.repeat(5000)}`, '/tags/%E2%80%AE', `/tags/${r}/sub%20`, `/tags//${r}`]) {
      const res = await get(path);
      assert.equal(res.status, 404, path.slice(0, 80));
    }
  });

  test('typeahead suggests up to 10 existing tags, prefix matches first', async () => {
    const r = root('sugg');
    await project(alice, `${r}/alpha`, [
      { type: 'audio', title: 'Sugg 1', fields: { tags: Array.from({ length: 6 }, (_, i) => `${r}/alpha/s${i}`).join(',') } },
      { type: 'audio', title: 'Sugg 2', fields: { tags: Array.from({ length: 6 }, (_, i) => `${r}/beta/s${i}`).join(',') } },
      { type: 'audio', title: 'Sugg 3', fields: { tags: `other${r}/${r}-inner` } },
    ]);
    const options = (html: string) => [...html.matchAll(/data-tag-path="([^"]+)"/g)].map((m) => m[1]!);
    const res = await get(`/tags/suggest?q=${r.slice(0, 8)}`);
    assert.equal(res.status, 200);
    assert.match(res.html, /^<ul id="tag-suggestions" class="disc-suggest" data-count="10"/);
    assert.ok(!res.html.includes('<html'));
    const got = options(res.html);
    assert.equal(got.length, 10);
    assert.equal(got[0], r, 'the shallowest prefix match first');
    assert.match(res.html, new RegExp(`<button type="button" class="disc-suggest-option" value="${r}" data-tag-path="${r}">${r}</button>`));

    const inner = options((await get(`/tags/suggest?q=${r}-inn`)).html);
    assert.deepEqual(inner, [`other${r}/${r}-inner`], 'a level starting with the text matches too');
    assert.deepEqual(options((await get(`/tags/suggest?q=${encodeURIComponent(` ${r.toUpperCase()}/ALPHA/S5 `)}`)).html), [`${r}/alpha/s5`]);
    // What the editor's <input name="tags"> sends: the whole field; the last entry is the one being typed.
    const field = options((await get(`/tags/suggest?tags=${encodeURIComponent(`${r}/alpha/s1, ${r}/alpha/s0,${r}/alpha/`)}`)).html);
    assert.deepEqual(field, [2, 3, 4, 5].map((i) => `${r}/alpha/s${i}`), 'entries already in the field are not offered again');
    for (const q of ['', '%', '_', '\u0000', '\\', 'x'.repeat(5000), '🎸', '../..']) {
      const empty = await get(`/tags/suggest?q=${encodeURIComponent(q)}`);
      assert.equal(empty.status, 200);
      if (q !== 'x'.repeat(5000)) assert.match(empty.html, /data-count="0"/, JSON.stringify(q));
    }
    assert.equal((await get('/tags/suggest')).status, 200);
  });
});
