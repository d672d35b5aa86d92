// The authorisation matrix: every route the app registers (app.routes) × {anonymous, fan,
// another creator, the owner, an admin}, each with the status it must answer. A route added
// without an expectation fails the first test, so nobody can ship one unconsidered.
//
// Requests carry a valid CSRF token (CSRF has its own test) and no form fields, so the answer
// is about who may, not about what was sent: 303 to /login for visitors where an account is
// needed, 303 to onboarding or 403 for fans on creator pages, 404 for other people's ids (not
// 403, so existence does not leak), and the owner's real answer (often 422: empty form).
// Routes are tried in the table's order and each row's roles in ROLES order, owner next to
// last, so the few owner actions that change state (publish, delete) come after the
// rows that need that state.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import type { TestClient } from '../support/client.ts';
import { logIn, makeCast, ROLES, type Cast, type Role } from './fixture.ts';

let t: TestApp;
let cast: Cast;
before(async () => {
  t = await createTestApp();
  cast = await makeCast(t, { track: true });
});
after(() => t.close());

type Statuses = [anonymous: number, fan: number, other: number, owner: number, admin: number];
interface Row { path: (ids: Cast['ids']) => string; expect: Statuses; json?: boolean }

const owner = () => cast.users.owner.viewer.username;
const NONE = '00000000-0000-4000-8000-000000000000';

// [anonymous, fan, other creator, owner, admin]. 303s go to /login for visitors and to
// /creator/start for fans on creator pages (GET); creator-only POSTs are 403 for fans.
const MATRIX: Record<string, Row> = {
  // ---- machine and static routes: the same for everyone ----
  'GET /healthz': { path: () => '/healthz', expect: [200, 200, 200, 200, 200] },
  'GET /readyz': { path: () => '/readyz', expect: [200, 200, 200, 200, 200] },
  'GET /static/app.css': { path: () => '/static/app.css', expect: [200, 200, 200, 200, 200] },
  'GET /static/favicon.svg': { path: () => '/static/favicon.svg', expect: [200, 200, 200, 200, 200] },
  'GET /static/htmx.min.js': { path: () => '/static/htmx.min.js', expect: [200, 200, 200, 200, 200] },
  'GET /static/uploader.js': { path: () => '/static/uploader.js', expect: [200, 200, 200, 200, 200] },
  'GET /static/player.js': { path: () => '/static/player.js', expect: [200, 200, 200, 200, 200] },
  'GET /static/tag-suggest.js': { path: () => '/static/tag-suggest.js', expect: [200, 200, 200, 200, 200] },
  // Storage links are authorised by their own signature, never by the session: unsigned is 403.
  'GET /storage/*': { path: () => '/storage/media/anything', expect: [403, 403, 403, 403, 403] },
  'HEAD /storage/*': { path: () => '/storage/media/anything', expect: [403, 403, 403, 403, 403] },
  'PUT /storage/*': { path: () => '/storage/media/anything', expect: [403, 403, 403, 403, 403] },
  'POST /webhooks/:provider': { path: () => '/webhooks/local', expect: [400, 400, 400, 400, 400] }, // unsigned
  'POST /webhooks/stripe/connect': { path: () => '/webhooks/stripe/connect', expect: [404, 404, 404, 404, 404] }, // Stripe only; this app runs the local provider
  'GET /dev/mailbox': { path: () => '/dev/mailbox', expect: [200, 200, 200, 200, 200] }, // development only, not mounted in production

  // ---- public pages ----
  'GET /': { path: () => '/', expect: [200, 200, 200, 200, 200] },
  'GET /discover': { path: () => '/discover', expect: [200, 200, 200, 200, 200] },
  'GET /search': { path: () => '/search?q=track', expect: [200, 200, 200, 200, 200] },
  'GET /tags': { path: () => '/tags', expect: [200, 200, 200, 200, 200] },
  'GET /tags/suggest': { path: () => '/tags/suggest?q=mus', expect: [200, 200, 200, 200, 200] },
  'GET /tags/*': { path: () => '/tags/music', expect: [200, 200, 200, 200, 200] },
  'GET /:handle{@[^/]{1,100}}': { path: () => `/@${owner()}`, expect: [200, 200, 200, 200, 200] },
  'GET /:handle{@[^/]{1,100}}/:slug{[^/]{1,100}}': { path: (ids) => `/@${owner()}/${ids.projectSlug}`, expect: [200, 200, 200, 200, 200] },
  'GET /i/:id': { path: (ids) => `/i/${ids.item}`, expect: [200, 200, 200, 200, 200] },
  'GET /tip/:username': { path: () => `/tip/${owner()}`, expect: [200, 200, 200, 200, 200] },

  // ---- accounts ----
  'GET /signup': { path: () => '/signup', expect: [200, 303, 303, 303, 303] }, // signed in: to /account
  'POST /signup': { path: () => '/signup', expect: [422, 422, 422, 422, 422] },
  'GET /login': { path: () => '/login', expect: [200, 303, 303, 303, 303] },
  'POST /login': { path: () => '/login', expect: [422, 422, 422, 422, 422] },
  'GET /verify-email': { path: () => '/verify-email', expect: [422, 422, 422, 422, 422] }, // no token
  'POST /verify-email': { path: () => '/verify-email', expect: [422, 422, 422, 422, 422] },
  'POST /account/verify/resend': { path: () => '/account/verify/resend', expect: [303, 303, 303, 303, 303] },
  'GET /password/forgot': { path: () => '/password/forgot', expect: [200, 200, 200, 200, 200] },
  'POST /password/forgot': { path: () => '/password/forgot', expect: [422, 422, 422, 422, 422] },
  'GET /password/reset': { path: () => '/password/reset', expect: [422, 422, 422, 422, 422] },
  'POST /password/reset': { path: () => '/password/reset', expect: [422, 422, 422, 422, 422] },
  'GET /account': { path: () => '/account', expect: [303, 200, 200, 200, 200] },
  'POST /account/sessions/:id/revoke': { path: () => `/account/sessions/${NONE}/revoke`, expect: [303, 303, 303, 303, 303] },
  'GET /creator/start': { path: () => '/creator/start', expect: [303, 200, 303, 303, 200] }, // creators: to /dashboard
  'POST /creator/start': { path: () => '/creator/start', expect: [303, 422, 422, 422, 422] },

  // ---- the creator dashboard: others' ids are 404, fans are sent to onboarding ----
  'GET /dashboard': { path: () => '/dashboard', expect: [303, 303, 200, 200, 303] },
  'GET /dashboard/settings': { path: () => '/dashboard/settings', expect: [303, 303, 200, 200, 303] },
  'POST /dashboard/settings': { path: () => '/dashboard/settings', expect: [303, 403, 422, 422, 403] },
  'POST /dashboard/items/bulk': { path: () => '/dashboard/items/bulk', expect: [303, 403, 303, 303, 403] }, // nothing selected: back
  'POST /dashboard/projects/bulk': { path: () => '/dashboard/projects/bulk', expect: [303, 403, 303, 303, 403] },
  'GET /dashboard/projects/new': { path: () => '/dashboard/projects/new', expect: [303, 303, 200, 200, 303] },
  'POST /dashboard/projects/new': { path: () => '/dashboard/projects/new', expect: [303, 403, 422, 422, 403] },
  'GET /dashboard/projects/:id': { path: (ids) => `/dashboard/projects/${ids.project}`, expect: [303, 303, 404, 200, 303] },
  'POST /dashboard/projects/:id': { path: (ids) => `/dashboard/projects/${ids.project}`, expect: [303, 403, 404, 422, 403] },
  'GET /dashboard/projects/:id/items/new': { path: (ids) => `/dashboard/projects/${ids.project}/items/new`, expect: [303, 303, 404, 200, 303] },
  'POST /dashboard/projects/:id/items/new': { path: (ids) => `/dashboard/projects/${ids.project}/items/new`, expect: [303, 403, 404, 422, 403] },
  'GET /dashboard/items/:id/edit': { path: (ids) => `/dashboard/items/${ids.item}/edit`, expect: [303, 303, 404, 200, 303] },
  'POST /dashboard/items/:id/edit': { path: (ids) => `/dashboard/items/${ids.item}/edit`, expect: [303, 403, 404, 303, 403] },
  'POST /dashboard/items/:id/versions': { path: (ids) => `/dashboard/items/${ids.item}/versions`, expect: [303, 403, 404, 422, 403] },
  'POST /dashboard/items/:id/chapters': { path: (ids) => `/dashboard/items/${ids.item}/chapters`, expect: [303, 403, 404, 303, 403] },
  'GET /dashboard/items/:id/files': { path: (ids) => `/dashboard/items/${ids.item}/files`, expect: [303, 303, 404, 200, 303] },
  'GET /dashboard/items/:id/files/upload': { path: (ids) => `/dashboard/items/${ids.item}/files/upload`, expect: [303, 303, 404, 303, 303] },
  // Checked before the item is looked up, so a fan learns nothing: back with "only creators".
  'POST /dashboard/items/:id/files/upload': { path: (ids) => `/dashboard/items/${ids.item}/files/upload`, expect: [303, 303, 404, 303, 303] },
  'POST /dashboard/items/:id/unpublish': { path: (ids) => `/dashboard/items/${ids.item}/unpublish`, expect: [303, 403, 404, 303, 403] },
  'POST /dashboard/items/:id/publish': { path: (ids) => `/dashboard/items/${ids.item}/publish`, expect: [303, 403, 404, 303, 403] },
  'GET /dashboard/items/:id/publish': { path: (ids) => `/dashboard/items/${ids.item}/publish`, expect: [303, 303, 404, 303, 303] },
  'POST /dashboard/items/:id/versions/:versionId/delete': { path: (ids) => `/dashboard/items/${ids.item}/versions/${ids.version}/delete`, expect: [303, 403, 404, 303, 403] },

  // ---- the upload API (JSON; 401 instead of a login redirect) ----
  'POST /api/uploads': { path: () => '/api/uploads', json: true, expect: [401, 403, 422, 422, 403] },
  'GET /api/uploads/:id': { path: (ids) => `/api/uploads/${ids.file}`, json: true, expect: [401, 403, 404, 200, 403] },
  'POST /api/uploads/:id/part-urls': { path: (ids) => `/api/uploads/${ids.file}/part-urls`, json: true, expect: [401, 403, 404, 400, 403] },
  'POST /api/uploads/:id/complete': { path: (ids) => `/api/uploads/${ids.file}/complete`, json: true, expect: [401, 403, 404, 409, 403] },
  'POST /dashboard/media/:id/reprocess': { path: (ids) => `/dashboard/media/${ids.file}/reprocess`, expect: [303, 403, 404, 409, 403] }, // only failed files
  'POST /dashboard/media/:id/delete': { path: (ids) => `/dashboard/media/${ids.file}/delete`, expect: [303, 403, 404, 409, 403] }, // not while uploading
  // Covers, the avatar and album tracks name their target in the query string.
  'GET /dashboard/projects/:id/tracks': { path: (ids) => `/dashboard/projects/${ids.project}/tracks`, expect: [303, 303, 404, 200, 303] },
  'GET /dashboard/media/image-slot': { path: (ids) => `/dashboard/media/image-slot?target=project_cover&projectId=${ids.project}`, expect: [303, 303, 404, 200, 303] },
  'POST /dashboard/media/image-slot/remove': { path: (ids) => `/dashboard/media/image-slot/remove?target=item_cover&itemId=${ids.item}`, expect: [303, 403, 404, 303, 403] },
  // The streamed no-JS form, like the item's: back with the reason (here: not a multipart body).
  'POST /dashboard/media/upload': { path: (ids) => `/dashboard/media/upload?target=project_cover&projectId=${ids.project}`, expect: [303, 303, 404, 303, 303] },
  // Public cover and avatar thumbnails: the same for everyone (no such image here).
  'GET /media/images/:fileId/:name': { path: () => `/media/images/${NONE}/320.webp`, expect: [404, 404, 404, 404, 404] },
  'DELETE /api/uploads/:id': { path: (ids) => `/api/uploads/${ids.file}`, json: true, expect: [401, 403, 404, 200, 403] },

  // ---- playback and downloads of the owner's track (previews off: buyers and the owner only) ----
  'GET /api/play/:fileId': { path: (ids) => `/api/play/${ids.track}`, expect: [403, 200, 403, 200, 403] },
  'GET /play/:fileId': { path: (ids) => `/play/${ids.track}`, expect: [403, 302, 403, 302, 403] }, // 302 to a signed URL
  'GET /play/:fileId/peaks': { path: (ids) => `/play/${ids.track}/peaks`, expect: [200, 200, 200, 200, 200] }, // the waveform of a public item
  'GET /play/:fileId/poster': { path: (ids) => `/play/${ids.track}/poster`, expect: [404, 404, 404, 404, 404] }, // audio has no poster
  'POST /api/plays/:playId': { path: () => `/api/plays/${NONE}`, json: true, expect: [200, 200, 200, 200, 200] }, // an unknown play is simply not counted
  'GET /download/:fileId/:format': { path: (ids) => `/download/${ids.track}/original`, expect: [303, 302, 303, 302, 303] }, // others: to the buy button
  'GET /download/album/:projectId/:format': { path: (ids) => `/download/album/${ids.project}/original`, expect: [403, 303, 403, 303, 403] }, // 303: to the wait page
  'GET /download/album/:projectId/:format/wait': { path: (ids) => `/download/album/${ids.project}/original/wait`, expect: [403, 200, 403, 200, 403] },

  // ---- buying (the fan owns the item; nobody may buy their own) ----
  'POST /i/:id/checkout': { path: (ids) => `/i/${ids.item}/checkout`, expect: [422, 409, 422, 409, 422] },
  'POST /tip/:username': { path: () => `/tip/${owner()}`, expect: [422, 422, 422, 409, 422] },
  // The fixture's project sells its items only, so the whole project is not for sale (404).
  'POST /projects/:id/checkout': { path: (ids) => `/projects/${ids.project}/checkout`, expect: [404, 404, 404, 404, 404] },
  'GET /checkout/email-sent': { path: () => '/checkout/email-sent', expect: [200, 200, 200, 200, 200] },
  // TEST MODE only (the local provider cannot run in production): the session id is the key.
  'GET /checkout/test/:sessionId': { path: (ids) => `/checkout/test/${ids.session}`, expect: [200, 200, 200, 200, 200] },
  'POST /checkout/test/:sessionId': { path: (ids) => `/checkout/test/${ids.session}`, expect: [303, 303, 303, 303, 303] },
  'GET /library': { path: () => '/library', expect: [303, 200, 200, 200, 200] },
  'GET /library/orders/:id': { path: (ids) => `/library/orders/${ids.order}`, expect: [404, 200, 404, 404, 404] }, // the buyer's only
  'GET /dashboard/sales': { path: () => '/dashboard/sales', expect: [303, 303, 200, 200, 303] },
  'GET /dashboard/sales.csv': { path: () => '/dashboard/sales.csv', expect: [303, 303, 200, 200, 303] },
  'POST /dashboard/payments/connect': { path: () => '/dashboard/payments/connect', expect: [303, 403, 303, 303, 403] },
  'GET /admin': { path: () => '/admin', expect: [404, 404, 404, 404, 200] },
  'GET /admin/reconciliation': { path: () => '/admin/reconciliation', expect: [404, 404, 404, 404, 200] },
  'GET /dashboard/sales/:orderId/refund': { path: (ids) => `/dashboard/sales/${ids.order}/refund`, expect: [303, 303, 404, 200, 303] }, // the confirmation
  'POST /dashboard/sales/:orderId/refund': { path: (ids) => `/dashboard/sales/${ids.order}/refund`, expect: [303, 403, 404, 200, 403] }, // no confirm field: the confirmation again

  // ---- ending sessions: sent from a second, fresh session of each user ----
  'POST /account/sessions/revoke-others': { path: () => '/account/sessions/revoke-others', expect: [303, 303, 303, 303, 303] },
  'POST /logout': { path: () => '/logout', expect: [303, 303, 303, 303, 303] },
};
const FRESH_SESSION = new Set(['POST /account/sessions/revoke-others', 'POST /logout']);

function registeredRoutes(): string[] {
  const seen = new Set<string>();
  for (const r of t.app.routes) if (r.method !== 'ALL') seen.add(`${r.method} ${r.path}`);
  return [...seen];
}

async function send(c: TestClient, method: string, path: string, json: boolean) {
  if (method === 'GET' || method === 'HEAD') return c.send(path, { method });
  if (json) return c.send(path, { method, headers: { 'x-csrf-token': c.csrf, 'content-type': 'application/json' }, body: '{}' });
  return c.send(path, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: c.csrf }) });
}

describe('authorisation matrix', () => {
  test('every registered route has an expectation, and every expectation is a registered route', () => {
    const routes = registeredRoutes();
    const missing = routes.filter((r) => !(r in MATRIX));
    assert.deepEqual(missing, [], `routes without an authorisation expectation (add them to MATRIX): ${missing.join(', ')}`);
    const stale = Object.keys(MATRIX).filter((k) => !routes.includes(k));
    assert.deepEqual(stale, [], `expectations for routes that no longer exist: ${stale.join(', ')}`);
    assert.ok(routes.length >= 70, `${routes.length} routes`);
  });

  test('every route answers each role with its expected status', async () => {
    const wrong: string[] = [];
    for (const [key, row] of Object.entries(MATRIX)) {
      const [method, route] = [key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1)];
      const path = row.path(cast.ids);
      for (const [i, role] of ROLES.entries()) {
        const client = FRESH_SESSION.has(key) && role !== 'anonymous' ? await logIn(t, cast.users[role as Exclude<Role, 'anonymous'>]) : cast.clients[role];
        const res = await send(client, method, path, !!row.json);
        const expected = row.expect[i]!;
        if (res.status !== expected) wrong.push(`${method} ${route} as ${role}: ${res.status} (expected ${expected}) ${res.headers.get('location') ?? ''}`);
        // A visitor is always sent to log in, never somewhere that could leak a page.
        if (role === 'anonymous' && res.status === 303 && !/^\/(checkout|download)\//.test(path) && key !== 'POST /logout') {
          const to = res.headers.get('location') ?? '';
          if (!to.startsWith('/login?next=') && !['GET /creator/start'].includes(key)) wrong.push(`${key} as anonymous redirects to ${to}, not to /login`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });
});
