// Debian's Chromium driven by playwright-core (never a downloaded browser build), and the
// small steps every browser journey repeats: watching for errors, logging in, reading the
// development mailbox, asking the site-wide player where it is.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { ARTIFACTS_DIR } from './artifacts.ts';

export { ARTIFACTS_DIR, saveLog } from './artifacts.ts';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves a full-page screenshot under artifacts/<journey>/<name>.png (git-ignored). */
export async function snap(page: Page, journey: string, name: string) {
  const dir = path.join(ARTIFACTS_DIR, journey);
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/**
 * Collects console errors and uncaught page errors into the returned list. Expected 4xx answers
 * (a refused form, a refused download) also log "Failed to load resource" and are left out;
 * anything else, such as a Content-Security-Policy violation, is a defect.
 */
export function watchErrors(page: Page, into: string[] = []): string[] {
  // Where it happened: the page's address, for a message that does not name its own.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) into.push(`${m.text()} (on ${m.location().url || page.url()})`); });
  page.on('pageerror', (e) => into.push(`${e.message} (on ${page.url()})`));
  return into;
}

/** Logs in through the form and waits until the app has sent the browser on. */
export async function logIn(page: Page, baseUrl: string, login: string, password: string) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/**
 * Opens /dev/mailbox and returns the newest email to `to` whose subject matches, reloading
 * while the worker has not delivered it yet.
 */
export async function openMail(page: Page, baseUrl: string, to: string, subject: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
  await page.goto(`${baseUrl}/dev/mailbox`);
  const mail = page.getByRole('article', { name: `Email to ${to}`, exact: true }).filter({ has: page.getByRole('heading', { name: subject }) }).first();
  const end = Date.now() + timeoutMs;
  while (!await mail.isVisible()) {
    if (Date.now() > end) throw new Error(`no email to ${to} about ${subject} within ${timeoutMs} ms`);
    await page.waitForTimeout(300);
    await page.reload();
  }
  return mail;
}

/** Where the site-wide player is: journeyMark is set by a test to tell the same element from a new one. */
export const playerState = (page: Page) => page.evaluate(() => {
  const a = document.getElementById('player-audio') as HTMLAudioElement & { journeyMark?: string };
  return { time: a.currentTime, paused: a.paused, duration: a.duration, mark: a.journeyMark ?? null, src: a.currentSrc };
});

export type PlayerState = Awaited<ReturnType<typeof playerState>>;

/** Polls the player until check passes; the error says what was awaited and what was last seen. */
export async function waitForPlayer(page: Page, what: string, check: (s: PlayerState) => boolean, timeoutMs = 20_000): Promise<PlayerState> {
  const end = Date.now() + timeoutMs;
  let last: PlayerState | undefined;
  while (Date.now() < end) {
    last = await playerState(page);
    if (check(last)) return last;
    await page.waitForTimeout(200);
  }
  throw new Error(`timed out waiting until ${what}: ${JSON.stringify(last)}`);
}

/** Signs up through the form; the browser ends on /account, logged in, the address unconfirmed. */
export async function signUp(page: Page, baseUrl: string, u: { username: string; email: string; password: string }) {
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel('Username').fill(u.username);
  await page.getByLabel('Email').fill(u.email);
  await page.getByLabel('Password').fill(u.password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(/\/account$/);
}

/** Follows the link in the newest confirmation email to this address, and confirms. */
export async function confirmEmail(page: Page, baseUrl: string, email: string) {
  const mail = await openMail(page, baseUrl, email, 'Confirm your email for Makenot.work');
  await mail.getByRole('link').first().click();
  await page.getByRole('button', { name: 'Confirm my email address' }).click();
  await page.getByRole('heading', { name: 'Email confirmed' }).waitFor();
}
