// Buying, claiming and tipping (forms post here from the item page and the tip page), and the
// local provider's TEST MODE checkout page.
import { Hono, type Context } from 'hono';
import type { Deps } from '../../../deps.ts';
import { AppError, NotFound, ValidationError } from '../../../platform/errors.ts';
import { randomToken } from '../../../platform/crypto.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import type { LocalProvider } from '../../../platform/payments/local.ts';
import { renderPage } from '../../../ui/render.tsx';
import { findPublicUser } from '../../accounts/index.ts';
import { findItem, findProjectForSale, formatMoney } from '../../catalog/index.ts';
import { findCreator } from '../../creators/index.ts';
import { checkoutAlbum } from '../album.ts';
import { AlreadyOwned, checkoutItem, EMAIL_SENT_PATH, tipCreator } from '../checkout.ts';
import * as q from '../queries/orders.ts';
import { receiptPath } from '../receipts.ts';
import { deliver } from '../webhooks.ts';
import { CheckoutRetryPage, EmailSentPage, TestCheckoutPage, TipPage } from '../views/checkout.tsx';

type C = Context<AppEnv>;
const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 300) : '');

export function checkoutRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const devMode = deps.config.env === 'development';

  /** What the retry form needs to know about the thing being bought, and where it posts and leads back to. */
  interface ForSale { title: string; price_kind: string | null; price_amount: number; currency: string; action: string; back: string }

  /** A buy form's POST: go to payment, or show the reason and the form again (422 / 409). */
  const buyRoute = (run: typeof checkoutItem, find: (id: string) => Promise<ForSale | undefined>) =>
    async (c: C) => {
      const body = await c.req.parseBody();
      const viewer = c.get('viewer');
      try {
        return c.redirect((await run(deps, viewer, c.req.param('id') ?? '', body)).redirect, 303);
      } catch (err) {
        if (!(err instanceof ValidationError) && !(err instanceof AppError && err.status === 409)) throw err;
        const thing = await find(c.req.param('id') ?? '');
        if (!thing) throw err;
        return retry(c, err, {
          action: thing.action, title: `Buy “${thing.title}”`, askAmount: thing.price_kind === 'pwyw', askEmail: !viewer,
          currency: thing.currency, errors: err instanceof ValidationError ? err.fields : {}, body,
          minimumLabel: thing.price_kind === 'pwyw' && thing.price_amount > 0 ? `At least ${formatMoney({ amount: thing.price_amount, currency: thing.currency })}` : undefined,
          backHref: thing.back,
        });
      }
    };

  app.post('/i/:id/checkout', buyRoute(checkoutItem, async (id) => {
    const item = await findItem(deps.db, id);
    return item && { ...item, action: `/i/${item.id}/checkout`, back: `/i/${item.id}` };
  }));

  app.post('/projects/:id/checkout', buyRoute(checkoutAlbum, async (id) => {
    const p = await findProjectForSale(deps.db, id);
    return p?.currency ? { ...p, currency: p.currency, action: `/projects/${p.id}/checkout`, back: `/@${p.creator_username}/${p.slug}` } : undefined;
  }));

  // Where a guest lands after a free claim: the same page whether or not the address already had it.
  app.get(EMAIL_SENT_PATH, (c) => renderPage(c, { title: 'Check your inbox', devMode }, <EmailSentPage />));

  const tipTarget = async (username: string) => {
    const user = await findPublicUser(deps.db, username);
    const creator = user?.is_creator ? await findCreator(deps, user.id) : undefined;
    if (!user || !creator) throw new NotFound();
    return { id: user.id, username: user.username, displayName: user.display_name, currency: creator.payout_currency };
  };

  app.get('/tip/:username', async (c) => {
    const t = await tipTarget(c.req.param('username'));
    return renderPage(c, { title: `Tip ${t.displayName}`, devMode }, <TipPage creatorName={t.displayName} username={t.username} currency={t.currency}
      csrfToken={c.get('csrfToken')} checkoutKey={randomToken(18)} signedIn={!!c.get('viewer')} errors={{}} amount="" email="" />);
  });

  app.post('/tip/:username', async (c) => {
    const t = await tipTarget(c.req.param('username'));
    const body = await c.req.parseBody();
    try {
      const { redirect } = await tipCreator(deps, c.get('viewer'), t, body);
      return c.redirect(redirect, 303);
    } catch (err) {
      if (!(err instanceof ValidationError) && !(err instanceof AppError && err.status === 409)) throw err;
      return retry(c, err, { action: `/tip/${t.username}`, title: `Tip ${t.displayName}`, askAmount: true, askEmail: !c.get('viewer'),
        currency: t.currency, errors: err instanceof ValidationError ? err.fields : {}, body, backHref: `/@${t.username}` });
    }
  });

  function retry(c: C, err: AppError, p: { action: string; title: string; askAmount: boolean; askEmail: boolean; currency: string; errors: Record<string, string>; body: Record<string, unknown>; minimumLabel?: string; backHref: string }) {
    const owned = err instanceof AlreadyOwned;
    return renderPage(c, { title: p.title, devMode, status: err instanceof ValidationError ? 422 : 409 },
      <CheckoutRetryPage action={p.action} title={p.title} csrfToken={c.get('csrfToken')} message={err.message} errors={p.errors}
        checkoutKey={randomToken(18)} askAmount={!owned && p.askAmount} askEmail={!owned && p.askEmail} amount={str(p.body.amount)} email={str(p.body.email)}
        currency={p.currency} minimumLabel={p.minimumLabel} backHref={p.backHref} libraryHref={owned ? '/library' : undefined} />);
  }

  // ---- the local provider's checkout page (test mode only) ----
  const testSession = async (c: C) => {
    if (deps.payments.name !== 'local') throw new NotFound();
    const order = await q.findOrderBySession(deps.db, 'local', c.req.param('sessionId') ?? '');
    if (!order) throw new NotFound('This test checkout does not exist.');
    return order;
  };

  /** Back to what was being bought: the item, the album's project page, or the home page. */
  const cancelHref = async (line: { item_id: string | null; project_id: string | null } | undefined) => {
    if (line?.item_id) return `/i/${line.item_id}`;
    const project = line?.project_id ? await findProjectForSale(deps.db, line.project_id) : undefined;
    return project ? `/@${project.creator_username}/${project.slug}` : '/';
  };

  app.get('/checkout/test/:sessionId', async (c) => {
    const order = await testSession(c);
    const [ledger, lines, creator] = await Promise.all([q.orderLedger(deps.db, order.id), q.orderLines(deps.db, [order.id]), q.orderWithCreator(deps.db, order.id)]);
    const price = (amount: number) => formatMoney({ amount, currency: order.currency });
    return renderPage(c, { title: 'Test checkout', devMode }, <TestCheckoutPage sessionId={order.session_id!} csrfToken={c.get('csrfToken')}
      creatorName={creator?.creator_name ?? ''} lines={lines.map((l) => ({ title: l.title, price: price(l.amount) }))} total={price(order.amount_total)}
      email={order.buyer_email} paid={!!ledger?.is_paid} declined={c.req.query('declined') === '1'} cancelHref={await cancelHref(lines[0])} />);
  });

  app.post('/checkout/test/:sessionId', async (c) => {
    const order = await testSession(c);
    const succeed = (await c.req.parseBody()).outcome !== 'fail';
    const paid = async () => (await q.orderLedger(deps.db, order.id))?.is_paid;
    const done = () => c.redirect(order.buyer_id ? `/library?order=${order.id}` : receiptPath(deps, order.id), 303);
    // Paid already (a second tab, a replayed form): nothing more to pay or decline.
    if (await paid()) return done();
    const local = deps.payments as LocalProvider;
    // The same signed event an HTTP delivery would carry, through the same verification.
    await deliver(deps, [local.completeCheckout({ orderId: order.id, sessionId: order.session_id!, accountId: order.account_id ?? "", amount: order.amount_total, currency: order.currency, succeed })]);
    if (!succeed) return c.redirect(`/checkout/test/${order.session_id}?declined=1`, 303);
    return (await paid()) ? done() : c.redirect(`/checkout/test/${order.session_id}`, 303);
  });
  return app;
}
