// Browser journey: sign up → read the verification mail in the dev mailbox → verify → log out
// → log in → sign in on a second device → revoke it from the first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Browser } from 'playwright-core';
import { openMail, snap, watchErrors } from '../support/browser.ts';
import { withServerAndBrowser } from '../support/journey.ts';
import type { RunningServer } from '../support/server.ts';

let server: RunningServer;
let browser: Browser;
withServerAndBrowser((s, b) => { server = s; browser = b; });

test('sign up, verify by email, log out and in, revoke another device', async () => {
  const J = 'accounts';
  const username = `journey_${Date.now().toString(36)}`;
  const password = 'correct horse battery staple';
  const laptop = await (await browser.newContext()).newPage();
  const failed = watchErrors(laptop);

  await laptop.goto(server.url);
  await snap(laptop, J, '01-home');
  await laptop.getByRole('link', { name: 'Sign up' }).first().click();
  await laptop.getByLabel('Username').fill(username);
  await laptop.getByLabel('Email').fill(`${username}@example.com`);
  await laptop.getByLabel('Password').fill('short');
  await laptop.getByRole('button', { name: 'Sign up' }).click();
  await assert.doesNotReject(laptop.getByText('Password must be at least 8 characters.').waitFor());
  assert.equal(await laptop.getByLabel('Username').inputValue(), username, 'typed values survive a failed submit');
  await snap(laptop, J, '02-signup-error');
  await laptop.getByLabel('Password').fill(password);
  await laptop.getByRole('button', { name: 'Sign up' }).click();
  await laptop.waitForURL(/\/account$/);
  await laptop.getByText('Please confirm your email address').waitFor();
  await snap(laptop, J, '03-account-unverified');

  // The worker delivers the mail to the development mailbox.
  const mail = await openMail(laptop, server.url, `${username}@example.com`, 'Confirm your email for Makenot.work');
  await snap(laptop, J, '04-mailbox');
  await mail.getByRole('link').first().click();
  await laptop.getByRole('button', { name: 'Confirm my email address' }).click();
  await laptop.getByRole('heading', { name: 'Email confirmed' }).waitFor();
  await laptop.goto(`${server.url}/account`);
  assert.equal(await laptop.getByText('Please confirm your email address').count(), 0);
  await laptop.getByText('confirmed', { exact: true }).waitFor();

  await laptop.getByRole('button', { name: 'Log out' }).first().click();
  await laptop.getByText('You are logged out.').waitFor();
  await laptop.getByRole('link', { name: 'Log in' }).first().click();
  await laptop.getByLabel('Username or email').fill(username);
  await laptop.getByLabel('Password').fill('wrong password');
  await laptop.getByRole('button', { name: 'Log in' }).click();
  await laptop.getByText('do not match').waitFor();
  await laptop.getByLabel('Password').fill(password);
  await laptop.getByRole('button', { name: 'Log in' }).click();
  await laptop.waitForURL(/\/account$/);

  const phone = await (await browser.newContext({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1' })).newPage();
  await phone.goto(`${server.url}/login`);
  await phone.getByLabel('Username or email').fill(`${username}@example.com`);
  await phone.getByLabel('Password').fill(password);
  await phone.getByRole('button', { name: 'Log in' }).click();
  await phone.waitForURL(/\/account$/);

  await laptop.reload();
  const phoneRow = laptop.getByRole('row').filter({ hasText: 'Safari on iOS' });
  await phoneRow.waitFor();
  await snap(laptop, J, '05-sessions');
  await phoneRow.getByRole('button', { name: 'Revoke' }).click();
  await laptop.getByText('That device was logged out.').waitFor();
  assert.equal(await laptop.getByRole('row').filter({ hasText: 'Safari on iOS' }).count(), 0);

  await phone.reload();
  await phone.waitForURL(/\/login\?next=/);
  await snap(phone, J, '06-phone-signed-out');
  assert.deepEqual(failed, [], 'no console errors (CSP violations show up here)');
});
