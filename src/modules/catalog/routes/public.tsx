// Public catalog pages: creator profiles (/@username), projects (/@username/slug), items (/i/<id>).
import { Hono } from 'hono';
import type { Deps } from '../../../deps.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { renderPage } from '../../../ui/render.tsx';
import { randomToken } from '../../../platform/crypto.ts';
import { canonicalUsername } from '../../accounts/index.ts';
import { isEntitled, isEntitledByReceipt, ownsAlbum } from '../../commerce/index.ts';
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
    return renderPage(c, { title: page.user.display_name, devMode },
      <ProfilePage username={page.user.username} displayName={page.user.display_name} bio={page.creator.bio} links={page.creator.links}
        isOwner={page.isOwner} projects={page.projects} items={page.items} />);
  });

  app.get('/:handle{@[^/]{1,100}}/:slug{[^/]{1,100}}', async (c) => {
    const username = canonicalUsername(decodeURIComponent(c.req.param('handle').slice(1)));
    const viewer = c.get('viewer');
    const page = await getProjectPage(deps, username, c.req.param('slug'), viewer);
    const media = await projectMediaSection(deps, c, { id: page.project.id, title: page.project.title, creator_name: page.creator.display_name }, page.items);
    const album = { owned: viewer ? await ownsAlbum(deps, { userId: viewer.id }, page.project.id) : false, csrfToken: c.get('csrfToken'), checkoutKey: randomToken(18), signedIn: !!viewer };
    return renderPage(c, { title: page.project.title, devMode },
      <ProjectPage creator={page.creator} project={page.project} items={page.items} isOwner={page.isOwner} media={media} album={album} />);
  });

  app.get('/i/:id', async (c) => {
    const viewer = c.get('viewer');
    const page = await getItemPage(deps, c.req.param('id'), viewer);
    // Bought (by this account, an email it verified, or the holder of a receipt link) comes from
    // the commerce ledger. The owner sees everything; a free item's text stays open to all.
    const owned = (viewer ? await isEntitled(deps.db, { userId: viewer.id }, page.item.id) : false)
      || await isEntitledByReceipt(deps, c.req.query(), page.item.id);
    const entitled = page.isOwner || owned || page.item.price_kind === 'free';
    const media = await itemMediaSection(deps, c, page.item);
    return renderPage(c, { title: page.item.title, devMode }, <ItemPage {...page} entitled={entitled} media={media}
      buy={{ owned, csrfToken: c.get('csrfToken'), checkoutKey: randomToken(18), signedIn: !!viewer }} />);
  });
  return app;
}
