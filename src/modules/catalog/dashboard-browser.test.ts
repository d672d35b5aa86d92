// The dashboard in Debian's Chromium: the project wizard, then an item through every step with
// htmx swapping steps in place (address bar following, validation errors shown in place), and
// no console errors (a CSP violation would show up there). Screenshots go to
// artifacts/dashboard/ (git-ignored), as the journeys' do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { snap, watchErrors } from '../../../test/support/browser.ts';
import { attachDemoFile, signUpCreator } from '../../../test/support/factories.ts';
import { withServerAndBrowser } from '../../../test/support/journey.ts';
import type { RunningServer } from '../../../test/support/server.ts';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((s, b) => { server = s; browser = b; });

const shot = (page: Page, name: string) => snap(page, 'dashboard', name);

test('create a project and publish an item through the wizard, with htmx', async () => {
  const creator = await signUpCreator(server);
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.addCookies([...creator.client.cookies].map(([name, value]) => ({ name, value, url: server.url })));
  const page = await context.newPage();
  const failed = watchErrors(page);

  await page.goto(`${server.url}/dashboard`);
  await page.getByRole('heading', { name: 'Create your first project' }).waitFor();
  await shot(page, '01-dashboard-empty');

  await page.getByRole('link', { name: 'Create your first project' }).last().click();
  await page.getByLabel('Title').fill('Night Drives');
  await page.getByLabel('Description').fill('Music for **long** drives after dark.');
  await page.getByRole('button', { name: 'Next: review' }).click();
  await page.getByRole('heading', { name: 'Review your project' }).waitFor();
  await shot(page, '02-project-review');
  await page.getByRole('button', { name: 'Create and publish' }).click();
  await page.getByText('Project created and published').waitFor();

  await page.getByRole('link', { name: 'Add item', exact: true }).click();
  await page.getByText('Audio', { exact: true }).click();
  await page.getByLabel('Title').fill('Tunnel Lights');
  await page.getByRole('button', { name: /Create and continue/ }).click();
  await page.waitForURL(/step=details$/);
  // Publishing needs a file; the uploader has its own browser tests, so the file goes in directly.
  const itemId = /\/dashboard\/items\/([0-9a-f-]{36})\//.exec(page.url())![1]!;
  await attachDemoFile(server, creator.viewer, itemId, 'audio');
  await page.getByLabel('Description').fill('Seven minutes of *slow* synths.');
  await page.getByLabel('Tags').fill('music/electronic/ambient');
  await shot(page, '03-item-details');

  // From here the wizard swaps in place: the URL follows, the page is not reloaded.
  await page.evaluate(() => { (window as unknown as { marker: boolean }).marker = true; });
  await page.getByRole('button', { name: /Save and continue/ }).click();
  await page.waitForURL(/step=pricing$/);
  await page.getByRole('heading', { name: /^Pricing:/ }).waitFor();
  assert.equal(await page.evaluate(() => (window as unknown as { marker?: boolean }).marker), true, 'htmx swapped the step in place');

  await page.getByText('Fixed price', { exact: true }).click();
  await page.getByLabel(/^Price, or the minimum/).fill('19.999');
  await page.getByRole('button', { name: /Save and continue/ }).click();
  await page.getByText('USD allows at most 2 decimal places').waitFor();
  assert.match(page.url(), /step=pricing$/);
  assert.equal(await page.getByLabel(/^Price, or the minimum/).inputValue(), '19.999', 'the typed value is kept');
  await shot(page, '04-item-pricing-error');
  await page.getByLabel(/^Price, or the minimum/).fill('19.99');
  await page.getByRole('button', { name: /Save and continue/ }).click();
  await page.waitForURL(/step=ai$/);

  await page.getByText('Made with AI assistance', { exact: true }).click();
  await page.getByRole('button', { name: /Save and continue/ }).click();
  await page.getByText('Say briefly how AI assisted').waitFor();
  await shot(page, '05-item-ai-error');
  await page.getByText('Handmade — no generative AI', { exact: true }).click();
  await page.getByRole('button', { name: /Save and continue/ }).click();
  await page.waitForURL(/step=review$/);
  await page.getByText('Everything is in place.').waitFor();
  await shot(page, '06-item-review');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByText(/^Published\./).waitFor();

  await page.goto(`${server.url}/dashboard`);
  await page.getByRole('cell', { name: 'Tunnel Lights', exact: true }).waitFor();
  await shot(page, '07-dashboard');
  await page.getByRole('link', { name: 'Night Drives' }).first().click();
  await page.getByRole('heading', { name: 'Project details' }).waitFor();
  await shot(page, '08-project-edit');
  assert.deepEqual(failed, []);
  await context.close();
});
