// CSRF: every state-changing route the app registers (app.routes: POST, PUT, DELETE, PATCH),
// sent by a signed-in owner whose cookies are all valid — so each request would succeed — but
// without the CSRF token, with garbage, or with a real token minted for another browser's
// cookie (what a cross-site page could at best replay). Every one is refused with 403 and
// nothing in the database changes. Routes that authenticate by their own signature instead
// (webhooks, signed storage URLs) are refused without one.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { TestClient } from '../support/client.ts';
import { checkoutKey } from '../support/commerce.ts';
import { makeCast, type Cast } from './fixture.ts';

let t: TestApp;
let cast: Cast;
before(async () => {
  t = await createTestApp();
  cast = await makeCast(t);
});
after(() => t.close());

/** A route pattern with the owner's real ids in it (the CSRF check runs before any handler). */
function concrete(route: string): string {
  const { ids } = cast;
  const owner = cast.users.owner.viewer.username;
  return route
    .replace(/:handle\{.*?\}\}\/:slug\{.*?\}\}/, `@${owner}/${ids.projectSlug}`).replace(/:handle\{.*?\}\}/, `@${owner}`)
    .replace(':versionId', ids.version).replace(':orderId', ids.order).replace(':sessionId', ids.session).replace(':username', owner)
    .replace(':provider', 'local').replace('/storage/*', '/storage/media/x').replace('/tags/*', '/tags/music')
    .replace(/^\/dashboard\/projects\/:id/, `/dashboard/projects/${ids.project}`).replace(/^\/dashboard\/media\/:id/, `/dashboard/media/${ids.file}`)
    .replace(/^\/dashboard\/media\/upload$/, `/dashboard/media/upload?target=project_cover&projectId=${ids.project}`)
    .replace(/^\/api\/uploads\/:id/, `/api/uploads/${ids.file}`).replace(/^\/account\/sessions\/:id/, '/account/sessions/00000000-0000-4000-8000-000000000000')
    .replace(':id', ids.item);
}

/** Fields that make each form valid, so only the missing token can be the reason for a refusal. */
function validForm(route: string): Record<string, string> {
  const forms: Record<string, Record<string, string>> = {
    '/signup': { username: 'csrf_victim', email: 'csrf_victim@example.com', password: 'a long enough password' },
    '/login': { identifier: cast.users.owner.viewer.username, password: cast.users.owner.password },
    '/dashboard/projects/new': { title: 'Planted project', description: '' },
    '/dashboard/projects/:id': { title: 'Hijacked', description: '', status: 'published' },
    '/dashboard/projects/:id/items/new': { type: 'text', title: 'Planted item' },
    '/dashboard/items/:id/edit': { title: 'Hijacked', go: 'next' },
    '/dashboard/items/:id/versions': { label: '6.6.6' },
    '/dashboard/items/:id/chapters': { chapters: '0:00 Hijacked' },
    '/dashboard/settings': { display_name: 'Hijacked', bio: '', tier: 'basic', currency: 'USD', links: '' },
    '/dashboard/items/bulk': { action: 'unpublish', ids: cast.ids.item },
    '/dashboard/projects/bulk': { action: 'unpublish', ids: cast.ids.project },
    '/i/:id/checkout': { checkout_key: checkoutKey(), email: 'x@example.com' },
    '/tip/:username': { checkout_key: checkoutKey(), amount: '5', email: 'x@example.com' },
    '/checkout/test/:sessionId': { outcome: 'pay' },
    '/password/forgot': { email: cast.users.owner.viewer.email },
    '/creator/start': { tier: 'basic', currency: 'USD' },
    '/dashboard/sales/:orderId/refund': { confirm: 'yes' },
    '/dashboard/media/:id/delete': { confirm: 'yes' },
  };
  return forms[route] ?? {};
}

/** Rows of the tables a forged request could touch, as one comparable value. */
async function snapshot() {
  const tables = ['users', 'sessions', 'account_tokens', 'creators', 'projects', 'items', 'item_versions', 'item_chapters', 'item_tags', 'media_files', 'upload_sessions', 'orders', 'payments', 'refunds', 'connected_accounts', 'mail_outbox'];
  const out: Record<string, string> = {};
  for (const name of tables) {
    const { rows } = await sql<{ h: string | null }>`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ${sql.table(name)} t`.execute(t.deps.db);
    out[name] = rows[0]!.h ?? '';
  }
  return out;
}

/** The no-JavaScript upload forms: multipart bodies streamed by the route, which checks the token. */
const STREAMED = ['/dashboard/items/:id/files/upload', '/dashboard/media/upload'];

const stateChanging = () => {
  const seen = new Set<string>();
  return t.app.routes.filter((r) => ['POST', 'PUT', 'DELETE', 'PATCH'].includes(r.method))
    .map((r) => ({ method: r.method, route: r.path })).filter((r) => !seen.has(`${r.method} ${r.route}`) && seen.add(`${r.method} ${r.route}`));
};

test('every POST, PUT and DELETE route refuses a request without a valid CSRF token, and nothing changes', async () => {
  const routes = stateChanging();
  assert.ok(routes.length >= 35, `${routes.length} state-changing routes`);
  // A real token, but for another browser's cookie: what a cross-site attacker could obtain.
  const attacker = new TestClient(t.app);
  await attacker.get('/login');
  const foreignToken = attacker.csrf;
  assert.ok(foreignToken && foreignToken !== cast.clients.owner.csrf);

  const before = await snapshot();
  const wrong: string[] = [];
  for (const { method, route } of routes) {
    const path = concrete(route);
    for (const anonymous of [false, true]) {
      const client = anonymous ? cast.clients.anonymous : cast.clients.owner;
      for (const [label, token] of [['no token', null], ['garbage', 'forged-token'], ['another browser\'s token', foreignToken]] as const) {
        let res: Response;
        if (STREAMED.includes(route)) {
          // The streamed no-JS uploads check the token themselves, field before file.
          const form = new FormData();
          if (token) form.append('_csrf', token);
          form.append('file', new Blob([Buffer.from('RIFF fake wav')], { type: 'audio/wav' }), 'planted.wav');
          res = await client.send(path, { method, body: form });
        } else if (route.startsWith('/api/')) {
          res = await client.send(path, { method, headers: { 'content-type': 'application/json', ...(token ? { 'x-csrf-token': token } : {}) },
            body: JSON.stringify({ fileName: 'planted.wav', size: 10, type: 'audio/wav', itemId: cast.ids.item, partNumbers: [1] }) });
        } else {
          const body = new URLSearchParams({ ...validForm(route), ...(token ? { _csrf: token } : {}) });
          res = await client.send(path, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
        }
        const html = await res.clone().text();
        const refused = route === '/webhooks/:provider' ? res.status === 400 // no signature
          : route === '/webhooks/stripe/connect' ? res.status === 404 // Stripe's Connect endpoint: absent with the local provider
          : route === '/storage/*' ? res.status === 403 // no signature
          // To /login (visitor) or back to the item with the message (owner); the snapshot
          // below shows nothing was stored.
          : STREAMED.includes(route) ? res.status === 303
          : res.status === 403 && /expired or was sent from another site/.test(html);
        if (!refused) wrong.push(`${method} ${route} (${anonymous ? 'visitor' : 'owner'}, ${label}): ${res.status} ${res.headers.get('location') ?? ''}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
  assert.deepEqual(await snapshot(), before, 'no forged request changed anything');
  // The upload form's refusal says why, on the page it returns to.
  const upload = new FormData();
  upload.append('_csrf', 'forged');
  upload.append('file', new Blob([Buffer.from('x')]), 'x.wav');
  const res = await cast.clients.owner.send(concrete('/dashboard/items/:id/files/upload'), { method: 'POST', body: upload });
  const page = await cast.clients.owner.get(res.headers.get('location')!);
  assert.match(page.html, /expired or was sent from another site/);
});

test('with the token, the same owner requests go through (the refusals above were about the token)', async () => {
  const c = cast.clients.owner;
  await c.get(`/dashboard/items/${cast.ids.item}/edit?step=details`);
  const res = await c.post(`/dashboard/items/${cast.ids.item}/versions`, { label: '7.0' });
  assert.equal(res.status, 303);
  const labels = (await t.deps.db.selectFrom('item_versions').select('label').where('item_id', '=', cast.ids.item).execute()).map((v) => v.label);
  assert.ok(labels.includes('7.0'));
});
