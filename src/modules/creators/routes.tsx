// Creator onboarding and settings pages.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.ts';
import { Forbidden, ValidationError } from '../../platform/errors.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { setFlash } from '../../platform/http/flash.ts';
import { echoValue } from '../../platform/validate.ts';
import { renderPage } from '../../ui/render.tsx';
import { requireViewer } from '../accounts/index.ts';
import { avatarSection } from '../media/index.ts';
import * as creators from './service.ts';
import { OnboardingPage } from './views/onboarding.tsx';
import { SettingsPage } from './views/settings.tsx';

/** Creator-only pages: signed-in fans are offered onboarding instead. */
export const requireCreator: MiddlewareHandler<AppEnv> = async (c, next) => {
  const viewer = c.get('viewer');
  if (!viewer) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
  if (!viewer.isCreator) {
    if (c.req.method === 'GET') return c.redirect('/creator/start', 303);
    throw new Forbidden('Only creators can do that. Become a creator first.');
  }
  await next();
};

export function creatorRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const devMode = deps.config.env === 'development';
  const strings = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).map(([k, v]) => [k, echoValue(v, 6000)]));

  const onboarding = async (c: Context<AppEnv>, values: Record<string, string>, errors: Record<string, string>, status: 200 | 422 = 200) =>
    renderPage(c, { title: 'Become a creator', devMode, status },
      <OnboardingPage csrfToken={c.get('csrfToken')} tiers={await creators.listTiers(deps)} values={values} errors={errors} />);

  app.get('/creator/start', requireViewer, (c) => (c.get('viewer')!.isCreator ? c.redirect('/dashboard', 303) : onboarding(c, {}, {})));

  app.post('/creator/start', requireViewer, async (c) => {
    const body = await c.req.parseBody();
    try {
      await creators.becomeCreator(deps, c.get('viewer')!, body);
    } catch (err) {
      if (err instanceof ValidationError) return onboarding(c, strings(body), err.fields, 422);
      throw err;
    }
    setFlash(c, deps.config, 'success', 'You are a creator now. Start with your first project.');
    return c.redirect('/dashboard', 303);
  });

  const settings = async (c: Context<AppEnv>, values: Record<string, string>, errors: Record<string, string>, status: 200 | 422 = 200) =>
    renderPage(c, { title: 'Profile and tier', devMode, status },
      <SettingsPage csrfToken={c.get('csrfToken')} username={c.get('viewer')!.username} tiers={await creators.listTiers(deps)} values={values} errors={errors}
        avatar={await avatarSection(deps, c.get('viewer')!, c.get('csrfToken'))} />);

  app.get('/dashboard/settings', requireCreator, async (c) => {
    const viewer = c.get('viewer')!;
    const creator = (await creators.findCreator(deps, viewer.id))!;
    return settings(c, {
      display_name: viewer.displayName, bio: creator.bio, tier: creator.tier, currency: creator.payout_currency,
      links: creator.links.map((l) => `${l.label} ${l.url}`).join('\n'),
    }, {});
  });

  app.post('/dashboard/settings', requireCreator, async (c) => {
    const body = await c.req.parseBody();
    try {
      await creators.updateCreatorSettings(deps, c.get('viewer')!, body);
    } catch (err) {
      if (err instanceof ValidationError) return settings(c, strings(body), err.fields, 422);
      throw err;
    }
    setFlash(c, deps.config, 'success', 'Saved.');
    return c.redirect('/dashboard/settings', 303);
  });
  return app;
}
