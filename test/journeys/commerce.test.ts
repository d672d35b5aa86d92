// Browser journey with the local test provider: a fan buys a text, pays on the TEST MODE
// checkout page, finds it in the library and reads it; the creator refunds; access is gone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { logIn, snap, watchErrors } from '../support/browser.ts';
import { publishedProject, signUpCreator, signUpUser } from '../support/factories.ts';
import { withServerAndBrowser } from '../support/journey.ts';
import type { RunningServer } from '../support/server.ts';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((s, b) => { server = s; browser = b; });

test('a fan buys a text, reads it from the library; the creator refunds and access is gone', async () => {
  const J = 'commerce';
  const creator = await signUpCreator(server, { currency: 'EUR' });
  const fan = await signUpUser(server);
  const { itemIds: [itemId] } = await publishedProject(server, creator, 'Night essays', [{
    type: 'text', title: 'On tides', fields: { price_kind: 'fixed', price_amount: '3.00', body: 'The opening lines.\n\n<!-- more -->\n\nThe ending only buyers read.' },
  }]);
  const failed: string[] = [];
  const fanPage = await (await browser.newContext()).newPage();
  watchErrors(fanPage, failed);

  await logIn(fanPage, server.url, fan.viewer.username, fan.password);
  await fanPage.goto(`${server.url}/i/${itemId}`);
  await fanPage.getByRole('heading', { name: 'Keep reading' }).waitFor();
  assert.equal(await fanPage.getByText('The ending only buyers read.').count(), 0);
  await snap(fanPage, J, '01-item-paywall');
  await fanPage.getByRole('button', { name: 'Buy for €3.00' }).click();

  await fanPage.waitForURL(/\/checkout\/test\//);
  await fanPage.getByText('TEST MODE').waitFor();
  await snap(fanPage, J, '02-test-checkout');
  await fanPage.getByRole('button', { name: 'Pay €3.00 (test)' }).click();

  await fanPage.waitForURL(/\/library/);
  await fanPage.getByRole('heading', { name: 'Your library' }).waitFor();
  const group = fanPage.getByRole('region', { name: creator.viewer.displayName });
  await group.getByRole('link', { name: 'On tides' }).waitFor();
  await snap(fanPage, J, '03-library');
  await group.getByRole('link', { name: 'On tides' }).click();
  await fanPage.getByText('The ending only buyers read.').waitFor();
  await fanPage.getByText('In your library.').waitFor();
  await snap(fanPage, J, '04-reading');

  const creatorPage = await (await browser.newContext()).newPage();
  await logIn(creatorPage, server.url, creator.viewer.username, creator.password);
  await creatorPage.goto(`${server.url}/dashboard/sales`);
  await creatorPage.getByRole('cell', { name: fan.viewer.email, exact: true }).waitFor();
  await creatorPage.getByText('€3.00').first().waitFor();
  await snap(creatorPage, J, '05-sales');
  await creatorPage.getByRole('link', { name: /^Refund/ }).click();
  // The confirmation: who gets what back, and what they lose.
  await creatorPage.getByRole('heading', { name: `Refund €3.00 to ${fan.viewer.email}?` }).waitFor();
  await creatorPage.getByText('On tides').waitFor();
  await creatorPage.getByText(/they lose access to what they bought/).waitFor();
  await snap(creatorPage, J, '06-refund-confirm');
  await creatorPage.getByRole('button', { name: 'Refund €3.00' }).click();
  await creatorPage.getByText('Refunded. The buyer no longer has access.').waitFor();
  await creatorPage.getByText('refunded', { exact: true }).waitFor();
  await snap(creatorPage, J, '07-refunded');

  await fanPage.reload();
  await fanPage.getByRole('heading', { name: 'Keep reading' }).waitFor();
  assert.equal(await fanPage.getByText('The ending only buyers read.').count(), 0);
  await fanPage.goto(`${server.url}/library`);
  await fanPage.getByText('refunded — no longer available').waitFor();
  assert.equal(await fanPage.getByRole('link', { name: 'On tides' }).count(), 0);
  await snap(fanPage, J, '08-access-gone');
  assert.deepEqual(failed, [], 'no console errors (CSP violations show up here)');
});

test('a creator prices the whole project; a fan buys the album and finds it in the library as one entry', async () => {
  const J = 'commerce-album';
  const creator = await signUpCreator(server, { currency: 'EUR' });
  const fan = await signUpUser(server);
  const { project } = await publishedProject(server, creator, 'Harbour lights', [
    { type: 'audio', title: 'First light', fields: { price_kind: 'fixed', price_amount: '1.00' } },
    { type: 'audio', title: 'Low tide', fields: { price_kind: 'fixed', price_amount: '1.00' } },
  ]);
  const failed: string[] = [];
  const creatorPage = await (await browser.newContext()).newPage();
  watchErrors(creatorPage, failed);
  await logIn(creatorPage, server.url, creator.viewer.username, creator.password);
  await creatorPage.goto(`${server.url}/dashboard/projects/${project.id}`);
  const amounts = creatorPage.getByLabel('Price, or the minimum for pay what you want');
  assert.equal(await amounts.isVisible(), false, 'no amount fields while the project sells items only');
  await creatorPage.getByRole('radio', { name: /Fixed price One price for everything/ }).check();
  await amounts.fill('1.50');
  await snap(creatorPage, J, '01-album-price');
  await creatorPage.getByRole('button', { name: 'Save project' }).click();
  await creatorPage.getByText('Project saved.').waitFor();

  const fanPage = await (await browser.newContext()).newPage();
  watchErrors(fanPage, failed);
  await logIn(fanPage, server.url, fan.viewer.username, fan.password);
  await fanPage.goto(`${server.url}/@${creator.viewer.username}/${project.slug}`);
  await fanPage.getByRole('heading', { name: 'Buy the album' }).waitFor();
  await fanPage.getByRole('link', { name: `Tip ${creator.viewer.displayName}` }).waitFor();
  await snap(fanPage, J, '02-project-page');
  await fanPage.getByRole('button', { name: 'Buy the album for €1.50' }).click();
  await fanPage.waitForURL(/\/checkout\/test\//);
  await fanPage.getByRole('button', { name: 'Pay €1.50 (test)' }).click();
  await fanPage.waitForURL(/\/library/);
  const group = fanPage.getByRole('region', { name: creator.viewer.displayName });
  await group.getByText('Album · 2 items').waitFor();
  await group.getByRole('link', { name: 'Low tide' }).waitFor();
  await snap(fanPage, J, '03-library-album');
  await group.getByRole('link', { name: 'First light' }).click();
  await fanPage.getByText('In your library.').waitFor();
  await fanPage.goto(`${server.url}/@${creator.viewer.username}/${project.slug}`);
  await fanPage.getByText('The album is in your library.').waitFor();
  assert.deepEqual(failed, [], 'no console errors (CSP violations show up here)');
});
