// Covers and avatars: the media module sets object keys through setItemCover, setProjectCover and
// setAvatar (ownership checked); pages show a placeholder with the item type until they are given
// an image URL, and an <img> when they are.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { TestClient } from '../../../test/support/client.ts';
import { publishedProject, signUpCreator, signUpUser, type TestUser } from '../../../test/support/factories.ts';
import { NotFound } from '../../platform/errors.ts';
import { findCreator, setAvatar } from '../creators/index.ts';
import { setItemCover, setProjectCover } from './index.ts';
import { findItem } from './queries/items.ts';
import { listPublished, type ItemCard } from './queries/search.ts';
import { ItemPage, type ItemPageProps } from './views/public/item.tsx';
import { ProfilePage } from './views/public/profile.tsx';
import { ResultCard } from './views/discovery/results.tsx';

let t: TestApp;
let owner: TestUser;
let other: TestUser;
before(async () => {
  t = await createTestApp();
  owner = await signUpCreator(t);
  other = await signUpCreator(t);
});
after(() => t.close());

const coverOf = async (itemId: string) => (await t.deps.db.selectFrom('items').select('cover_key').where('id', '=', itemId).executeTakeFirstOrThrow()).cover_key;
const tag = `covers${Date.now().toString(36)}`;

test('covers are set and cleared by their owner only; an item without one shows its project’s', async () => {
  const { project, itemIds: [own, inherits] } = await publishedProject(t, owner, 'Covered', [
    { type: 'audio', title: 'Own cover', fields: { tags: tag } }, { type: 'video', title: 'Project cover', fields: { tags: tag } },
  ]);
  await setProjectCover(t.deps, owner.viewer, project.id, 'covers/project.webp');
  await setItemCover(t.deps, { id: owner.viewer.id }, own!, 'covers/item.webp'); // a job passes the file's creator id

  const cards = new Map((await listPublished(t.deps.db, { tag, sort: 'newest', limit: 10 })).items.map((c) => [c.id, c.cover_key]));
  assert.equal(cards.get(own!), 'covers/item.webp');
  assert.equal(cards.get(inherits!), 'covers/project.webp', 'no cover of its own: the project’s');
  assert.equal((await findItem(t.deps.db, inherits!))?.project_cover_key, 'covers/project.webp');

  // Another creator, unknown or malformed ids: 404, and nothing changes.
  await assert.rejects(setItemCover(t.deps, other.viewer, own!, 'covers/stolen.webp'), NotFound);
  await assert.rejects(setProjectCover(t.deps, other.viewer, project.id, null), NotFound);
  await assert.rejects(setItemCover(t.deps, owner.viewer, '00000000-0000-0000-0000-000000000000', 'k'), NotFound);
  await assert.rejects(setItemCover(t.deps, owner.viewer, 'not-a-uuid', 'k'), NotFound);
  assert.equal(await coverOf(own!), 'covers/item.webp');
  // Keys are checked: no paths out of the store, no control characters, nothing empty or huge.
  for (const bad of ['', '/etc/passwd', 'a/../b', 'a\u0000b', 'a\\b', 'x'.repeat(1025)]) {
    await assert.rejects(setItemCover(t.deps, owner.viewer, own!, bad), RangeError, JSON.stringify(bad.slice(0, 20)));
  }
  assert.equal(await coverOf(own!), 'covers/item.webp');

  await setItemCover(t.deps, owner.viewer, own!, null);
  assert.equal(await coverOf(own!), null);
  assert.equal((await listPublished(t.deps.db, { tag, sort: 'newest', limit: 10 })).items.find((c) => c.id === own)?.cover_key, 'covers/project.webp');
});

test('avatars: set by the creator, refused for fans and unknown ids; the placeholder stays until a URL is given', async () => {
  await setAvatar(t.deps, owner.viewer.id, 'avatars/me.webp');
  assert.equal((await findCreator(t.deps, owner.viewer.id))?.avatar_key, 'avatars/me.webp');
  const fan = await signUpUser(t);
  await assert.rejects(setAvatar(t.deps, fan.viewer.id, 'avatars/fan.webp'), NotFound);
  await assert.rejects(setAvatar(t.deps, 'nope', 'avatars/x.webp'), NotFound);
  await assert.rejects(setAvatar(t.deps, owner.viewer.id, '../x'), RangeError);
  const page = await new TestClient(t.app).get(`/@${owner.viewer.username}`);
  assert.match(page.html, /class="avatar" aria-hidden="true" data-avatar="placeholder"/);
  await setAvatar(t.deps, owner.viewer.id, null);
  assert.equal((await findCreator(t.deps, owner.viewer.id))?.avatar_key, null);

  const props = { username: 'zoe', displayName: 'Zoë', bio: '', links: [], isOwner: false, projects: [], items: [] };
  assert.match(String(<ProfilePage {...props} avatarUrl="/media/avatar.webp" />), /<img class="avatar" src="\/media\/avatar.webp" alt=""/);
});

test('every page and card shows a placeholder with the item type; an <img> once given a URL', async () => {
  const { project, itemIds: [audio, text] } = await publishedProject(t, owner, 'Placeholders', [
    { type: 'audio', title: 'Loud one', fields: { tags: `${tag}/ph` } }, { type: 'text', title: 'Quiet one', fields: { tags: `${tag}/ph` } },
  ]);
  const placeholder = (type: string) => new RegExp(`class="cover cover-\\w+ cover-placeholder cover-${type}" aria-hidden="true" data-cover="placeholder"`);
  const anon = new TestClient(t.app);
  const item = await anon.get(`/i/${audio}`);
  assert.match(item.html, placeholder('audio'));
  assert.match(item.html, /cover-page[^>]*>.*?<span class="cover-label">Audio<\/span>/s);
  for (const path of [`/@${owner.viewer.username}/${project.slug}`, `/discover?tag=${tag}/ph`, `/tags/${tag}/ph`, '/search?q=placeholders', `/@${owner.viewer.username}`]) {
    const page = await anon.get(path);
    assert.equal(page.status, 200, path);
    assert.match(page.html, placeholder('audio'), path);
    assert.match(page.html, placeholder('text'), path);
  }
  await owner.client.get('/dashboard');
  const dashboard = await owner.client.get('/dashboard');
  assert.match(dashboard.html, placeholder('audio'));
  assert.match(dashboard.html, placeholder('project'));
  assert.ok(!(await anon.get(`/i/${text}`)).html.includes('<img class="cover'), 'no image without a URL, even with a key set');

  // The seam for the media module: components render the image when given its URL.
  const card: ItemCard = { id: audio!, title: 'Loud one', type: 'audio', price_kind: 'free', price_amount: 0, currency: 'USD',
    creator_username: 'zoe', creator_name: 'Zoë', project_slug: 'p', project_title: 'P', cover_key: 'covers/x.webp' };
  assert.match(String(<ResultCard item={card} coverUrl="/media/c.webp?sig=1&x" />), /<img class="cover cover-card" src="\/media\/c.webp\?sig=1&amp;x" alt=""/);
  const found = (await findItem(t.deps.db, audio!))!;
  const pageProps: ItemPageProps = { item: found, tags: [], versions: [], chapters: [], isOwner: false, entitled: true,
    buy: { owned: false, csrfToken: 'x', checkoutKey: 'y', signedIn: false }, coverUrl: '/media/cover.webp' };
  assert.match(String(<ItemPage {...pageProps} />), /<img class="cover cover-page" src="\/media\/cover.webp" alt="Cover of Loud one"/);
});
