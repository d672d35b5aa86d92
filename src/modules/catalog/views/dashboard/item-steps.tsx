// The item wizard's editing steps: details, pricing, AI label.
import { Field } from '../../../../ui/form.tsx';
import { DESCRIPTION_MAX, BODY_MAX, PREVIEW_MARKER } from '../../item-input.ts';
import { currencyExponent } from '../../money.ts';
import { TAG_MAX_DEPTH, TAGS_PER_ITEM_MAX } from '../../tags.ts';
import { AI_LABELS } from '../shared.tsx';
import { DateInput, RadioGroup, TextArea } from './fields.tsx';
import { ChaptersSection, VersionsSection } from './item-extras.tsx';
import { StepForm, type WizardProps } from './item-wizard.tsx';
import { MARKDOWN_HINT } from './project-wizard.tsx';

export function DetailsStep(p: WizardProps) {
  const v = p.values;
  const e = p.errors;
  return (
    <>
      <StepForm item={p.item} step="details" csrfToken={p.csrfToken} errors={e}>
        <Field name="title" label="Title" value={v.title} error={e.title} maxlength={200} required />
        <TextArea name="description" label="Description" value={v.description} error={e.description} maxlength={DESCRIPTION_MAX} rows={6}
          hint={`Shown on the item page to everyone. ${MARKDOWN_HINT}`} />
        {p.item.type === 'text' ? (
          <TextArea name="body" label="Text" value={v.body} error={e.body} maxlength={BODY_MAX} rows={16} class="wizard-body-text"
            hint={<>The text itself, in Markdown. To give a free preview, put a line containing only <code>{PREVIEW_MARKER}</code> where
              the preview ends: everything above it is shown to everyone, the rest only to buyers. Without the marker, a paid text shows
              no preview at all.</>} />
        ) : null}
        <DateInput name="release_date" label="Release date" value={v.release_date} error={e.release_date} hint="Optional, for example 2026-03-01." />
        <TextArea name="credits" label="Credits" value={v.credits} error={e.credits} maxlength={2000} rows={3}
          hint="Optional. Who made this with you, one per line: “Mixing: Ana Ruiz”." />
        <TagsField value={v.tags} error={e.tags} />
      </StepForm>
      {p.filesSection}
      {p.item.type === 'audio' || p.item.type === 'video' || p.item.type === 'download' ? <VersionsSection {...p} /> : null}
      {p.item.type === 'audio' ? <ChaptersSection {...p} /> : null}
    </>
  );
}

/**
 * Comma-separated tag paths, with suggestions of existing tags as you type: htmx fetches them
 * from GET /tags/suggest into #tag-suggestions, and /static/tag-suggest.js (found by
 * data-tag-suggest) lets a click or the arrow keys and Enter put one into the field. Without
 * JavaScript this is a plain text input.
 */
function TagsField(p: { value?: string; error?: string }) {
  return (
    <div class={p.error ? 'field field-invalid' : 'field'}>
      <label for="f-tags">Tags</label>
      <p class="hint" id="f-tags-hint">
        Separate tags with commas; use “/” for levels, most general first: <code>music/electronic/ambient, field-recordings</code>.
        Up to {TAGS_PER_ITEM_MAX} tags, {TAG_MAX_DEPTH} levels each. Existing tags are suggested as you type.
      </p>
      <div class="wizard-tags">
        <input id="f-tags" name="tags" type="text" value={p.value ?? ''} autocomplete="off" spellcheck={false}
          aria-invalid={p.error ? 'true' : undefined} aria-describedby={p.error ? 'f-tags-hint f-tags-error' : 'f-tags-hint'}
          aria-controls="tag-suggestions" data-tag-suggest="" data-tag-suggest-status="f-tags-status"
          hx-get="/tags/suggest" hx-trigger="input changed delay:200ms" hx-target="#tag-suggestions" hx-swap="outerHTML" />
        {/* Replaced by the <ul id="tag-suggestions"> fragment that GET /tags/suggest returns. */}
        <div id="tag-suggestions"></div>
        <p class="visually-hidden" role="status" id="f-tags-status"></p>
      </div>
      {p.error ? <p class="field-error" id="f-tags-error">{p.error}</p> : null}
    </div>
  );
}

/** "USD uses 2 decimal places, like 12.50" — what the money parser will accept. */
export function precisionHint(currency: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === 0) return `${currency} has no decimal places: enter whole amounts, like 1500.`;
  return `${currency} uses ${exponent} decimal places: enter amounts like 12.${'50'.padEnd(exponent, '0')}.`;
}

export function MoneyInput(p: { name: string; label: string; value?: string; error?: string; hint: string; currency: string }) {
  const id = `f-${p.name}`;
  return (
    <div class={p.error ? 'field field-invalid' : 'field'}>
      <label for={id}>{p.label}</label>
      <p class="hint" id={`${id}-hint`}>{p.hint}</p>
      <div class="wizard-money">
        <input id={id} name={p.name} type="text" inputmode="decimal" value={p.value ?? ''} autocomplete="off"
          aria-invalid={p.error ? 'true' : undefined} aria-describedby={p.error ? `${id}-hint ${id}-error ${id}-currency` : `${id}-hint ${id}-currency`} />
        <span class="wizard-currency" id={`${id}-currency`}>{p.currency}</span>
      </div>
      {p.error ? <p class="field-error" id={`${id}-error`}>{p.error}</p> : null}
    </div>
  );
}

export function PricingStep(p: WizardProps) {
  const v = p.values;
  const e = p.errors;
  const currency = p.item.currency;
  return (
    <StepForm item={p.item} step="pricing" csrfToken={p.csrfToken} errors={e}>
      <p class="card wizard-currency-note">Prices are in <strong>{currency}</strong>, the currency of your payouts
        (change it in <a href="/dashboard/settings">Profile and tier</a>). {precisionHint(currency)}</p>
      <RadioGroup name="price_kind" legend="How do fans get it?" value={v.price_kind} error={e.price_kind} class="wizard-price-kinds" choices={[
        { value: 'free', label: 'Free', hint: 'Anyone can get it; fans can still tip.' },
        { value: 'fixed', label: 'Fixed price', hint: 'Everyone pays the same amount.' },
        { value: 'pwyw', label: 'Pay what you want', hint: 'Fans choose the amount, above an optional minimum.' },
      ]} />
      <div class="wizard-amounts">
        <MoneyInput name="price_amount" label="Price, or the minimum for pay what you want" value={v.price_amount} error={e.price_amount} currency={currency}
          hint="Required for a fixed price. For pay what you want, leave empty or 0 for no minimum." />
        <MoneyInput name="price_suggested" label="Suggested amount (optional)" value={v.price_suggested} error={e.price_suggested} currency={currency}
          hint="Pay what you want only: the amount we propose to fans. It cannot be below the minimum." />
      </div>
      {p.item.type === 'audio' || p.item.type === 'video' ? <PreviewFields values={v} errors={e} /> : null}
    </StepForm>
  );
}

/** What visitors hear or see before buying (free items always play in full). */
function PreviewFields(p: { values: WizardProps['values']; errors: WizardProps['errors'] }) {
  const v = p.values;
  const e = p.errors;
  return (
    <fieldset class="wizard-preview">
      <legend>Preview for fans who have not bought it</legend>
      <p class="hint">Free items always play in full. Our server enforces this: the full file is only sent to buyers.</p>
      <RadioGroup name="preview_mode" legend="What can they hear?" value={v.preview_mode} error={e.preview_mode} choices={[
        { value: 'clip', label: 'The first seconds', hint: 'A short clip from the start.' },
        { value: 'plays', label: 'A few full plays', hint: 'The whole track, a set number of times per listener.' },
        { value: 'off', label: 'No preview', hint: 'Only buyers can listen.' },
      ]} />
      <div class="wizard-amounts">
        <Field name="preview_seconds" label="Clip length in seconds (5–300)" value={v.preview_seconds} error={e.preview_seconds} />
        <Field name="preview_plays" label="Full plays per listener (1–50)" value={v.preview_plays} error={e.preview_plays} />
      </div>
    </fieldset>
  );
}

export function AiStep(p: WizardProps) {
  const v = p.values;
  const e = p.errors;
  return (
    <StepForm item={p.item} step="ai" csrfToken={p.csrfToken} errors={e}>
      <p>Every item shows fans how it was made. Pick the label that fits; an item cannot be published without one.</p>
      <RadioGroup name="ai_use" legend="AI use" value={v.ai_use} error={e.ai_use} choices={[
        { value: 'handmade', label: AI_LABELS.handmade, hint: 'Made without generative AI. Ordinary tools — spell checkers, effects plugins, filters — are fine.' },
        { value: 'assisted', label: AI_LABELS.assisted, hint: 'AI helped with part of the work, such as mastering, upscaling or a first draft. Say how below.' },
        { value: 'generated', label: AI_LABELS.generated, hint: 'Most of the work was generated by AI.' },
      ]} />
      <TextArea name="ai_statement" label="How AI was used" value={v.ai_statement} error={e.ai_statement} maxlength={500} rows={3}
        hint="Required for “made with AI assistance”, optional otherwise. One or two sentences, shown to fans." />
    </StepForm>
  );
}
