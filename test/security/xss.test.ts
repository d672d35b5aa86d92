// XSS: script payloads through every text field a person can fill — profile name, bio and
// links; project title and description; item title, description, credits, text body, version
// labels and changelogs, chapter titles, tags; the search query; checkout email and amount —
// then every page that shows them, as each role sees it, parsed by real Chromium (scripts off,
// no network). On every page: no element the payloads would create, no event-handler
// attribute, no inline or foreign script, no javascript: URL. Each page must also show the
// field's marker as text, so a page that simply dropped the field cannot pass.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { addVersion, createItem, publishItem, setChapters, updateItem } from '../../src/modules/catalog/items-service.ts';
import { createProject, setProjectsStatus } from '../../src/modules/catalog/projects-service.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { launchBrowser } from '../support/browser.ts';
import type { TestClient } from '../support/client.ts';
import { checkoutKey } from '../support/commerce.ts';
import { attachDemoFile, signUpCreator, signUpUser, uniqueName, type TestUser } from '../support/factories.ts';

/** Every way out of a text node, an attribute, a textarea, a title or a script, marked by `field` (≤ 200 characters: titles). */
const payload = (field: string) => `MARK_${field} <img data-pwn=${field} src=x onerror=alert(1)>"><svg data-pwn=${field} onload=alert(1)>'`
  + `</textarea></title><script data-pwn=${field}>alert(1)</script>`;
/** For fields of 50–60 characters. */
const short = (field: string) => `MARK_${field}<b data-pwn=${field} onclick=alert(1)>"'`;
/** Markdown fields get the markdown ways in too. */
const markdown = (field: string) => `${payload(field)}</noscript></style>\n\n[MARK_${field}_link](javascript:alert(1)) ![i](javascript:alert(1)) <a data-pwn="${field}" href="javascript:alert(1)">x</a> <iframe data-pwn="${field}" src="javascript:alert(1)"></iframe>`;

let t: TestApp;
let browser: Browser;
let ctx: BrowserContext;
let owner: TestUser;
let fan: TestUser;
const ids = { project: '', audio: '', text: '', order: '', slug: '' };

before(async () => {
  t = await createTestApp();
  browser = await launchBrowser();
  ctx = await browser.newContext({ javaScriptEnabled: false });
  await ctx.route('**/*', (route) => route.abort()); // parse only: nothing is fetched
  await signUpUser(t); // the first account is the development admin; keep the cast ordinary
  owner = await signUpCreator(t, { username: uniqueName('xss_owner') });
  fan = await signUpUser(t);

  // Every field through the services the dashboard forms call.
  await owner.client.get('/dashboard/settings');
  const settings = await owner.client.post('/dashboard/settings', {
    display_name: short('name'), bio: markdown('bio'), tier: 'basic', currency: 'USD',
    links: `${short('link')} https://example.com/a"><svg/onload=alert(1)>\nhttps://example.org/MARK_link2`,
  });
  assert.equal(settings.status, 303, settings.html.slice(0, 300));
  const project = await createProject(t.deps, owner.viewer, { title: payload('ptitle'), description: markdown('pdesc') });
  await setProjectsStatus(t.deps, owner.viewer, [project.id], 'published');
  ids.project = project.id;
  ids.slug = project.slug;
  ids.audio = await createItem(t.deps, owner.viewer, project.id, { type: 'audio', title: payload('ititle') });
  await updateItem(t.deps, owner.viewer, ids.audio, {
    description: markdown('idesc'), credits: markdown('credits'), tags: 'music/ambient', ai_use: 'handmade', price_kind: 'pwyw', price_amount: '1',
  });
  await addVersion(t.deps, owner.viewer, ids.audio, { label: short('vlabel').slice(0, 50), changelog: markdown('changelog'), released_on: '2026-01-01' });
  await setChapters(t.deps, owner.viewer, ids.audio, { chapters: `0:00 ${payload('chapter')}\n1:00 MARK_chapter2 <b data-pwn=chapter2>` });
  await attachDemoFile(t, owner.viewer, ids.audio, 'audio');
  await publishItem(t.deps, owner.viewer, ids.audio);
  ids.text = await createItem(t.deps, owner.viewer, project.id, { type: 'text', title: `MARK_ttitle ${short('ttitle')}` });
  await updateItem(t.deps, owner.viewer, ids.text, { body: markdown('body'), ai_use: 'handmade', price_kind: 'free' });
  await publishItem(t.deps, owner.viewer, ids.text);

  // The fan buys the track, paying what they want.
  await fan.client.get(`/i/${ids.audio}`);
  const checkout = await fan.client.post(`/i/${ids.audio}/checkout`, { checkout_key: checkoutKey(), amount: '2' });
  await fan.client.post(checkout.headers.get('location')!, { outcome: 'pay' });
  ids.order = (await t.deps.db.selectFrom('order_lines').select('order_id').where('item_id', '=', ids.audio).executeTakeFirstOrThrow()).order_id;
  await t.drainJobs(); // receipts into the mailbox
});
after(async () => {
  await ctx?.close();
  await browser?.close();
  await t?.close();
});

/** What the parsed page contains that it must not, and whether each marker is shown as text. */
async function inspect(html: string, markers: string[]) {
  const page = await ctx.newPage();
  try {
    await page.setContent(html, { waitUntil: 'domcontentloaded' });
    return await page.evaluate((marks) => {
      const bad: string[] = [];
      for (const el of document.querySelectorAll('[data-pwn]')) bad.push(`injected <${el.tagName.toLowerCase()} data-pwn=${el.getAttribute('data-pwn')}>`);
      for (const el of document.querySelectorAll('*')) {
        for (const a of el.getAttributeNames()) {
          if (a.startsWith('on')) bad.push(`<${el.tagName.toLowerCase()} ${a}=…>`);
          const v = (el.getAttribute(a) ?? '').trim().toLowerCase();
          if (['href', 'src', 'action', 'formaction', 'data', 'poster', 'xlink:href'].includes(a) && v.replace(/[\s\u0000-\u001f]/g, '').startsWith('javascript:')) bad.push(`<${el.tagName.toLowerCase()} ${a}="${v.slice(0, 40)}">`);
        }
      }
      for (const s of document.querySelectorAll('script')) {
        const src = s.getAttribute('src');
        if (!src || !src.startsWith('/static/')) bad.push(`script ${src ?? '(inline)'}: ${s.textContent?.slice(0, 40)}`);
      }
      for (const el of document.querySelectorAll('iframe, object, embed, base, meta[http-equiv]')) bad.push(`<${el.tagName.toLowerCase()}>`);
      const text = `${document.title} ${document.body?.innerText ?? ''} ${[...document.querySelectorAll('input, textarea')].map((i) => (i as HTMLInputElement).value).join(' ')}`;
      return { bad, missing: marks.filter((m) => !text.includes(`MARK_${m}`)) };
    }, markers);
  } finally {
    await page.close();
  }
}

async function check(client: TestClient, path: string, markers: string[], init?: { form: Record<string, string> }) {
  const res = init ? await client.post(path, init.form) : await client.get(path);
  assert.ok([200, 422, 409].includes(res.status), `${path}: ${res.status}`);
  const { bad, missing } = await inspect(res.html, markers);
  assert.deepEqual(bad, [], `${path} renders a payload live`);
  assert.deepEqual(missing, [], `${path} does not show these fields at all`);
}

describe('payloads in every text field render inert', () => {
  test('public pages, as a visitor', async () => {
    const visitor = (await signUpUser(t)).client; // signed in or not, the same escaping: use a fresh fan
    const handle = `/@${owner.viewer.username}`;
    await check(visitor, handle, ['name', 'bio', 'link', 'ptitle']);
    await check(visitor, `${handle}/${ids.slug}`, ['name', 'ptitle', 'pdesc', 'ititle']);
    await check(visitor, `/i/${ids.audio}`, ['name', 'ptitle', 'ititle', 'idesc', 'credits', 'vlabel', 'changelog', 'chapter', 'chapter2']);
    await check(visitor, `/i/${ids.text}`, ['ttitle', 'body']);
    await check(visitor, '/discover', ['ititle']);
    await check(visitor, `/search?q=${encodeURIComponent('MARK_ititle')}`, ['ititle']);
    await check(visitor, '/tags/music/ambient', ['ititle']);
    await check(visitor, `/tip/${owner.viewer.username}`, ['name']);
    await check(visitor, '/', []);
  });

  test('the search query and filters, echoed back', async () => {
    const c = fan.client;
    await check(c, `/search?q=${encodeURIComponent(payload('query'))}`, ['query']);
    await check(c, `/discover?tag=${encodeURIComponent(payload('tagq'))}&type=${encodeURIComponent(short('typeq'))}`, []);
    const suggest = await c.get(`/tags/suggest?q=${encodeURIComponent(payload('suggest'))}`);
    assert.deepEqual((await inspect(suggest.html, [])).bad, []);
  });

  test("the owner's dashboard, wizard steps, files and sales", async () => {
    const c = owner.client;
    await check(c, '/dashboard', ['ptitle', 'ititle']);
    await check(c, `/dashboard/projects/${ids.project}`, ['ptitle', 'pdesc', 'ititle']);
    for (const step of ['details', 'pricing', 'ai', 'review']) await check(c, `/dashboard/items/${ids.audio}/edit?step=${step}`, ['ititle']);
    await check(c, `/dashboard/items/${ids.audio}/edit?step=details`, ['ititle', 'idesc', 'credits', 'vlabel', 'changelog', 'chapter']);
    await check(c, `/dashboard/items/${ids.text}/edit?step=details`, ['ttitle', 'body']);
    await check(c, `/dashboard/items/${ids.audio}/files`, []);
    await check(c, '/dashboard/settings', ['name', 'bio', 'link']);
    await check(c, '/dashboard/sales', ['ititle']);
  });

  test("the fan's library, receipt, checkout and the mailbox", async () => {
    await check(fan.client, '/library', ['ititle']);
    await check(fan.client, `/library/orders/${ids.order}`, ['ititle', 'name']);
    await check(fan.client, '/dev/mailbox', ['ititle']);
    const order = await t.deps.db.selectFrom('orders').select('session_id').where('id', '=', ids.order).executeTakeFirstOrThrow();
    await check(fan.client, `/checkout/test/${order.session_id}`, ['ititle']);
  });

  test('forms that fail validation echo the payload inert', async () => {
    const visitor = (await signUpUser(t)).client;
    // Checkout email and amount (a guest) — the retry page shows both again.
    const guest = new (visitor.constructor as typeof TestClient)(t.app);
    await guest.get(`/i/${ids.audio}`);
    await check(guest, `/i/${ids.audio}/checkout`, ['email', 'amount'], { form: { checkout_key: checkoutKey(), email: `MARK_email"><svg data-pwn=email onload=alert(1)>@x`, amount: short('amount') } });
    await guest.get(`/tip/${owner.viewer.username}`);
    await check(guest, `/tip/${owner.viewer.username}`, ['email', 'amount'], { form: { checkout_key: checkoutKey(), email: `MARK_email"><svg data-pwn=email onload=alert(1)>@x`, amount: short('amount') } });
    // Sign-up and log-in fields.
    await guest.get('/signup');
    await check(guest, '/signup', ['email'], { form: { username: short('user'), email: `MARK_email<svg data-pwn=e onload=alert(1)>`, password: 'x' } });
    await guest.get('/login');
    await check(guest, '/login', ['ident'], { form: { identifier: short('ident'), password: 'wrong' } });
    // Dashboard forms re-rendered with errors: tags that are not tags, a price that is not one.
    const c = owner.client;
    await c.get(`/dashboard/items/${ids.audio}/edit?step=details`);
    await check(c, `/dashboard/items/${ids.audio}/edit?step=details`, ['ititle2', 'tags'], { form: { title: payload('ititle2'), tags: payload('tags').slice(0, 190), description: 'x', go: 'next', release_date: short('date') } });
    await c.get(`/dashboard/items/${ids.audio}/edit?step=pricing`);
    await check(c, `/dashboard/items/${ids.audio}/edit?step=pricing`, ['price'], { form: { price_kind: 'fixed', price_amount: short('price'), go: 'next' } });
    await c.get('/dashboard/settings');
    await check(c, '/dashboard/settings', ['link3'], { form: { display_name: 'ok', bio: '', tier: 'basic', currency: 'USD', links: `MARK_link3 javascript:alert(1)` } });
    await c.get(`/dashboard/items/${ids.audio}/edit?step=details`);
    await check(c, `/dashboard/items/${ids.audio}/versions`, [], { form: { label: short('v2'), released_on: short('rel') } });
    await check(c, `/dashboard/items/${ids.audio}/chapters`, [], { form: { chapters: payload('badchapter') } });
  });
});
