// Debian's Chromium driven by playwright-core (never a downloaded browser build).
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ARTIFACTS_DIR = path.resolve('artifacts');

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

/** Saves a process's log under artifacts/logs/<name>.log (git-ignored), to read after a failed run. */
export function saveLog(name: string, text: string) {
  const dir = path.join(ARTIFACTS_DIR, 'logs');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.log`), text);
}
