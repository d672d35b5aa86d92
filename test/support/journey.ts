// The lifecycle most browser test files share: the app server (with its worker) and Chromium,
// started before the file's tests and closed after them.
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.ts';
import { startTestServer, type RunningServer } from './server.ts';

/** Registers the file's before/after hooks; `ready` hands the running server and browser over. */
export function withServerAndBrowser(ready: (server: RunningServer, browser: Browser) => void) {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
}
