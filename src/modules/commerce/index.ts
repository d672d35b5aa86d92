// Public surface of the commerce module: checkout, webhooks, the ledger, library, sales, payouts.
import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { checkoutRoutes } from './routes/checkout.tsx';
import { libraryRoutes } from './routes/library.tsx';
import { salesRoutes } from './routes/sales.tsx';
import { webhookRoutes } from './routes/webhooks.ts';

export function commerceRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.route('/', webhookRoutes(deps));
  app.route('/', checkoutRoutes(deps));
  app.route('/', libraryRoutes(deps));
  app.route('/', salesRoutes(deps));
  return app;
}

export { isEntitled, isEntitledByReceipt, ownerCounts } from './library.ts';
export { reconcile, reconciliationFlags } from './sales.ts';
export { ownsAlbum } from './album.ts';
export { reconciliationFlagCount } from './sales.ts';
export { commerceJobs, LOCAL_PAYOUTS_JOB, RECONCILE_JOB } from './jobs.ts';
export type { CommerceTables } from './tables.ts';
