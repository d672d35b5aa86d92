// The item wizard's frame: step list, heading, and the region htmx swaps in place. Step one
// (type and title) creates the item; every later step edits it and is a plain form post.
import type { Child } from 'hono/jsx';
import { Field, type FieldErrors } from '../../../../ui/form.tsx';
import type { getOwnedItem, listChapters, listVersions } from '../../items-service.ts';
import { formatMoney } from '../../money.ts';
import type { AiUse, ItemType } from '../../tables.ts';
import { StatusBadge, TYPE_LABELS } from '../shared.tsx';
import { PostForm, RadioGroup, StepList, type StepState } from './fields.tsx';
import { AiStep, DetailsStep, PricingStep } from './item-steps.tsx';
import { ReviewStep } from './item-review.tsx';

export const ITEM_STEPS = ['details', 'pricing', 'ai', 'review'] as const;
export type ItemStep = (typeof ITEM_STEPS)[number];
export const STEP_LABELS: Record<ItemStep, string> = { details: 'Details', pricing: 'Pricing', ai: 'AI label', review: 'Review & publish' };

export type WizardItem = Awaited<ReturnType<typeof getOwnedItem>>;
export type VersionRow = Awaited<ReturnType<typeof listVersions>>[number];
export type ChapterRow = Awaited<ReturnType<typeof listChapters>>[number];

export const stepUrl = (itemId: string, step: ItemStep) => `/dashboard/items/${itemId}/edit?step=${step}`;

export interface WizardProps {
  step: ItemStep;
  item: WizardItem;
  tags: string[];
  versions: VersionRow[];
  chapters: ChapterRow[];
  values: Record<string, string>;
  errors: FieldErrors;
  csrfToken: string;
  version?: { values: Record<string, string>; errors: FieldErrors };
  chaptersForm?: { value: string; error?: string };
  publishError?: string;
  /** Review step: why fans would get nothing yet (no usable file, an empty text), which blocks publishing. */
  missingContent?: string;
  /** Rendered by the media module: the uploader and this item's files. */
  filesSection?: Child;
}

const TYPE_CHOICES: { value: ItemType; hint: string }[] = [
  { value: 'audio', hint: 'A track, episode or album side; chapters and versions supported.' },
  { value: 'video', hint: 'A film, clip or lesson; versions supported.' },
  { value: 'text', hint: 'Writing read on the page, with an optional free preview.' },
  { value: 'download', hint: 'Software, sample packs, fonts, any file; versions with changelogs.' },
  { value: 'image', hint: 'Artwork, photos, comics.' },
];

/**
 * The sidebar: each step's mark comes from the item as saved, never from where the creator is in
 * the wizard (an AI label step passed without choosing a label is not "completed"), with a short
 * note of what the step holds. Links: steps already passed, or all once the item has been
 * through the wizard (it has an AI label or was published).
 */
function steps(current: ItemStep | 'new', item: WizardItem | null): WizardStep[] {
  const index = current === 'new' ? -1 : ITEM_STEPS.indexOf(current);
  const seenAll = !!item && (item.ai_use !== null || item.status !== 'draft');
  return [
    { label: 'Type and title', state: current === 'new' ? 'current' : 'done', note: item ? TYPE_LABELS[item.type] : undefined },
    ...ITEM_STEPS.map((s, i): WizardStep => {
      const status = item ? stepStatus(s, item) : null;
      const state: StepState = s === current ? 'current' : status?.done ? 'done' : 'todo';
      return { label: STEP_LABELS[s], state, note: status?.note, attention: status?.attention,
        href: item && (i < index || seenAll) ? stepUrl(item.id, s) : undefined };
    }),
  ];
}

type WizardStep = { label: string; state: StepState; href?: string; note?: string; attention?: boolean };

const AI_SHORT: Record<AiUse, string> = { handmade: 'Handmade', assisted: 'AI-assisted', generated: 'AI-generated' };

/** Whether a step's part of the item is in place, as saved, and what to say about it. */
export function stepStatus(step: ItemStep, item: WizardItem): { done: boolean; note: string; attention?: boolean } {
  switch (step) {
    case 'details': {
      if (item.type === 'text' && !item.body.trim()) return { done: false, note: 'The text is empty' };
      return item.description.trim() ? { done: true, note: 'Described' } : { done: false, note: 'No description yet' };
    }
    case 'pricing': // always priced: an item starts free
      return { done: true, note: item.price_kind === 'free' ? 'Free' : item.price_kind === 'fixed'
        ? formatMoney({ amount: item.price_amount, currency: item.currency }) : 'Pay what you want' };
    case 'ai':
      return item.ai_use ? { done: true, note: AI_SHORT[item.ai_use] } : { done: false, note: 'Needed to publish', attention: true };
    case 'review':
      return { done: item.status === 'published', note: item.status === 'published' ? 'Published' : item.status === 'draft' ? 'Draft' : 'Unpublished' };
  }
}

export function NewItemPage(p: { project: { id: string; title: string }; values: Record<string, string>; errors: FieldErrors; csrfToken: string }) {
  return (
    <section class="dash wizard">
      <p><a href={`/dashboard/projects/${p.project.id}`}>← {p.project.title}</a></p>
      <div class="wizard-layout">
        <StepList steps={steps('new', null)} />
        <div class="wizard-body">
          <h1>Add an item</h1>
          <p class="muted">The type cannot be changed later; everything else can.</p>
          <PostForm action={`/dashboard/projects/${p.project.id}/items/new`} csrfToken={p.csrfToken} errors={p.errors} class="stack-form wide-form">
            <RadioGroup name="type" legend="What is it?" value={p.values.type} error={p.errors.type} class="wizard-types"
              choices={TYPE_CHOICES.map((c) => ({ value: c.value, label: TYPE_LABELS[c.value], hint: c.hint }))} />
            <Field name="title" label="Title" value={p.values.title} error={p.errors.title} maxlength={200} required />
            <div class="wizard-actions">
              <button type="submit" class="button">Create and continue: details</button>
              <a class="button button-secondary" href={`/dashboard/projects/${p.project.id}`}>Cancel</a>
            </div>
          </PostForm>
        </div>
      </div>
    </section>
  );
}

export function ItemWizardPage(p: WizardProps) {
  const { item } = p;
  return (
    <section class="dash wizard" id="wizard">
      <p><a href={`/dashboard/projects/${item.project_id}`}>← {item.project_title}</a></p>
      <div class="wizard-layout">
        <StepList steps={steps(p.step, item)} />
        <div class="wizard-body">
          <header>
            <h1>{STEP_LABELS[p.step]}: {item.title}</h1>
            <p class="muted">{TYPE_LABELS[item.type]} in {item.project_title} · <StatusBadge status={item.status} /></p>
          </header>
          {p.step === 'details' ? <DetailsStep {...p} />
            : p.step === 'pricing' ? <PricingStep {...p} />
            : p.step === 'ai' ? <AiStep {...p} />
            : <ReviewStep {...p} />}
        </div>
      </div>
    </section>
  );
}

/**
 * A step's form. Without JavaScript it is a plain POST that redirects to the next step; with
 * htmx the wizard region is replaced in place and the address bar follows. hx-disinherit keeps
 * these attributes off the fields inside (the tag typeahead makes its own requests).
 */
export function StepForm(p: { item: WizardItem; step: ItemStep; csrfToken: string; errors: FieldErrors; children?: Child }) {
  const url = stepUrl(p.item.id, p.step);
  const index = ITEM_STEPS.indexOf(p.step);
  const next = ITEM_STEPS[index + 1];
  return (
    <PostForm action={url} csrfToken={p.csrfToken} errors={p.errors} class="stack-form wide-form"
      attrs={{ 'hx-post': url, 'hx-target': '#wizard', 'hx-select': '#wizard', 'hx-swap': 'outerHTML', 'hx-push-url': 'true', 'hx-disinherit': '*' }}>
      {p.children}
      <div class="wizard-actions">
        {/* First in the markup, so Enter in a text field means "next"; CSS puts Back on the left. */}
        <button type="submit" name="go" value="next" class="button">Save and continue{next ? `: ${STEP_LABELS[next]}` : ''}</button>
        {index > 0
          ? <button type="submit" name="go" value="back" class="button button-secondary">Back</button>
          : <a class="button button-secondary" href={`/dashboard/projects/${p.item.project_id}`}>Back to project</a>}
      </div>
    </PostForm>
  );
}
