// Covers and avatars: the media module sets object keys through setItemCover, setProjectCover and
// setAvatar (ownership checked); pages show a placeholder with the item type until they are given
// an image URL, and an <img> when they are. Then real uploads through the real pipeline: every
// public page and list shows them (an item without a cover shows its project's; an image item
// shows its own image, capped in size), and each URL serves the image.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { TestClient } from '../../../test/support/client.ts';
import { checkoutKey } from '../../../test/support/commerce.ts';
import { publishedProject, signUpCreator, signUpUser, type TestUser } from '../../../test/support/factories.ts';
import { uploadBytes } from '../../../test/support/uploads.ts';
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
  assert.match(String(<ProfilePage {...props} avatarUrl="/media/avatar.webp" />), /<img class="avatar" src="\/media\/avatar.webp" alt="Avatar of Zoë" width="72" height="72"/);
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
  assert.match(String(<ResultCard item={card} coverUrl="/media/c.webp?sig=1&x" />), /<img class="cover cover-card" src="\/media\/c.webp\?sig=1&amp;x" alt="Cover of Loud one" width="80" height="80" loading="lazy"/);
  const found = (await findItem(t.deps.db, audio!))!;
  const pageProps: ItemPageProps = { item: found, tags: [], versions: [], chapters: [], isOwner: false, entitled: true,
    buy: { owned: false, csrfToken: 'x', checkoutKey: 'y', signedIn: false }, coverUrl: '/media/cover.webp' };
  assert.match(String(<ItemPage {...pageProps} />), /<img class="cover cover-page" src="\/media\/cover.webp" alt="Cover of Loud one"/);
});

const jpeg = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } }).jpeg().toBuffer();

/** The cover <img> tags of a page (with their attributes), and its placeholders' types. */
function coversOf(html: string) {
  const imgs = [...html.matchAll(/<img class="(cover cover-\w+|avatar)"([^>]*)>/g)].map((m) => {
    const attrs = Object.fromEntries([...m[2]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!.replace(/&amp;/g, '&')]));
    return { ...attrs, class: m[1]! } as Record<string, string | undefined> & { class: string };
  });
  const placeholders = [...html.matchAll(/cover-placeholder cover-(\w+)" aria-hidden="true" data-cover="placeholder"/g)].map((m) => m[1]);
  return { imgs, placeholders };
}

/** Fetches an image URL as a browser would (no cookie): 200, a WebP, and its width. */
async function served(url: string) {
  const res = await t.app.request(url);
  assert.equal(res.status, 200, url);
  assert.equal(res.headers.get('content-type'), 'image/webp', url);
  return (await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width;
}

test('uploaded covers through the real pipeline: every public page and list shows them, with the project’s as fallback and image items’ own image', async () => {
  const creator = await signUpCreator(t);
  const fan = await signUpUser(t);
  const covered = `${tag}real`;
  const paid = { price_kind: 'fixed', price_amount: '1.00', tags: covered };
  await creator.client.get('/dashboard');
  // The image item's own image is its file, uploaded before it is published (publishing needs it).
  const { project, itemIds: [track, single, print], fileIds: [, , imageId] } = await publishedProject(t, creator, 'Lantern Songs', [
    { type: 'audio', title: 'Harbour track', fields: paid }, { type: 'download', title: 'Single sleeve', fields: paid },
    { type: 'image', title: 'Lantern print', fields: paid, file: async (id) => (await uploadBytes(t, creator, { itemId: id }, 'print.jpg', await jpeg(2000, 1500, '#c0a020'))).id },
  ]);
  const image = { id: imageId! };
  const { project: bare, itemIds: [essay] } = await publishedProject(t, creator, 'Bare Words', [{ type: 'text', title: 'Lantern essay', fields: paid }]);
  await creator.client.get('/dashboard');
  const projectCover = await uploadBytes(t, creator, { target: 'project_cover', projectId: project.id }, 'album.jpg', await jpeg(1500, 1500, '#204080'));
  const itemCover = await uploadBytes(t, creator, { target: 'item_cover', itemId: single }, 'sleeve.png', await jpeg(700, 700, '#802040'));
  const avatar = await uploadBytes(t, creator, { target: 'avatar' }, 'me.jpg', await jpeg(400, 400, '#208040'));
  await t.drainJobs();
  const states = await t.deps.db.selectFrom('media_files').select(['id', 'state']).where('id', 'in', [projectCover.id, itemCover.id, avatar.id, image.id]).execute();
  assert.deepEqual(states.map((s) => s.state), ['ready', 'ready', 'ready', 'ready']);
  const url = (id: string, w: number) => `/media/images/${id}/${w}.webp`;
  const anon = new TestClient(t.app);

  // Listings: thumbnails (320) for items, lazy, square width/height, alt text; the project's
  // cover for an item without one, the image item's own image, the placeholder with no cover.
  const expectedThumbs = { [track!]: url(projectCover.id, 320), [single!]: url(itemCover.id, 320), [print!]: url(image.id, 320) };
  const listings = [`/discover?tag=${covered}`, `/tags/${covered}`, '/search?q=lantern', `/@${creator.viewer.username}`, `/@${creator.viewer.username}/${project.slug}`];
  const allUrls = new Set<string>();
  for (const path of listings) {
    const page = await anon.get(path);
    assert.equal(page.status, 200, path);
    const { imgs, placeholders } = coversOf(page.html);
    for (const [id, src] of Object.entries(expectedThumbs)) {
      const title = { [track!]: 'Harbour track', [single!]: 'Single sleeve', [print!]: 'Lantern print' }[id]!;
      const img = imgs.find((i) => i.alt === `Cover of ${title}` && i.class !== 'cover cover-page');
      assert.ok(img, `${path}: ${title} has a cover image`);
      assert.equal(img.src, src, `${path}: ${title}`);
      assert.equal(img.loading, 'lazy', path);
      assert.ok(Number(img.width) > 0 && img.width === img.height, `${path}: square width/height`);
      allUrls.add(img.src!);
    }
    if (!path.endsWith(project.slug)) assert.ok(placeholders.includes('text'), `${path}: the essay (no cover anywhere) keeps its placeholder`);
  }

  // The profile: the avatar, and the project as a wider tile; the bare project a placeholder.
  const profile = coversOf((await anon.get(`/@${creator.viewer.username}`)).html);
  assert.deepEqual(profile.imgs.find((i) => i.class === 'avatar')?.src, url(avatar.id, 320));
  assert.equal(profile.imgs.find((i) => i.class === 'cover cover-tile')?.src, url(projectCover.id, 640));
  assert.ok(profile.placeholders.includes('project'), 'Bare Words has no cover');
  allUrls.add(url(avatar.id, 320)).add(url(projectCover.id, 640));

  // Big covers: 640 with a srcset, not lazy (the first thing seen).
  const bigCover = async (path: string) => {
    const img = coversOf((await anon.get(path)).html).imgs.find((i) => i.class === 'cover cover-page');
    assert.ok(img, path);
    assert.equal(img.loading, undefined, path);
    assert.equal(img.width, '288');
    for (const part of img.srcset!.split(', ')) allUrls.add(part.split(' ')[0]!);
    allUrls.add(img.src!);
    return img;
  };
  const projectPage = await bigCover(`/@${creator.viewer.username}/${project.slug}`);
  assert.equal(projectPage.src, url(projectCover.id, 640));
  assert.equal(projectPage.alt, 'Cover of Lantern Songs');
  const trackPage = await bigCover(`/i/${track}`);
  assert.equal(trackPage.src, url(projectCover.id, 640), 'an item without a cover shows its project’s');
  assert.equal(trackPage.srcset, [320, 640, 1280].map((w) => `${url(projectCover.id, w)} ${w}w`).join(', '));
  assert.equal((await bigCover(`/i/${single}`)).src, url(itemCover.id, 640));
  const printPage = await bigCover(`/i/${print}`);
  assert.equal(printPage.src, url(image.id, 640));
  assert.equal(printPage.alt, 'Preview of Lantern print');
  assert.doesNotMatch(printPage.srcset!, /1280/, 'the preview is never offered above 640 px');
  const essayPage = coversOf((await anon.get(`/i/${essay}`)).html);
  assert.deepEqual([essayPage.imgs.filter((i) => i.class.startsWith('cover')).length, essayPage.placeholders], [0, ['text']]);
  assert.ok(coversOf((await anon.get(`/@${creator.viewer.username}/${bare.slug}`)).html).placeholders.includes('project'));

  // The fan library: what was bought, with its cover.
  for (const id of [track, print, essay]) {
    await fan.client.get(`/i/${id}`);
    const res = await fan.client.post(`/i/${id}/checkout`, { checkout_key: checkoutKey() });
    await fan.client.post(res.headers.get('location')!, { outcome: 'pay' });
  }
  const library = await fan.client.get('/library');
  const lib = coversOf(library.html);
  assert.deepEqual(lib.imgs.map((i) => [i.alt, i.src]).sort(), [['Cover of Harbour track', url(projectCover.id, 320)], ['Cover of Lantern print', url(image.id, 320)]]);
  assert.deepEqual(lib.placeholders, ['text']);

  // Every URL on those pages serves the image, no wider than asked; the preview stops at 640.
  for (const u of allUrls) {
    const width = await served(u);
    const asked = Number(/\/(\d+)\.webp$/.exec(u)![1]);
    assert.ok(width! <= asked, `${u}: ${width}`);
  }
  assert.equal(await served(url(image.id, 1280)), 640, 'an image item’s preview is capped');
  assert.equal(await served(url(projectCover.id, 1280)), 1280);

  // The dashboard lists show the same images.
  const dash = coversOf((await creator.client.get('/dashboard')).html);
  assert.ok(dash.imgs.some((i) => i.src === url(image.id, 320)), 'the print’s own image');
  assert.ok(dash.imgs.some((i) => i.src === url(projectCover.id, 320)));
});

test('an image file of a non-image item is not served, and a cover still processing shows the placeholder', async () => {
  const creator = await signUpCreator(t);
  const { project, itemIds: [download] } = await publishedProject(t, creator, 'Sleeves', [{ type: 'download', title: 'Artwork pack', fields: { tags: `${tag}pend` } }]);
  await creator.client.get('/dashboard');
  const file = await uploadBytes(t, creator, { itemId: download }, 'art.png', await jpeg(800, 800, '#445566'));
  const cover = await uploadBytes(t, creator, { target: 'project_cover', projectId: project.id }, 'later.jpg', await jpeg(800, 800, '#665544'));
  // Not processed yet: no image anywhere, only placeholders.
  const pending = coversOf((await new TestClient(t.app).get(`/@${creator.viewer.username}/${project.slug}`)).html);
  assert.deepEqual(pending.imgs.filter((i) => i.class.startsWith('cover')), []);
  assert.deepEqual(pending.placeholders.sort(), ['download', 'project']);
  await t.drainJobs();
  assert.equal((await t.app.request(`/media/images/${file.id}/320.webp`)).status, 404, 'a download’s files are for sale, not previews');
  const ready = coversOf((await new TestClient(t.app).get(`/i/${download}`)).html);
  assert.equal(ready.imgs.find((i) => i.class === 'cover cover-page')?.src, `/media/images/${cover.id}/640.webp`);
});
