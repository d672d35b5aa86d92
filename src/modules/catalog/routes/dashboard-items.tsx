// The item wizard after its first step: /dashboard/items/:id/edit?step=details|pricing|ai|review,
// plus publish/unpublish, versions and chapters. Each step saves only its own fields through
// updateItem and redirects to the next; validation errors re-render the step (422).
import { Hono } from 'hono';
import type { Deps } from '../../../deps.ts';
import { Conflict, NotFound, ValidationError } from '../../../platform/errors.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { requireCreator } from '../../creators/index.ts';
import { itemFilesSection } from '../../media/index.ts';
import * as items from '../items-service.ts';
import { toDecimalString } from '../money.ts';
import { ITEM_STEPS, ItemWizardPage, STEP_LABELS, stepUrl, type ItemStep, type WizardItem, type WizardProps } from '../views/dashboard/item-wizard.tsx';
import { dashboardHelpers, firstString, pick, typedValues, type Body, type C } from './dashboard-common.tsx';

const STEP_FIELDS: Record<ItemStep, string[]> = {
  details: ['title', 'description', 'body', 'release_date', 'credits', 'tags'],
  pricing: ['price_kind', 'price_amount', 'price_suggested', 'preview_mode', 'preview_seconds', 'preview_plays'],
  ai: ['ai_use', 'ai_statement'],
  review: [],
};

const parseStep = (raw: string | undefined): ItemStep => (ITEM_STEPS as readonly string[]).includes(raw ?? '') ? raw as ItemStep : 'details';

/** The stored item as form values (amounts as exact decimal strings). */
function storedValues(item: WizardItem, tags: string[]): Record<string, string> {
  const money = (amount: number | null) => (amount === null ? '' : toDecimalString({ amount, currency: item.currency }));
  return {
    title: item.title, description: item.description, body: item.body, release_date: item.release_date ?? '', credits: item.credits,
    tags: tags.join(', '), price_kind: item.price_kind,
    price_amount: item.price_kind === 'free' || (item.price_kind === 'pwyw' && item.price_amount === 0) ? '' : money(item.price_amount),
    price_suggested: money(item.price_suggested), ai_use: item.ai_use ?? '', ai_statement: item.ai_statement,
    preview_mode: item.preview_mode, preview_seconds: String(item.preview_seconds), preview_plays: String(item.preview_plays),
  };
}

export function dashboardItemRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const { page, flash, viewer } = dashboardHelpers(deps);
  const id = (c: C) => c.req.param('id')!;

  type Extra = Partial<Pick<WizardProps, 'errors' | 'version' | 'chaptersForm' | 'publishError'>> & { typed?: Record<string, string> };

  async function renderStep(c: C, step: ItemStep, extra: Extra = {}, status?: 409 | 422) {
    const item = await items.getOwnedItem(deps, viewer(c), id(c));
    const [tags, versions, chapters] = await Promise.all([items.itemTags(deps, item.id), items.listVersions(deps, item.id), items.listChapters(deps, item.id)]);
    // The media module's section (uploader and the item's files) shows on the details step.
    const filesSection = step === 'details' ? await itemFilesSection(deps, viewer(c), item, c.get('csrfToken')) : null;
    const missingContent = step === 'review' ? (await items.missingContent(deps, [item])).get(item.id) : undefined;
    return page(c, `${STEP_LABELS[step]} · ${item.title}`,
      <ItemWizardPage step={step} item={item} tags={tags} versions={versions} chapters={chapters} csrfToken={c.get('csrfToken')}
        values={{ ...storedValues(item, tags), ...extra.typed }} errors={extra.errors ?? {}}
        version={extra.version} chaptersForm={extra.chaptersForm} publishError={extra.publishError} filesSection={filesSection} missingContent={missingContent} />, status);
  }

  app.get('/dashboard/items/:id/edit', requireCreator, (c) => renderStep(c, parseStep(c.req.query('step'))));

  app.post('/dashboard/items/:id/edit', requireCreator, async (c) => {
    const step = parseStep(c.req.query('step'));
    const body = await c.req.parseBody();
    const item = await items.getOwnedItem(deps, viewer(c), id(c));
    const input: Body = pick(body, STEP_FIELDS[step].filter((k) => k !== 'body' || item.type === 'text'));
    // A pricing form always says which kind; a missing choice is an error, not "no change".
    if (step === 'pricing' && !('price_kind' in input)) input.price_kind = '';
    try {
      if (Object.keys(input).length) await items.updateItem(deps, viewer(c), item.id, input);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // htmx 2 swaps only 2xx responses by default, so an htmx submit gets the re-rendered
      // step as 200 (and keeps the address); a plain form post gets 422.
      const htmx = !!c.req.header('hx-request');
      if (htmx) c.header('HX-Push-Url', 'false');
      return renderStep(c, step, { errors: err.fields, typed: typedValues(body, STEP_FIELDS[step]) }, htmx ? undefined : 422);
    }
    const index = ITEM_STEPS.indexOf(step);
    const go = firstString(body.go);
    const target = go === 'back' ? ITEM_STEPS[Math.max(0, index - 1)]! : go === 'next' ? ITEM_STEPS[Math.min(ITEM_STEPS.length - 1, index + 1)]! : step;
    return c.redirect(stepUrl(item.id, target), 303);
  });

  app.post('/dashboard/items/:id/publish', requireCreator, async (c) => {
    try {
      await items.publishItem(deps, viewer(c), id(c));
    } catch (err) {
      if (err instanceof Conflict) return renderStep(c, 'review', { publishError: err.message }, 409);
      throw err;
    }
    flash(c, 'success', 'Published. Fans can find it once its project is published too.');
    return c.redirect(stepUrl(id(c), 'review'), 303);
  });

  // A refused Publish leaves its own address in the bar (a plain form post answered 409);
  // opening or reloading that address shows the review step rather than a 405.
  app.get('/dashboard/items/:id/publish', requireCreator, async (c) => {
    const item = await items.getOwnedItem(deps, viewer(c), id(c));
    return c.redirect(stepUrl(item.id, 'review'), 303);
  });

  app.post('/dashboard/items/:id/unpublish', requireCreator, async (c) => {
    await items.unpublishItem(deps, viewer(c), id(c));
    flash(c, 'success', 'Unpublished. The item is hidden from fans until you publish it again.');
    return c.redirect(stepUrl(id(c), 'review'), 303);
  });

  app.post('/dashboard/items/:id/versions', requireCreator, async (c) => {
    const body = await c.req.parseBody();
    try {
      await items.addVersion(deps, viewer(c), id(c), body);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderStep(c, 'details', { version: { values: typedValues(body, ['label', 'released_on', 'changelog']), errors: err.fields } }, 422);
    }
    flash(c, 'success', 'Version added.');
    return c.redirect(`${stepUrl(id(c), 'details')}#versions`, 303);
  });

  app.post('/dashboard/items/:id/versions/:versionId/delete', requireCreator, async (c) => {
    if (!(await items.deleteVersion(deps, viewer(c), id(c), c.req.param('versionId')))) throw new NotFound();
    flash(c, 'success', 'Version deleted.');
    return c.redirect(`${stepUrl(id(c), 'details')}#versions`, 303);
  });

  app.post('/dashboard/items/:id/chapters', requireCreator, async (c) => {
    const body = await c.req.parseBody();
    try {
      await items.setChapters(deps, viewer(c), id(c), body);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return renderStep(c, 'details', { chaptersForm: { value: typedValues(body, ['chapters']).chapters ?? '', error: err.fields.chapters } }, 422);
    }
    flash(c, 'success', 'Chapters saved.');
    return c.redirect(`${stepUrl(id(c), 'details')}#chapters`, 303);
  });

  return app;
}
