// Publishing through the web layer: what an item needs before it goes out (the AI-use label,
// content fans can get), and that a published item keeps it (decision 0015).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { attachDemoFile, signUpCreator } from '../../../test/support/factories.ts';
import { itemWizardKit } from '../../../test/support/item-wizard-forms.ts';
import { ingestLocalFile } from '../media/index.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());
const { submit, itemRow, step, flashText, draftItem } = itemWizardKit(() => t);

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
