// Browser journey for the catalog: a new account signs up, becomes a creator (tier, currency),
// creates a project through the wizard and one item of every type through the item wizard
// (tags through the typeahead, by keyboard and by mouse), publishes; then an anonymous visitor
// finds the work through /discover (filtered by type), the tag pages, and /search with a
// misspelt, accent-free query for an accented title. Screenshots land in artifacts/catalog/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { attachDemoFile, viewerOf } from '../support/factories.ts';
import { signUp, snap, watchErrors } from '../support/browser.ts';
import { withServerAndBrowser } from '../support/journey.ts';
import type { RunningServer } from '../support/server.ts';
import { addItem, becomeCreator, completeItemWizard, createProject, type PriceKind } from '../support/wizards.ts';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((s, b) => { server = s; browser = b; });

const J = 'catalog';

type ItemType = 'audio' | 'video' | 'text' | 'download' | 'image';
interface Spec {
  type: ItemType;
  typeLabel: string;
  title: string;
  /** Fills the tag field; may use the typeahead. */
  tags: (page: Page) => Promise<void>;
  price: { kind: PriceKind; amount?: string };
  body?: string;
}

const tagField = (page: Page) => page.getByLabel('Tags', { exact: true });
const suggestion = (page: Page, path: string) => page.locator(`#tag-suggestions button[data-tag-path="${path}"]`);

const ITEMS: Spec[] = [
  {
    type: 'audio', typeLabel: 'Audio', title: 'Rêverie Électrique',
    tags: (page) => tagField(page).fill('music/electronic/ambient'), // the first tag: nothing to suggest yet
    price: { kind: 'Fixed price', amount: '4 €' },
  },
  {
    type: 'video', typeLabel: 'Video', title: 'Tideline Film',
    async tags(page) {
      // By mouse: type the start of a tag, click the suggestion; it replaces what was typed.
      await tagField(page).fill('film/documentary, ');
      await tagField(page).pressSequentially('mus', { delay: 40 });
      await suggestion(page, 'music/electronic').waitFor();
      await snap(page, J, '06-typeahead-suggestions');
      await suggestion(page, 'music/electronic').click();
      assert.equal(await tagField(page).inputValue(), 'film/documentary, music/electronic, ');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-tags', 'focus returns to the field');
      assert.equal(await page.locator('#tag-suggestions button').count(), 0, 'the list closes');
    },
    price: { kind: 'Free' },
  },
  {
    type: 'text', typeLabel: 'Text', title: 'Notes from Kraków',
    tags: (page) => tagField(page).fill('writing/essays'),
    price: { kind: 'Pay what you want', amount: '-0' },
    body: 'The free part of the notes.\n\n<!-- more -->\n\nThe part for readers who paid.',
  },
  {
    type: 'download', typeLabel: 'Download', title: 'Granular Sampler',
    async tags(page) {
      // By keyboard: arrow down into the suggestions, Enter picks one; Escape closes the list.
      await tagField(page).fill('software/plugins, ');
      await tagField(page).pressSequentially('amb', { delay: 40 });
      await suggestion(page, 'music/electronic/ambient').waitFor();
      await tagField(page).press('ArrowDown');
      assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.tagPath), 'music/electronic/ambient');
      await page.keyboard.press('Enter');
      assert.equal(await tagField(page).inputValue(), 'software/plugins, music/electronic/ambient, ');
      await tagField(page).pressSequentially('wri', { delay: 40 });
      await suggestion(page, 'writing').waitFor();
      await tagField(page).press('Escape');
      assert.equal(await page.locator('#tag-suggestions button').count(), 0, 'Escape closes the list');
      await tagField(page).fill('software/plugins, music/electronic/ambient');
    },
    price: { kind: 'Fixed price', amount: '12.50' },
  },
  {
    type: 'image', typeLabel: 'Image', title: 'Harbour at Dawn',
    tags: (page) => tagField(page).fill('photography/landscape'),
    price: { kind: 'Free' },
  },
];

test('a new creator publishes one item of every type; a visitor finds them by discover, tags and search', async () => {
  const failed: string[] = [];
  const username = `maker_${Date.now().toString(36)}`;
  const creator = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  watchErrors(creator, failed);

  // Sign up, then become a creator: tier and currency.
  await signUp(creator, server.url, { username, email: `${username}@example.com`, password: 'a long enough password' });
  await becomeCreator(creator, { tier: 'Small Files', currency: 'EUR', beforeSubmit: (page) => snap(page, J, '01-onboarding') });
  await snap(creator, J, '02-dashboard-empty');

  // The project wizard.
  const projectUrl = await createProject(creator, {
    title: 'Harbour Sessions', description: 'Sounds, films, words and pictures from **the harbour**.', onReview: (page) => snap(page, J, '03-project-review'),
  });

  // One item of every type through the item wizard.
  for (const [n, spec] of ITEMS.entries()) {
    await addItem(creator, projectUrl, spec.typeLabel, spec.title);
    await completeItemWizard(creator, {
      description: `About ${spec.title}.`, body: spec.body, tags: spec.tags, price: spec.price,
      // Publishing needs the item's file (texts: their body); the uploader has its own journey
      // (upload.test.ts), so the file goes in through the same single-file upload directly.
      async onDetails(page) {
        const itemId = /\/dashboard\/items\/([0-9a-f-]{36})\//.exec(page.url())![1]!;
        await attachDemoFile(server, await viewerOf(server, username), itemId, spec.type);
        if (n === 0) await snap(page, J, '04-item-details');
      },
      async onReview(page) {
        await page.getByText('Everything is in place.').waitFor();
        if (n === 0) await snap(page, J, '05-item-review');
      },
    });
    // The sidebar now marks every step done, from the item's own state.
    assert.equal(await creator.locator('.wizard-steps .wizard-step-done').count(), 4, spec.title);
  }
  await creator.goto(`${server.url}/dashboard`);
  // The title's link: once an image item's file is processed its cell also holds the thumbnail
  // ("Cover of …"), so the cell's own name depends on how far processing has got.
  for (const spec of ITEMS) await creator.getByRole('cell').getByRole('link', { name: spec.title, exact: true }).waitFor();
  await snap(creator, J, '07-dashboard');

  // An anonymous visitor.
  const visitor = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  watchErrors(visitor, failed);
  const results = (page: Page, region: string) => page.locator(`#${region} .disc-card-title a`);

  // Discover, filtered by each type (htmx swaps the results as the select changes).
  await visitor.goto(`${server.url}/discover`);
  assert.equal(await results(visitor, 'discover-results').count(), ITEMS.length);
  for (const spec of ITEMS) {
    await visitor.getByLabel('Type', { exact: true }).selectOption(spec.type);
    await visitor.waitForURL(new RegExp(`type=${spec.type}`));
    await results(visitor, 'discover-results').filter({ hasText: spec.title }).waitFor();
    assert.deepEqual(await results(visitor, 'discover-results').allTextContents(), [spec.title], spec.type);
    if (spec.type === 'video') await snap(visitor, J, '08-discover-video');
  }

  // Tags: the index, a top-level tag (the tag and everything below it), then drill down.
  await visitor.goto(`${server.url}/tags`);
  await visitor.getByRole('link', { name: 'music', exact: true }).click();
  await visitor.waitForURL(/\/tags\/music$/);
  assert.deepEqual((await results(visitor, 'tag-results').allTextContents()).sort(), ['Granular Sampler', 'Rêverie Électrique', 'Tideline Film']);
  await snap(visitor, J, '09-tag-music');
  await visitor.getByRole('link', { name: 'electronic', exact: true }).click();
  await visitor.waitForURL(/\/tags\/music\/electronic$/);
  await visitor.getByRole('link', { name: 'ambient', exact: true }).click();
  await visitor.waitForURL(/\/tags\/music\/electronic\/ambient$/);
  assert.deepEqual((await results(visitor, 'tag-results').allTextContents()).sort(), ['Granular Sampler', 'Rêverie Électrique']);

  // Search, live as you type: misspelt (two letters swapped) and without accents.
  await visitor.goto(`${server.url}/search`);
  await visitor.getByLabel('Search titles, projects, creators and tags').pressSequentially('reverie elcetrique', { delay: 30 });
  await visitor.waitForURL(/\/search\?q=reverie(%20|\+)elcetrique$/);
  await results(visitor, 'search-results').filter({ hasText: 'Rêverie Électrique' }).waitFor();
  assert.equal((await results(visitor, 'search-results').allTextContents())[0], 'Rêverie Électrique');
  await snap(visitor, J, '10-search-misspelt');
  await results(visitor, 'search-results').first().click();
  await visitor.getByRole('heading', { name: 'Rêverie Électrique' }).waitFor();
  await visitor.getByText('€4.00', { exact: true }).waitFor();
  await snap(visitor, J, '11-item-page');

  // The text item: its free part for everyone, the rest kept back.
  await visitor.goto(`${server.url}/search?q=krakow`);
  await results(visitor, 'search-results').filter({ hasText: 'Notes from Kraków' }).click();
  await visitor.getByText('The free part of the notes.').waitFor();
  assert.equal(await visitor.getByText('The part for readers who paid.').count(), 0);
  await visitor.getByText('Pay what you want', { exact: true }).waitFor();
  assert.deepEqual(failed, [], 'no console errors (CSP violations show up here)');
});
