// Projects in the dashboard: the two-step "new project" wizard, the edit page, and the first
// step of the item wizard (choosing the type and title creates the item).
import { Hono } from 'hono';
import type { Deps } from '../../../deps.ts';
import { ValidationError } from '../../../platform/errors.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { findCreator, requireCreator } from '../../creators/index.ts';
import { albumPriceValues } from '../album-price.ts';
import { toDecimalString } from '../money.ts';
import { listCoverUrls, projectMediaSections } from '../../media/index.ts';
import * as items from '../items-service.ts';
import * as projects from '../projects-service.ts';
import { NewItemPage } from '../views/dashboard/item-wizard.tsx';
import { ALBUM_PRICE_FIELDS } from '../views/dashboard/album-price-fields.tsx';
import { ProjectEditPage } from '../views/dashboard/project-edit.tsx';
import { ProjectWizardPage, type ProjectStep } from '../views/dashboard/project-wizard.tsx';
import { dashboardHelpers, firstString, typedValues, type C } from './dashboard-common.tsx';

const PROJECT_FIELDS = ['title', 'description', 'status', ...ALBUM_PRICE_FIELDS];

export function dashboardProjectRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const { page, flash, viewer } = dashboardHelpers(deps);

  const wizard = async (c: C, step: ProjectStep, values: Record<string, string>, errors: Record<string, string> = {}, status?: 422) => {
    const currency = (await findCreator(deps, viewer(c).id))?.payout_currency ?? 'USD';
    return page(c, 'New project', <ProjectWizardPage step={step} values={values} errors={errors} csrfToken={c.get('csrfToken')} username={viewer(c).username} currency={currency} />, status);
  };

  // Registered before /dashboard/projects/:id so "new" is never read as an id.
  app.get('/dashboard/projects/new', requireCreator, (c) => wizard(c, 'basics', {}));

  app.post('/dashboard/projects/new', requireCreator, async (c) => {
    const body = await c.req.parseBody();
    const typed = typedValues(body, ['title', 'description', ...ALBUM_PRICE_FIELDS]);
    const go = firstString(body.go);
    try {
      if (firstString(body.step) !== 'review') {
        // Step 1 → 2: validate only; nothing is stored until the creator confirms.
        const { fields } = await projects.checkProjectInput(deps, viewer(c), body);
        return wizard(c, 'review', { ...typed, ...fields });
      }
      if (go === 'back') return wizard(c, 'basics', typed);
      const created = await projects.createProject(deps, viewer(c), body);
      if (go === 'publish') await projects.setProjectsStatus(deps, viewer(c), [created.id], 'published');
      flash(c, 'success', `Project created${go === 'publish' ? ' and published' : ' as a draft'}. Now add its first item.`);
      return c.redirect(`/dashboard/projects/${created.id}`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return wizard(c, 'basics', typed, err.fields, 422);
      throw err;
    }
  });

  const editPage = async (c: C, values: Record<string, string> | null, errors: Record<string, string> = {}, status?: 422) => {
    const project = await projects.getOwnedProject(deps, viewer(c), c.req.param('id')!);
    const list = (await items.listOwnedItems(deps, viewer(c))).filter((i) => i.project_id === project.id);
    const shown = values ?? { title: project.title, description: project.description, status: project.status,
      ...albumPriceValues(project, (amount, currency) => toDecimalString({ amount, currency })) };
    const currency = project.currency ?? (await findCreator(deps, viewer(c).id))?.payout_currency ?? 'USD';
    // The media module's sections: the project cover and "Add tracks" (album uploads).
    const media = await projectMediaSections(deps, viewer(c), project.id, c.get('csrfToken'));
    return page(c, project.title,
      <ProjectEditPage project={project} items={list} values={shown} errors={errors} csrfToken={c.get('csrfToken')} username={viewer(c).username} currency={currency}
        mediaSections={media} coverUrls={await listCoverUrls(deps, list)} />, status);
  };

  app.get('/dashboard/projects/:id', requireCreator, (c) => editPage(c, null));

  app.post('/dashboard/projects/:id', requireCreator, async (c) => {
    const body = await c.req.parseBody();
    try {
      await projects.editProject(deps, viewer(c), c.req.param('id'), body);
    } catch (err) {
      if (err instanceof ValidationError) return editPage(c, typedValues(body, PROJECT_FIELDS), err.fields, 422);
      throw err;
    }
    flash(c, 'success', 'Project saved.');
    return c.redirect(`/dashboard/projects/${c.req.param('id')}`, 303);
  });

  const newItemPage = async (c: C, values: Record<string, string>, errors: Record<string, string> = {}, status?: 422) => {
    const project = await projects.getOwnedProject(deps, viewer(c), c.req.param('id')!);
    return page(c, 'Add an item', <NewItemPage project={project} values={values} errors={errors} csrfToken={c.get('csrfToken')} />, status);
  };

  app.get('/dashboard/projects/:id/items/new', requireCreator, (c) => newItemPage(c, {}));

  app.post('/dashboard/projects/:id/items/new', requireCreator, async (c) => {
    const body = await c.req.parseBody();
    try {
      const id = await items.createItem(deps, viewer(c), c.req.param('id'), body);
      return c.redirect(`/dashboard/items/${id}/edit?step=details`, 303);
    } catch (err) {
      if (err instanceof ValidationError) return newItemPage(c, typedValues(body, ['type', 'title']), err.fields, 422);
      throw err;
    }
  });

  return app;
}
