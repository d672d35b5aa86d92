// The item wizard through the web layer: every type end to end, each step's validation,
// publishing rules, versions and chapters.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import type { TestClient } from '../../../test/support/client.ts';
import { attachDemoFile, signUpCreator, type TestUser } from '../../../test/support/factories.ts';
import { ingestLocalFile } from '../media/index.ts';
import { createItem } from './items-service.ts';
import { createProject } from './projects-service.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

async function submit(c: TestClient, path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams({ _csrf: c.csrf, ...form });
  const res = await c.send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  const location = res.headers.get('location');
  const next = res.status === 303 && location?.startsWith('/') ? await c.get(location) : null;
  return Object.assign(res, { next });
}

const itemRow = (id: string) => t.deps.db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const tagsOf = async (id: string) => (await t.deps.db.selectFrom('item_tags').select('tag_path').where('item_id', '=', id).orderBy('tag_path').execute()).map((r) => r.tag_path);
const step = (id: string, s: string) => `/dashboard/items/${id}/edit?step=${s}`;
const flashText = (html: string) => /class="flash flash-\w+"[^>]*>([^<]*)</.exec(html)?.[1] ?? '';

async function draftItem(creator: TestUser, type: 'audio' | 'video' | 'text' | 'download' | 'image' = 'audio', title = 'Untitled') {
  const project = await createProject(t.deps, creator.viewer, { title: `Project for ${title}` });
  const id = await createItem(t.deps, creator.viewer, project.id, { type, title });
  await creator.client.get(step(id, 'details'));
  return { id, projectId: project.id };
}

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

describe('publishing', () => {
  test('refused without the AI label: the review warns, Publish answers 409 and changes nothing', async () => {
    const creator = await signUpCreator(t);
    const { id } = await draftItem(creator, 'text', 'Essay');
    const review = await creator.client.get(step(id, 'review'));
    assert.match(review.html, /Before you can publish/);
    assert.match(review.html, /AI-use label is missing/);
    assert.match(review.html, /There is no description/);
    assert.match(review.html, /The text is empty/);
    assert.match(review.html, /is not published, so fans will not see this item/);
    const res = await submit(creator.client, `/dashboard/items/${id}/publish`, {});
    assert.equal(res.status, 409);
    assert.match(res.html, /role="alert">Set the AI-use label/);
    assert.equal((await itemRow(id)).status, 'draft');

    await submit(creator.client, step(id, 'ai'), { ai_use: 'handmade', go: 'next' });
    // Labelled but still empty: nothing for fans to read, so still refused.
    const empty = await submit(creator.client, `/dashboard/items/${id}/publish`, {});
    assert.equal(empty.status, 409);
    assert.match(empty.html, /role="alert">The text is empty/);
    // The refused form's address, opened again: the review step, not a 405.
    const reopened = await creator.client.send(`/dashboard/items/${id}/publish`, { method: 'GET' });
    assert.equal(reopened.status, 303);
    assert.equal(reopened.headers.get('location'), step(id, 'review'));
    await submit(creator.client, step(id, 'details'), { title: 'Essay', body: 'Something to read.', go: 'next' });
    assert.equal((await submit(creator.client, `/dashboard/items/${id}/publish`, {})).status, 303);
    assert.equal((await itemRow(id)).status, 'published');
    const unpublish = await submit(creator.client, `/dashboard/items/${id}/unpublish`, {});
    assert.equal(unpublish.status, 303);
    assert.match(flashText(unpublish.next!.html), /Unpublished/);
    assert.equal((await itemRow(id)).status, 'unpublished');
  });
  test('an audio, video or download item needs a file that is ready or processing: none, or only a failed one, is refused', async () => {
    const creator = await signUpCreator(t);
    for (const type of ['audio', 'video', 'download'] as const) {
      const { id } = await draftItem(creator, type, `Empty ${type}`);
      await submit(creator.client, step(id, 'ai'), { ai_use: 'handmade', go: 'next' });
      const review = await creator.client.get(step(id, 'review'));
      assert.match(review.html, /Before you can publish/);
      assert.match(review.html, /Upload a file before publishing: this item has no file that is ready or still processing/);
      const refused = await submit(creator.client, `/dashboard/items/${id}/publish`, {});
      assert.equal(refused.status, 409);
      assert.match(refused.html, /role="alert">Upload a file before publishing/);
      assert.equal((await itemRow(id)).status, 'draft');
      // Bulk publish holds it back too, and says why.
      await creator.client.get('/dashboard');
      const bulk = await submit(creator.client, '/dashboard/items/bulk', { action: 'publish', ids: id });
      assert.match(bulk.next!.html, new RegExp(`not published because fans would get nothing yet[^<]*Empty ${type}`));
      assert.equal((await itemRow(id)).status, 'draft');
    }

    // A file that failed processing (not audio at all) does not count; one still processing does.
    const { id } = await draftItem(creator, 'audio', 'Broken take');
    await submit(creator.client, step(id, 'ai'), { ai_use: 'handmade', go: 'next' });
    const junk = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'publish-')), 'take.mp3');
    fs.writeFileSync(junk, 'this is not audio at all '.repeat(200));
    await ingestLocalFile(t.deps, creator.viewer, { target: 'item', itemId: id }, junk, { name: 'take.mp3' });
    await t.drainJobs();
    const states = await t.deps.db.selectFrom('media_files').select('state').where('item_id', '=', id).execute();
    assert.deepEqual(states.map((f) => f.state), ['failed']);
    assert.equal((await submit(creator.client, `/dashboard/items/${id}/publish`, {})).status, 409);
    assert.match((await creator.client.get(step(id, 'review'))).html, /Upload a file before publishing/);
    await attachDemoFile(t, creator.viewer, id, 'audio'); // uploaded, processing not run yet
    assert.doesNotMatch((await creator.client.get(step(id, 'review'))).html, /Upload a file before publishing/);
    assert.equal((await submit(creator.client, `/dashboard/items/${id}/publish`, {})).status, 303);
    assert.equal((await itemRow(id)).status, 'published');
  });

  test('a published item keeps something for fans: its last file deleted or failed unpublishes it; a published text cannot be emptied', async () => {
    const creator = await signUpCreator(t);
    const c = creator.client;
    const filesOf = (id: string) => t.deps.db.selectFrom('media_files').select(['id', 'state']).where('item_id', '=', id).orderBy('created_at').execute();
    const publish = async (id: string) => {
      await submit(c, step(id, 'ai'), { ai_use: 'handmade', go: 'next' });
      assert.equal((await submit(c, `/dashboard/items/${id}/publish`, {})).status, 303);
    };

    // Two files: deleting one leaves the other, and the item stays published.
    const { id: track } = await draftItem(creator, 'audio', 'Two takes');
    await attachDemoFile(t, creator.viewer, track, 'audio');
    await attachDemoFile(t, creator.viewer, track, 'audio');
    await publish(track);
    await t.drainJobs();
    const [first, second] = await filesOf(track);
    await c.get(step(track, 'details'));
    const firstPage = await submit(c, `/dashboard/media/${first!.id}/delete`, {});
    assert.equal(firstPage.status, 200);
    assert.doesNotMatch(firstPage.html, /only file of a published item/);
    assert.equal((await submit(c, `/dashboard/media/${first!.id}/delete`, { confirm: 'yes' })).status, 303);
    assert.equal((await itemRow(track)).status, 'published');

    // The last one: the page says what happens, and it happens (no JavaScript, then with htmx).
    const lastPage = await submit(c, `/dashboard/media/${second!.id}/delete`, {});
    assert.match(lastPage.html, /This is the only file of a published item that fans can get: deleting it unpublishes the item/);
    assert.equal((await itemRow(track)).status, 'published', 'asking changes nothing');
    const deleted = await submit(c, `/dashboard/media/${second!.id}/delete`, { confirm: 'yes' });
    assert.equal(deleted.status, 303);
    assert.match(flashText(deleted.next!.html), /last file fans could get, so the item is unpublished/);
    assert.equal((await itemRow(track)).status, 'unpublished');
    assert.equal((await t.app.request(`/i/${track}`)).status, 404, 'off the shop');

    const { id: clip } = await draftItem(creator, 'video', 'One clip');
    await attachDemoFile(t, creator.viewer, clip, 'video');
    await publish(clip);
    await t.drainJobs();
    const [only] = await filesOf(clip);
    await c.get(step(clip, 'details'));
    const swapped = await submit(c, `/dashboard/media/${only!.id}/delete`, { confirm: 'yes' }, { 'hx-request': 'true' });
    assert.equal(swapped.status, 204);
    assert.equal(swapped.headers.get('hx-refresh'), 'true', 'the whole page reloads, showing the status and the message');
    assert.match(flashText((await c.get(step(clip, 'details'))).html), /so the item is unpublished/);
    assert.equal((await itemRow(clip)).status, 'unpublished');

    // Published while its only file was still processing, then processing failed: off sale.
    const { id: print } = await draftItem(creator, 'image', 'Not an image');
    const junk = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'publish-')), 'print.jpg');
    fs.writeFileSync(junk, 'random bytes, not a JPEG '.repeat(200));
    await ingestLocalFile(t.deps, creator.viewer, { target: 'item', itemId: print }, junk, { name: 'print.jpg' });
    await publish(print);
    await t.drainJobs();
    assert.deepEqual((await filesOf(print)).map((f) => f.state), ['failed']);
    assert.equal((await itemRow(print)).status, 'unpublished');

    // A published text: emptied (or left with only the preview marker) is refused, kept as it was.
    const { id: essay } = await draftItem(creator, 'text', 'Essay');
    await submit(c, step(essay, 'details'), { title: 'Essay', body: 'Words to read.', go: 'next' });
    await publish(essay);
    await c.get(step(essay, 'details'));
    for (const body of ['', '   \n\t', '<!-- more -->', '\n<!-- more -->\n&nbsp; \u00a0', '<!-- hidden -->', '<script>alert(1)</script>', '---', '<br><p></p>']) {
      const refused = await submit(c, step(essay, 'details'), { title: 'Essay', body, go: 'next' });
      assert.equal(refused.status, 422, JSON.stringify(body));
      assert.match(refused.html, /A published text needs its text: unpublish it first/);
      assert.equal((await itemRow(essay)).body, 'Words to read.');
    }
    // Publish and the delete of the last file at the same moment. The test holds the item's row
    // lock while both start, so publish has checked (or is waiting to check) while the delete
    // goes through: without the lock around check-and-publish, publish would check, the delete
    // would see a draft and leave it, and publish would then publish an empty item.
    const { id: raced } = await draftItem(creator, 'download', 'Raced');
    await attachDemoFile(t, creator.viewer, raced, 'download');
    await t.drainJobs();
    await submit(c, step(raced, 'ai'), { ai_use: 'handmade', go: 'next' });
    const [racedFile] = await filesOf(raced);
    await c.get(step(raced, 'details'));
    const waiting = async () => Number((await t.deps.pool.query(
      `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].count);
    const until = async (what: string, ok: () => Promise<boolean>) => {
      for (const deadline = Date.now() + 20_000; !(await ok());) {
        assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const holder = await t.deps.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM items WHERE id = $1 FOR UPDATE', [raced]);
      const publishing = submit(c, `/dashboard/items/${raced}/publish`, {});
      await until('publish to wait for the item', async () => (await waiting()) >= 1);
      let deleted = false;
      const deleting = submit(c, `/dashboard/media/${racedFile!.id}/delete`, { confirm: 'yes' }).then((r) => { deleted = true; return r; });
      await until('the delete to finish or wait for the item', async () => deleted || (await waiting()) >= 2);
      await holder.query('COMMIT');
      await Promise.all([publishing, deleting]);
    } finally {
      holder.release();
    }
    assert.deepEqual(await filesOf(raced), []);
    assert.notEqual((await itemRow(raced)).status, 'published', 'a publish racing the last file\'s delete never leaves it published and empty');

    // A draft text holding only the marker is not publishable either.
    const { id: marker } = await draftItem(creator, 'text', 'Only a marker');
    await submit(c, step(marker, 'details'), { title: 'Only a marker', body: '<!-- more -->', go: 'next' });
    await submit(c, step(marker, 'ai'), { ai_use: 'handmade', go: 'next' });
    assert.equal((await submit(c, `/dashboard/items/${marker}/publish`, {})).status, 409);
  });

  test('the step sidebar marks steps by what the item holds, not by where the creator is', async () => {
    const creator = await signUpCreator(t);
    const { id } = await draftItem(creator, 'audio', 'Sidebar');
    /** Each sidebar step as "label|done|note" (done: the check and the "(completed)" text). */
    const sidebar = (html: string) => [...(/<nav aria-label="Steps"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '').matchAll(/<li class="wizard-step wizard-step-(\w+)">([\s\S]*?)<\/li>/g)]
      .map(([, state, inner]) => {
        const label = /(?:<a [^>]*>|<span(?: aria-current="step")?>)([^<]+)/.exec(inner!)?.[1];
        const note = /class="wizard-step-note[^"]*">([^<]*)</.exec(inner!)?.[1] ?? '';
        const done = state === 'done';
        assert.equal(done, inner!.includes('(completed)'), 'the check and the screen-reader text agree');
        assert.equal(done, inner!.includes('>✓<'));
        return `${label}|${done ? 'done' : state}|${note}`;
      });
    // On review without an AI label: every step before it has been "passed", but AI label is not done.
    const review = await creator.client.get(step(id, 'review'));
    assert.deepEqual(sidebar(review.html), [
      'Type and title|done|Audio', 'Details|todo|No description yet', 'Pricing|done|Free', 'AI label|todo|Needed to publish',
      'Review &amp; publish|current|Draft',
    ]);
    assert.match(review.html, /class="wizard-step-note wizard-step-attention">Needed to publish</);
    assert.equal((await submit(creator.client, `/dashboard/items/${id}/publish`, {})).status, 409, 'and indeed publishing is refused');

    await submit(creator.client, step(id, 'details'), { title: 'Sidebar', description: 'Now described.', go: 'next' });
    await submit(creator.client, step(id, 'pricing'), { price_kind: 'fixed', price_amount: '4', go: 'next' });
    await submit(creator.client, step(id, 'ai'), { ai_use: 'handmade', go: 'next' });
    // Back on details: the later steps are done because the item holds them.
    assert.deepEqual(sidebar((await creator.client.get(step(id, 'details'))).html), [
      'Type and title|done|Audio', 'Details|current|Described', 'Pricing|done|$4.00', 'AI label|done|Handmade', 'Review &amp; publish|todo|Draft',
    ]);
    await attachDemoFile(t, creator.viewer, id, 'audio');
    assert.equal((await submit(creator.client, `/dashboard/items/${id}/publish`, {})).status, 303);
    assert.deepEqual(sidebar((await creator.client.get(step(id, 'ai'))).html).slice(3), ['AI label|current|Handmade', 'Review &amp; publish|done|Published']);
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
