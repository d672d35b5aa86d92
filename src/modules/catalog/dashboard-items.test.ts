// The item wizard through the web layer: every type end to end, each step's validation,
// versions and chapters (publishing rules: dashboard-publishing.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { attachDemoFile, signUpCreator } from '../../../test/support/factories.ts';
import { itemWizardKit } from '../../../test/support/item-wizard-forms.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());
const { submit, itemRow, tagsOf, step, flashText, draftItem } = itemWizardKit(() => t);


describe('the whole wizard', () => {
  test('project → one item of each type → every step → published', async () => {
    const creator = await signUpCreator(t);
    const c = creator.client;
    await c.get('/dashboard/projects/new');
    const created = await submit(c, '/dashboard/projects/new', { step: 'review', go: 'publish', title: 'Everything', description: 'All kinds.' });
    const projectId = /([0-9a-f-]{36})$/.exec(created.headers.get('location')!)![1]!;

    for (const type of ['audio', 'video', 'text', 'download', 'image'] as const) {
      const start = await c.get(`/dashboard/projects/${projectId}/items/new`);
      assert.match(start.html, /aria-current="step">Type and title/);
      const res = await submit(c, `/dashboard/projects/${projectId}/items/new`, { type, title: `My ${type}` });
      assert.equal(res.status, 303, type);
      const location = res.headers.get('location')!;
      const id = /\/dashboard\/items\/([0-9a-f-]{36})\/edit\?step=details$/.exec(location)![1]!;

      // Step: details
      const details = res.next!;
      assert.equal(details.status, 200);
      assert.match(details.html, /<nav aria-label="Steps"/);
      assert.match(details.html, /aria-current="step">Details/);
      assert.match(details.html, /hx-get="\/tags\/suggest"/);
      assert.match(details.html, /hx-trigger="input changed delay:200ms"/);
      assert.match(details.html, /hx-target="#tag-suggestions"/);
      assert.match(details.html, /<div id="tag-suggestions"/);
      assert.equal(/name="body"/.test(details.html), type === 'text', 'only text items have a body');
      if (type === 'text') assert.match(details.html, /&lt;!-- more --&gt;/);
      assert.equal(/id="versions"/.test(details.html), ['audio', 'video', 'download'].includes(type));
      assert.equal(/id="chapters"/.test(details.html), type === 'audio');
      const detailFields: Record<string, string> = {
        title: `My ${type} (final)`, description: 'A *short* description.', release_date: '2026-03-01',
        credits: 'Mixing: Ana', tags: 'Music/Electronic/Ambient, field recordings', go: 'next',
      };
      if (type === 'text') detailFields.body = 'Free part.\n\n<!-- more -->\n\nPaid part.';
      const toPricing = await submit(c, step(id, 'details'), detailFields);
      assert.equal(toPricing.status, 303);
      assert.equal(toPricing.headers.get('location'), step(id, 'pricing'));

      // Step: pricing (completed steps are links)
      const pricing = toPricing.next!;
      assert.match(pricing.html, /aria-current="step">Pricing/);
      assert.match(pricing.html, new RegExp(`<a href="${step(id, 'details').replace(/[?]/g, '\\?')}">Details`));
      assert.doesNotMatch(pricing.html, new RegExp(`<a href="${step(id, 'review').replace(/[?]/g, '\\?')}">`), 'steps ahead are not links yet');
      assert.match(pricing.html, /USD uses 2 decimal places/);
      const toAi = await submit(c, step(id, 'pricing'), { price_kind: 'pwyw', price_amount: '2.50', price_suggested: '$7', go: 'next' });
      assert.equal(toAi.headers.get('location'), step(id, 'ai'));

      // Step: AI label
      assert.match(toAi.next!.html, /aria-current="step">AI label/);
      const toReview = await submit(c, step(id, 'ai'), { ai_use: 'assisted', ai_statement: 'Mastering with an AI tool.', go: 'next' });
      assert.equal(toReview.headers.get('location'), step(id, 'review'));

      // Step: review
      const review = toReview.next!;
      assert.match(review.html, /aria-current="step">Review &amp; publish/);
      assert.match(review.html, new RegExp(`My ${type} \\(final\\)`));
      assert.match(review.html, /<em>short<\/em>/);
      assert.match(review.html, /2026-03-01/);
      assert.match(review.html, /music\/electronic\/ambient/);
      assert.match(review.html, /Pay what you want \(at least \$2\.50, suggested \$7\.00\)/);
      assert.match(review.html, /Mastering with an AI tool/);
      if (type === 'text') assert.match(review.html, /free preview of 10 characters/);
      await attachDemoFile(t, creator.viewer, id, type);
      const published = await submit(c, `/dashboard/items/${id}/publish`, {});
      assert.equal(published.status, 303);
      assert.match(flashText(published.next!.html), /Published/);
      assert.match(published.next!.html, new RegExp(`href="/i/${id}"`));

      const row = await itemRow(id);
      assert.equal(row.status, 'published');
      assert.ok(row.published_at);
      assert.equal(row.title, `My ${type} (final)`);
      assert.equal(row.release_date, '2026-03-01');
      assert.equal(row.price_kind, 'pwyw');
      assert.equal(row.price_amount, 250);
      assert.equal(row.price_suggested, 700);
      assert.equal(row.ai_use, 'assisted');
      assert.equal(row.body, type === 'text' ? 'Free part.\n\n<!-- more -->\n\nPaid part.' : '');
      assert.deepEqual(await tagsOf(id), ['field-recordings', 'music/electronic/ambient']);
      assert.equal((await c.get(`/i/${id}`)).status, 200);
    }
    const dashboard = await c.get('/dashboard');
    assert.equal([...dashboard.html.matchAll(/badge-published/g)].length, 6, 'the project and its five items');
  });

  test('Back saves and goes to the previous step; an unknown step shows details', async () => {
    const creator = await signUpCreator(t);
    const { id } = await draftItem(creator);
    const back = await submit(creator.client, step(id, 'pricing'), { price_kind: 'fixed', price_amount: '3', go: 'back' });
    assert.equal(back.headers.get('location'), step(id, 'details'));
    assert.equal((await itemRow(id)).price_amount, 300);
    const odd = await creator.client.get(step(id, '<script>'));
    assert.equal(odd.status, 200);
    assert.match(odd.html, /aria-current="step">Details/);
  });

  test('with htmx, an invalid step comes back in place (200, address kept) for the swap', async () => {
    const creator = await signUpCreator(t);
    const { id } = await draftItem(creator);
    const res = await submit(creator.client, step(id, 'details'), { title: '', go: 'next' }, { 'hx-request': 'true' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('hx-push-url'), 'false');
    assert.match(res.html, /id="wizard"/);
    assert.match(res.html, /Title is required/);
    const form = /<form[^>]*hx-post="([^"]+)"[^>]*>/.exec(res.html);
    assert.equal(form?.[1]?.replaceAll('&amp;', '&'), step(id, 'details'));
  });
});

describe('validation, step by step', () => {
  test('details: titles, dates and tag paths', async () => {
    const creator = await signUpCreator(t);
    const { id } = await draftItem(creator, 'audio', 'Original');
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ title: 'x'.repeat(10_000) }, 'title', /at most 200 characters \(it has 10000\)/],
      [{ title: '   ' }, 'title', /Title is required/],
      [{ title: 'bad\u0000byte' }, 'title', /control characters/],
      [{ credits: 'nul\u0000' }, 'credits', /control characters/],
      [{ release_date: '2026-02-30' }, 'release_date', /real date/],
      [{ release_date: 'tomorrow' }, 'release_date', /real date/],
      [{ release_date: '99999-01-01' }, 'release_date', /real date/],
      [{ tags: 'music//ambient' }, 'tags', /empty level/],
      [{ tags: 'music/../etc' }, 'tags', /not a name/],
      [{ tags: '..' }, 'tags', /not a name/],
      [{ tags: Array.from({ length: 50 }, (_, i) => `l${i}`).join('/') }, 'tags', /at most 8 levels/],
      [{ tags: 'ok, bad\u0000tag' }, 'tags', /control characters/],
      [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`).join(', ') }, 'tags', /At most 10 tags/],
    ];
    for (const [fields, field, message] of cases) {
      const res = await submit(creator.client, step(id, 'details'), { title: 'Still fine', ...fields, go: 'next' });
      assert.equal(res.status, 422, JSON.stringify(fields).slice(0, 50));
      assert.match(res.html, message);
      assert.match(res.html, new RegExp(`id="f-${field}-error"`), `error shown beside ${field}`);
      assert.match(res.html, /aria-current="step">Details/);
      if (field !== 'title') assert.match(res.html, /value="Still fine"/, 'typed values are kept');
    }
    const row = await itemRow(id);
    assert.equal(row.title, 'Original', 'nothing was saved');
    assert.equal(row.release_date, null);
    assert.deepEqual(await tagsOf(id), []);
  });

  test('details: emoji and right-to-left titles are accepted', async () => {
    const creator = await signUpCreator(t);
    const { id } = await draftItem(creator);
    for (const title of ['🌊 Waves 🌊', 'أغنية البحر', 'שיר 👋🏽 mixed']) {
      const res = await submit(creator.client, step(id, 'details'), { title, go: 'next' });
      assert.equal(res.status, 303, title);
      assert.equal((await itemRow(id)).title, title);
      assert.match(res.next!.html, new RegExp(title));
    }
  });

  test('pricing: negative, non-finite, too precise, empty, and suggested below minimum (USD)', async () => {
    const creator = await signUpCreator(t);
    const { id } = await draftItem(creator);
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ price_kind: 'fixed', price_amount: '-5' }, 'price_amount', /can’t be negative/],
      [{ price_kind: 'fixed', price_amount: '1e309' }, 'price_amount', /without exponents/],
      [{ price_kind: 'fixed', price_amount: 'Infinity' }, 'price_amount', /Enter a number like 12\.50/],
      [{ price_kind: 'fixed', price_amount: '19.999' }, 'price_amount', /USD allows at most 2 decimal places/],
      [{ price_kind: 'fixed', price_amount: '' }, 'price_amount', /Enter an amount/],
      [{ price_kind: 'fixed', price_amount: '0' }, 'price_amount', /more than zero/],
      [{ price_kind: 'fixed', price_amount: '5,00' }, 'price_amount', /groups of three digits/],
      [{ price_kind: 'pwyw', price_amount: '5', price_suggested: '4.99' }, 'price_suggested', /cannot be below the minimum/],
      [{ price_kind: 'pwyw', price_amount: '5', price_suggested: '€9' }, 'price_suggested', /doesn’t match USD/],
      [{ price_kind: 'donation' }, 'price_kind', /Choose free, a fixed price, or pay what you want/],
      [{ price_amount: '5' }, 'price_kind', /Choose free, a fixed price, or pay what you want/],
    ];
    for (const [fields, field, message] of cases) {
      const res = await submit(creator.client, step(id, 'pricing'), { ...fields, go: 'next' });
      assert.equal(res.status, 422, JSON.stringify(fields));
      assert.match(res.html, message);
      assert.match(res.html, new RegExp(`id="f-${field}-error"`));
      assert.match(res.html, /aria-current="step">Pricing/);
      if (fields.price_amount) assert.match(res.html, new RegExp(`value="${fields.price_amount.replace(/[.$]/g, '\\$&')}"`), 'typed amount kept');
    }
    const row = await itemRow(id);
    assert.equal(row.price_kind, 'free');
    assert.equal(row.price_amount, 0);

    assert.equal((await submit(creator.client, step(id, 'pricing'), { price_kind: 'fixed', price_amount: '$1,234.50', go: 'next' })).status, 303);
    assert.equal((await itemRow(id)).price_amount, 123_450);
    const again = await creator.client.get(step(id, 'pricing'));
    assert.match(again.html, /value="1234\.50"/, 'the stored price is shown exactly');
    assert.equal((await submit(creator.client, step(id, 'pricing'), { price_kind: 'free', price_amount: '99', go: 'next' })).status, 303);
    assert.deepEqual([(await itemRow(id)).price_kind, (await itemRow(id)).price_amount], ['free', 0]);
  });

  test('pricing in a zero-decimal currency (JPY)', async () => {
    const creator = await signUpCreator(t, { currency: 'JPY' });
    const { id } = await draftItem(creator);
    const page = await creator.client.get(step(id, 'pricing'));
    assert.match(page.html, /JPY has no decimal places/);
    assert.match(page.html, /<span class="wizard-currency"[^>]*>JPY<\/span>/);
    const bad = await submit(creator.client, step(id, 'pricing'), { price_kind: 'fixed', price_amount: '199.5', go: 'next' });
    assert.equal(bad.status, 422);
    assert.match(bad.html, /JPY has no decimal places/);
    assert.equal((await submit(creator.client, step(id, 'pricing'), { price_kind: 'fixed', price_amount: '1500', go: 'next' })).status, 303);
    const row = await itemRow(id);
    assert.equal(row.price_amount, 1500);
    assert.equal(row.currency, 'JPY');
    const review = await creator.client.get(step(id, 'review'));
    assert.match(review.html, /¥1,500/);
  });

  test('pricing: the currency symbol may come before or after the amount; "-0" is zero (EUR)', async () => {
    const creator = await signUpCreator(t, { currency: 'EUR' });
    const { id } = await draftItem(creator);
    for (const [amount, minor] of [['5 €', 500], ['€5', 500], ['7.50 €', 750], ['12 EUR', 1200]] as const) {
      assert.equal((await submit(creator.client, step(id, 'pricing'), { price_kind: 'fixed', price_amount: amount, go: 'next' })).status, 303, amount);
      assert.equal((await itemRow(id)).price_amount, minor, amount);
    }
    const wrong = await submit(creator.client, step(id, 'pricing'), { price_kind: 'fixed', price_amount: '5 $', go: 'next' });
    assert.equal(wrong.status, 422);
    assert.match(wrong.html, /That currency symbol doesn’t match EUR/);
    assert.equal((await submit(creator.client, step(id, 'pricing'), { price_kind: 'pwyw', price_amount: '-0', go: 'next' })).status, 303);
    assert.deepEqual([(await itemRow(id)).price_kind, (await itemRow(id)).price_amount], ['pwyw', 0]);
    const zeroFixed = await submit(creator.client, step(id, 'pricing'), { price_kind: 'fixed', price_amount: '-0', go: 'next' });
    assert.match(zeroFixed.html, /more than zero/, '"-0" is zero, and a fixed price of zero is refused as such');
  });

  test('AI label: assisted needs a statement; bad values are refused', async () => {
    const creator = await signUpCreator(t);
    const { id } = await draftItem(creator);
    const noStatement = await submit(creator.client, step(id, 'ai'), { ai_use: 'assisted', ai_statement: '  ', go: 'next' });
    assert.equal(noStatement.status, 422);
    assert.match(noStatement.html, /Say briefly how AI assisted/);
    assert.match(noStatement.html, /value="assisted" checked/);
    const bogus = await submit(creator.client, step(id, 'ai'), { ai_use: 'sort-of', go: 'next' });
    assert.equal(bogus.status, 422);
    assert.match(bogus.html, /Choose how AI was used/);
    const long = await submit(creator.client, step(id, 'ai'), { ai_use: 'assisted', ai_statement: 's'.repeat(501), go: 'next' });
    assert.equal(long.status, 422);
    assert.equal((await itemRow(id)).ai_use, null);
    assert.equal((await submit(creator.client, step(id, 'ai'), { ai_use: 'generated', go: 'next' })).status, 303);
    assert.equal((await itemRow(id)).ai_use, 'generated');
  });
});

describe('versions and chapters', () => {
  test('versions: add, refuse bad input and duplicates, delete', async () => {
    const creator = await signUpCreator(t);
    const { id } = await draftItem(creator, 'download', 'Synth');
    const added = await submit(creator.client, `/dashboard/items/${id}/versions`, { label: '1.0', released_on: '2026-01-10', changelog: 'First release.' });
    assert.equal(added.status, 303);
    assert.match(flashText(added.next!.html), /Version added/);
    assert.match(added.next!.html, /<td>1\.0<\/td>[\s\S]*2026-01-10[\s\S]*First release\./);

    for (const [fields, message] of [
      [{ label: '1.0' }, /already a version “1\.0”/],
      [{ label: '' }, /Version is required/],
      [{ label: 'x'.repeat(51) }, /at most 50/],
      [{ label: '1.1', released_on: '2026-13-01' }, /real date/],
      [{ label: 'nul\u0000' }, /control characters/],
    ] as [Record<string, string>, RegExp][]) {
      const res = await submit(creator.client, `/dashboard/items/${id}/versions`, { changelog: 'typed changelog', ...fields });
      assert.equal(res.status, 422, JSON.stringify(fields));
      assert.match(res.html, message);
      assert.match(res.html, /typed changelog/);
    }
    const today = await submit(creator.client, `/dashboard/items/${id}/versions`, { label: '1.1' });
    assert.equal(today.status, 303);
    const versions = await t.deps.db.selectFrom('item_versions').selectAll().where('item_id', '=', id).orderBy('label').execute();
    assert.deepEqual(versions.map((v) => v.label), ['1.0', '1.1']);
    assert.equal(versions[1]!.released_on, new Date().toISOString().slice(0, 10));

    const removed = await submit(creator.client, `/dashboard/items/${id}/versions/${versions[0]!.id}/delete`, {});
    assert.equal(removed.status, 303);
    assert.match(flashText(removed.next!.html), /Version deleted/);
    assert.equal((await submit(creator.client, `/dashboard/items/${id}/versions/${versions[0]!.id}/delete`, {})).status, 404, 'already gone');
    assert.equal((await t.deps.db.selectFrom('item_versions').select('id').where('item_id', '=', id).execute()).length, 1);

    const text = await draftItem(creator, 'text', 'No versions');
    assert.equal((await submit(creator.client, `/dashboard/items/${text.id}/versions`, { label: '1.0' })).status, 409);
  });

  test('chapters: "m:ss Title" per line, errors keep the text, only for audio', async () => {
    const creator = await signUpCreator(t);
    const { id } = await draftItem(creator, 'audio', 'Podcast');
    const saved = await submit(creator.client, `/dashboard/items/${id}/chapters`, { chapters: '0:00 Intro\n3:15 Chorus\n1:02:30 Q&A' });
    assert.equal(saved.status, 303);
    assert.match(flashText(saved.next!.html), /Chapters saved/);
    assert.match(saved.next!.html, /0:00 Intro\n3:15 Chorus\n1:02:30 Q&amp;A/);
    const rows = await t.deps.db.selectFrom('item_chapters').selectAll().where('item_id', '=', id).orderBy('start_seconds').execute();
    assert.deepEqual(rows.map((r) => [r.start_seconds, r.title]), [[0, 'Intro'], [195, 'Chorus'], [3750, 'Q&A']]);

    for (const [chapters, message] of [
      ['0:00 Intro\nthree fifteen Chorus', /should look like “3:15 Chorus”/],
      ['0:00 A\n0:00 B', /Two chapters start at 0:00/],
      ['0:00 bad\u0000', /control characters/],
    ] as [string, RegExp][]) {
      const res = await submit(creator.client, `/dashboard/items/${id}/chapters`, { chapters });
      assert.equal(res.status, 422);
      assert.match(res.html, message);
      assert.match(res.html, /id="f-chapters-error"/);
    }
    const kept = await submit(creator.client, `/dashboard/items/${id}/chapters`, { chapters: '0:00 Intro\nnot a chapter' });
    assert.match(kept.html, /0:00 Intro\nnot a chapter/);
    assert.equal((await t.deps.db.selectFrom('item_chapters').select('id').where('item_id', '=', id).execute()).length, 3, 'unchanged');

    assert.equal((await submit(creator.client, `/dashboard/items/${id}/chapters`, { chapters: '' })).status, 303);
    assert.equal((await t.deps.db.selectFrom('item_chapters').select('id').where('item_id', '=', id).execute()).length, 0);
    const video = await draftItem(creator, 'video', 'Film');
    assert.equal((await submit(creator.client, `/dashboard/items/${video.id}/chapters`, { chapters: '0:00 Start' })).status, 409);
  });
});
