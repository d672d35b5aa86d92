// /library (signed-in buyers) and /library/orders/<id> (the buyer, or a signed receipt link).
import { Hono } from 'hono';
import type { Deps } from '../../../deps.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { renderPage } from '../../../ui/render.tsx';
import { requireViewer } from '../../accounts/index.ts';
import { coverKeysOf } from '../../catalog/index.ts';
import { listCoverUrls } from '../../media/index.ts';
import { libraryActions } from '../../playback/index.ts';
import { library, receipt } from '../library.ts';
import { LibraryPage, ReceiptPage } from '../views/library.tsx';

export function libraryRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const devMode = deps.config.env === 'development';

  app.get('/library', requireViewer, async (c) => {
    const orders = await library(deps, c.get('viewer')!.id);
    // Play, read and download come from playback, for the lines that still give access.
    const open = (o: (typeof orders)[number]) => o.entitled && o.kind !== 'tip';
    const actionsFor = await libraryActions(deps, orders.filter(open).flatMap((o) => o.lines.flatMap((l) => [l.item_id ?? '', ...(l.items ?? []).map((i) => i.item_id)])));
    // Covers: an item line's (else its project's), an album line's project's; one query for all.
    const lines = orders.flatMap((o) => o.lines);
    const coverRows = await coverKeysOf(deps.db, {
      itemIds: [...new Set(lines.flatMap((l) => l.item_id ? [l.item_id] : []))],
      projectIds: [...new Set(lines.flatMap((l) => !l.item_id && l.project_id ? [l.project_id] : []))],
    });
    const coverUrls = await listCoverUrls(deps, coverRows);
    const typeOf = new Map(coverRows.map((r) => [r.id, r.type ?? undefined]));
    const withActions = orders.map((o) => ({
      ...o,
      lines: o.lines.map((l) => ({
        ...l, type: l.item_id ? typeOf.get(l.item_id) : undefined,
        ...(open(o) ? { actions: l.item_id ? actionsFor(l.item_id) : null, items: l.items?.map((t) => ({ ...t, actions: actionsFor(t.item_id) })) } : {}),
      })),
    }));
    return renderPage(c, { title: 'Library', devMode }, <LibraryPage orders={withActions} justBought={c.req.query('order')} coverUrls={coverUrls} />);
  });

  app.get('/library/orders/:id', async (c) => {
    const viewer = c.get('viewer');
    const r = await receipt(deps, viewer, c.req.param('id'), c.req.query());
    return renderPage(c, { title: 'Receipt', devMode }, <ReceiptPage order={r.order} linkQuery={r.linkQuery} />);
  });
  return app;
}
