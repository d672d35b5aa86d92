import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ensureDemoContent } from '../src/seed.ts';
import { createTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(() => t.close());

test('demo content is seeded once through the real services, and is browsable', async () => {
  await ensureDemoContent(t.deps);
  await ensureDemoContent(t.deps); // a restart must not duplicate anything
  const items = await t.deps.db.selectFrom('items').select(['type', 'status']).execute();
  assert.equal(items.length, 6);
  assert.deepEqual([...new Set(items.map((i) => i.type))].sort(), ['audio', 'download', 'image', 'text', 'video']);
  assert.ok(items.every((i) => i.status === 'published'));
  const profile = await t.app.request('/@demo');
  assert.equal(profile.status, 200);
  const html = await profile.text();
  assert.match(html, /Night Buses/);
  const project = await t.app.request('/@demo/night-buses');
  assert.match(await project.text(), /Café Mélancolie/);
});
