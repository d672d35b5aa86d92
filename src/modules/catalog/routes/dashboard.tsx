// The creator dashboard: overview and bulk actions here; projects and the item wizard in
// dashboard-projects.tsx and dashboard-items.tsx. Every route is behind requireCreator, and
// every id goes through a service that answers 404 for anything the creator does not own.
import { Hono } from 'hono';
import type { Deps } from '../../../deps.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { ownerCounts } from '../../commerce/index.ts';
import { requireCreator } from '../../creators/index.ts';
import { listCoverUrls, storageMeter } from '../../media/index.ts';
import * as items from '../items-service.ts';
import * as projects from '../projects-service.ts';
import { ConfirmDeletePage } from '../views/dashboard/confirm-delete.tsx';
import { DashboardPage } from '../views/dashboard/overview.tsx';
import { dashboardHelpers, firstString, idList, plural, titleList, type C } from './dashboard-common.tsx';
import { dashboardItemRoutes } from './dashboard-items.tsx';
import { dashboardProjectRoutes } from './dashboard-projects.tsx';

export function dashboardRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const { page, flash, viewer } = dashboardHelpers(deps);
  const toDashboard = (c: C) => c.redirect('/dashboard', 303);

  app.get('/dashboard', requireCreator, async (c) => {
    const [projectRows, itemRows, storage] = await Promise.all([projects.listOwnedProjects(deps, viewer(c)), items.listOwnedItems(deps, viewer(c)), storageMeter(deps, viewer(c))]);
    const coverUrls = await listCoverUrls(deps, [...projectRows, ...itemRows]);
    return page(c, 'Dashboard', <DashboardPage username={viewer(c).username} projects={projectRows} items={itemRows} csrfToken={c.get('csrfToken')} storage={storage} coverUrls={coverUrls} />);
  });

  // Bulk actions: only the creator's own rows change; foreign or unknown ids are ignored.
  // Delete first shows what will go, and acts on the second post (confirm=yes).
  app.post('/dashboard/items/bulk', requireCreator, async (c) => {
    const body = await c.req.parseBody({ all: true });
    const ids = idList(body.ids);
    const action = firstString(body.action);
    if (!ids.length) {
      flash(c, 'error', 'Select at least one item first.');
      return toDashboard(c);
    }
    const selected = (await items.listOwnedItems(deps, viewer(c))).filter((i) => ids.includes(i.id));
    if (action === 'publish') {
      const missing = selected.filter((i) => !i.ai_use);
      const noContent = await items.missingContent(deps, selected.filter((i) => i.ai_use));
      const empty = selected.filter((i) => noContent.has(i.id));
      const { changed } = await items.setItemsStatus(deps, viewer(c), ids, 'published');
      const notes = [`Published ${plural(changed, 'item')}.`];
      if (missing.length) {
        notes.push(`${plural(missing.length, 'item was', 'items were')} not published because the AI-use label is missing: ${titleList(missing.map((i) => i.title))}. Set it in the item's AI label step.`);
      }
      if (empty.length) {
        notes.push(`${plural(empty.length, 'item was', 'items were')} not published because fans would get nothing yet (no file ready or processing, or an empty text): ${titleList(empty.map((i) => i.title))}.`);
      }
      flash(c, !missing.length && !empty.length ? 'success' : changed ? 'info' : 'error', notes.join(' '));
    } else if (action === 'unpublish') {
      const { changed } = await items.setItemsStatus(deps, viewer(c), ids, 'unpublished');
      flash(c, 'success', `Unpublished ${plural(changed, 'item')}. They are hidden from fans until you publish them again.`);
    } else if (action === 'delete') {
      if (!selected.length) {
        flash(c, 'error', 'None of the selected items exist any more.');
      } else if (firstString(body.confirm) !== 'yes') {
        const owners = await ownerCounts(deps, { itemIds: selected.map((i) => i.id) });
        return page(c, 'Delete items?', <ConfirmDeletePage kind="items" csrfToken={c.get('csrfToken')} cancelHref="/dashboard"
          rows={selected.map((i) => ({ id: i.id, title: i.title, detail: `in ${i.project_title}`, owners: owners.get(i.id) ?? 0 }))} />);
      } else {
        const deleted = await items.deleteItems(deps, viewer(c), ids);
        flash(c, 'success', `Deleted ${plural(deleted, 'item')}.`);
      }
    } else {
      flash(c, 'error', 'Choose what to do with the selected items.');
    }
    return toDashboard(c);
  });

  app.post('/dashboard/projects/bulk', requireCreator, async (c) => {
    const body = await c.req.parseBody({ all: true });
    const ids = idList(body.ids);
    const action = firstString(body.action);
    if (!ids.length) {
      flash(c, 'error', 'Select at least one project first.');
      return toDashboard(c);
    }
    if (action === 'publish' || action === 'unpublish') {
      const changed = await projects.setProjectsStatus(deps, viewer(c), ids, action === 'publish' ? 'published' : 'unpublished');
      flash(c, 'success', action === 'publish'
        ? `Published ${plural(changed, 'project')}. Their items show once each item is published too.`
        : `Unpublished ${plural(changed, 'project')}. Their pages and items are hidden from fans.`);
    } else if (action === 'delete') {
      const selected = (await projects.listOwnedProjects(deps, viewer(c))).filter((p) => ids.includes(p.id));
      if (!selected.length) {
        flash(c, 'error', 'None of the selected projects exist any more.');
      } else if (firstString(body.confirm) !== 'yes') {
        const owners = await ownerCounts(deps, { projectIds: selected.map((p) => p.id) });
        return page(c, 'Delete projects?', <ConfirmDeletePage kind="projects" csrfToken={c.get('csrfToken')} cancelHref="/dashboard"
          rows={selected.map((p) => ({ id: p.id, title: p.title, detail: `and its ${plural(p.item_count ?? 0, 'item')}`, owners: owners.get(p.id) ?? 0 }))} />);
      } else {
        const deleted = await projects.deleteProjects(deps, viewer(c), ids);
        flash(c, 'success', `Deleted ${plural(deleted, 'project')} and their items.`);
      }
    } else {
      flash(c, 'error', 'Choose what to do with the selected projects.');
    }
    return toDashboard(c);
  });

  app.route('/', dashboardProjectRoutes(deps));
  app.route('/', dashboardItemRoutes(deps));
  return app;
}
