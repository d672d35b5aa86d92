// The creator's sales dashboard, refunds, CSV export and payments onboarding; the admin
// reconciliation list.
import { Hono, type Context } from 'hono';
import type { Deps } from '../../../deps.ts';
import { AppError } from '../../../platform/errors.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { setFlash } from '../../../platform/http/flash.ts';
import { renderPage } from '../../../ui/render.tsx';
import { requireAdmin } from '../../accounts/index.ts';
import { requireCreator } from '../../creators/index.ts';
import { connectAccount } from '../checkout.ts';
import { reconciliationFlags, refundOrder, refundPreview, salesCsv, salesPage } from '../sales.ts';
import { ReconciliationPage, RefundConfirmPage, SalesPage } from '../views/sales.tsx';

export function salesRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const devMode = deps.config.env === 'development';

  app.get('/dashboard/sales', requireCreator, async (c) => {
    const data = await salesPage(deps, c.get('viewer')!.id);
    return renderPage(c, { title: 'Sales', devMode }, <SalesPage csrfToken={c.get('csrfToken')} {...data} />);
  });

  app.get('/dashboard/sales.csv', requireCreator, async (c) => {
    const csv = await salesCsv(deps, c.get('viewer')!.id);
    c.header('Content-Disposition', 'attachment; filename="sales.csv"');
    c.header('Cache-Control', 'no-store');
    // A BOM so spreadsheet programs read the UTF-8 titles and names correctly.
    return c.body(`\uFEFF${csv}`, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  // A refund cannot be undone: the sales page links to this confirmation first, and the POST
  // refunds only with its confirm field. A bare POST (an old page, a script) gets the page too.
  const confirmRefund = async (c: Context<AppEnv>) => {
    try {
      const refund = await refundPreview(deps, c.get('viewer')!.id, c.req.param('orderId')!);
      return renderPage(c, { title: 'Refund?', devMode }, <RefundConfirmPage csrfToken={c.get('csrfToken')} refund={refund} />);
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 409) throw err;
      setFlash(c, deps.config, 'error', err.message);
      return c.redirect('/dashboard/sales', 303);
    }
  };
  app.get('/dashboard/sales/:orderId/refund', requireCreator, confirmRefund);

  app.post('/dashboard/sales/:orderId/refund', requireCreator, async (c) => {
    if ((await c.req.parseBody()).confirm !== 'yes') return confirmRefund(c);
    try {
      await refundOrder(deps, c.get('viewer')!.id, c.req.param('orderId'));
      setFlash(c, deps.config, 'success', deps.payments.name === 'local'
        ? 'Refunded. The buyer no longer has access.'
        : 'Refund requested. Access ends as soon as the payment processor confirms it.');
    } catch (err) {
      if (!(err instanceof AppError) || (err.status !== 409 && err.status !== 503)) throw err;
      setFlash(c, deps.config, 'error', err.message);
    }
    return c.redirect('/dashboard/sales', 303);
  });

  app.post('/dashboard/payments/connect', requireCreator, async (c) => {
    const viewer = c.get('viewer')!;
    const url = await connectAccount(deps, viewer.id, viewer.email, '/dashboard/sales');
    if (deps.payments.name === 'local') setFlash(c, deps.config, 'success', 'Test payments account connected.');
    return c.redirect(url, 303);
  });

  app.get('/admin/reconciliation', requireAdmin, async (c) => {
    return renderPage(c, { title: 'Reconciliation', devMode }, <ReconciliationPage flags={await reconciliationFlags(deps)} />);
  });
  return app;
}
