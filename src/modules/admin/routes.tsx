// /admin: the index of admin pages (admins only; everyone else gets a 404).
import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { renderPage } from '../../ui/render.tsx';
import { requireAdmin } from '../accounts/index.ts';
import { reconciliationFlagCount } from '../commerce/index.ts';
import { AdminIndexPage, type AdminPageLink } from './views.tsx';

/**
 * Every admin page, in the order the index lists them. Add new ones here (with a one-line
 * status if there is something to act on); the pages themselves live in their own modules and
 * guard themselves with requireAdmin.
 */
async function adminPages(deps: Deps): Promise<AdminPageLink[]> {
  const flags = await reconciliationFlagCount(deps);
  return [
    {
      href: '/admin/reconciliation', title: 'Payment reconciliation',
      description: 'The ledger against each creator’s Stripe balance history: charges minus refunds, per currency.',
      status: flags === 0 ? 'No differences' : `${flags} difference${flags === 1 ? '' : 's'} to look at`, attention: flags > 0,
    },
  ];
}

export function adminRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get('/admin', requireAdmin, async (c) =>
    renderPage(c, { title: 'Admin', devMode: deps.config.env === 'development' }, <AdminIndexPage pages={await adminPages(deps)} />));
  return app;
}
