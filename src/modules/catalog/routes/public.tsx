// Public catalog pages: creator profiles (/@username), projects (/@username/slug), items (/i/<id>).
import { Hono } from 'hono';
import type { Deps } from '../../../deps.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { renderPage } from '../../../ui/render.tsx';
import { randomToken } from '../../../platform/crypto.ts';
import { canonicalUsername } from '../../accounts/index.ts';
import { isEntitled, isEntitledByReceipt, ownsAlbum } from '../../commerce/index.ts';
import { imageUrl, listCoverUrls, pageCover } from '../../media/index.ts';
import { itemMediaSection, projectMediaSection } from '../../playback/index.ts';
import { getItemPage } from '../items-service.ts';
import { getProfilePage } from '../profile-service.ts';
import { getProjectPage } from '../projects-service.ts';
import { ItemPage } from '../views/public/item.tsx';
import { ProfilePage } from '../views/public/profile.tsx';
import { ProjectPage } from '../views/public/project.tsx';

export function publicRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const devMode = deps.config.env === 'development';

  // "/@Alice" and "/@ａｌｉｃｅ" land on the canonical "/@alice".
  app.get('/:handle{@[^/]{1,100}}', async (c) => {
    const raw = decodeURIComponent(c.req.param('handle').slice(1));
    const username = canonicalUsername(raw);
    if (username !== raw) return c.redirect(`/@${encodeURIComponent(username)}`, 301);
    const page = await getProfilePage(deps, username, c.get('viewer'));
    // Project tiles are wider than item thumbnails (a grid column, up to ~18rem).
    const coverUrls = { ...await listCoverUrls(deps, page.projects, 640), ...await listCoverUrls(deps, page.items) };
    const avatarUrl = page.creator.avatar_key ? imageUrl(page.creator.avatar_key, 320) ?? undefined : undefined;
    return renderPage(c, { title: page.user.display_name, devMode },
      <ProfilePage username={page.user.username} displayName={page.user.display_name} bio={page.creator.bio} links={page.creator.links}
        isOwner={page.isOwner} projects={page.projects} items={page.items} avatarUrl={avatarUrl} coverUrls={coverUrls} />);
  });

  app.get('/:handle{@[^/]{1,100}}/:slug{[^/]{1,100}}', async (c) => {
    const username = canonicalUsername(decodeURIComponent(c.req.param('handle').slice(1)));
    const viewer = c.get('viewer');
    const page = await getProjectPage(deps, username, c.req.param('slug'), viewer);
    const [media, cover, coverUrls] = await Promise.all([
      projectMediaSection(deps, c, { id: page.project.id, title: page.project.title, creator_name: page.creator.display_name }, page.items),
      pageCover(deps, page.project), listCoverUrls(deps, page.items),
    ]);
    const album = { owned: viewer ? await ownsAlbum(deps, { userId: viewer.id }, page.project.id) : false, csrfToken: c.get('csrfToken'), checkoutKey: randomToken(18), signedIn: !!viewer };
    return renderPage(c, { title: page.project.title, devMode },
      <ProjectPage creator={page.creator} project={page.project} items={page.items} isOwner={page.isOwner} media={media} album={album}
        coverUrl={cover?.src} coverSrcset={cover?.srcset} coverUrls={coverUrls} />);
  });

  app.get('/i/:id', async (c) => {
    const viewer = c.get('viewer');
    const page = await getItemPage(deps, c.req.param('id'), viewer);
    // Bought (by this account, an email it verified, or the holder of a receipt link) comes from
    // the commerce ledger. The owner sees everything; a free item's text stays open to all.
    const owned = (viewer ? await isEntitled(deps.db, { userId: viewer.id }, page.item.id) : false)
      || await isEntitledByReceipt(deps, c.req.query(), page.item.id);
    const entitled = page.isOwner || owned || page.item.price_kind === 'free';
    const [media, cover] = await Promise.all([itemMediaSection(deps, c, page.item),
      pageCover(deps, { id: page.item.id, type: page.item.type, cover_key: page.item.cover_key ?? page.item.project_cover_key })]);
    return renderPage(c, { title: page.item.title, devMode }, <ItemPage {...page} entitled={entitled} media={media}
      coverUrl={cover?.src} coverSrcset={cover?.srcset}
      buy={{ owned, csrfToken: c.get('csrfToken'), checkoutKey: randomToken(18), signedIn: !!viewer }} />);
  });
  return app;
}
