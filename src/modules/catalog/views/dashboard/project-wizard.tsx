// New project in two steps: basics (title, description) → review and publish or keep as draft.
// Nothing is saved until the last step, so an abandoned wizard leaves no empty project behind;
// the basics travel in hidden fields between the two steps.
import { Field, type FieldErrors } from '../../../../ui/form.tsx';
import { slugify } from '../../slugs.ts';
import { Markdown } from '../shared.tsx';
import { AlbumPriceFields, AlbumPriceHidden, albumPriceSummary } from './album-price-fields.tsx';
import { PostForm, StepList, TextArea } from './fields.tsx';

export type ProjectStep = 'basics' | 'review';

export const MARKDOWN_HINT = 'Markdown: **bold**, *italic*, [links](https://…), lists, ## headings.';

export function ProjectWizardPage(p: { step: ProjectStep; values: Record<string, string>; errors: FieldErrors; csrfToken: string; username: string; currency: string }) {
  return (
    <section class="dash wizard">
      <p><a href="/dashboard">← Dashboard</a></p>
      <div class="wizard-layout">
        <StepList steps={[
          { label: 'Basics', state: p.step === 'basics' ? 'current' : 'done' },
          { label: 'Review & publish', state: p.step === 'review' ? 'current' : 'todo' },
        ]} />
        <div class="wizard-body">
          {p.step === 'basics' ? <Basics {...p} /> : <Review {...p} />}
        </div>
      </div>
    </section>
  );
}

function Basics(p: { values: Record<string, string>; errors: FieldErrors; csrfToken: string; currency: string }) {
  return (
    <>
      <h1>New project</h1>
      <p class="muted">A project groups related items — an album, a series, a course. You add the items after creating it.</p>
      <PostForm action="/dashboard/projects/new" csrfToken={p.csrfToken} errors={p.errors} class="stack-form wide-form">
        <input type="hidden" name="step" value="basics" />
        <Field name="title" label="Title" value={p.values.title} error={p.errors.title} maxlength={200} required autofocus />
        <TextArea name="description" label="Description" value={p.values.description} error={p.errors.description} hint={MARKDOWN_HINT} rows={8} />
        <AlbumPriceFields values={p.values} errors={p.errors} currency={p.currency} />
        <div class="wizard-actions">
          <button type="submit" name="go" value="next" class="button">Next: review</button>
          <a class="button button-secondary" href="/dashboard">Cancel</a>
        </div>
      </PostForm>
    </>
  );
}

function Review(p: { values: Record<string, string>; errors: FieldErrors; csrfToken: string; username: string; currency: string }) {
  const title = p.values.title ?? '';
  const description = p.values.description ?? '';
  return (
    <>
      <h1>Review your project</h1>
      <dl class="card dash-summary">
        <dt>Title</dt><dd>{title}</dd>
        <dt>Web address</dt><dd><code>/@{p.username}/{slugify(title) || 'project'}</code> <span class="muted">(a number is added if you already use it)</span></dd>
        <dt>Description</dt><dd>{description.trim() ? <Markdown source={description} /> : <span class="muted">No description yet — you can add one later.</span>}</dd>
        <dt>Whole project</dt><dd>{albumPriceSummary(p.values, p.currency)}</dd>
      </dl>
      <p class="muted">Publishing the project makes its page visible; each item is published on its own once it has a price and an AI-use label.</p>
      <PostForm action="/dashboard/projects/new" csrfToken={p.csrfToken} errors={p.errors} class="stack-form wizard-actions-form">
        <input type="hidden" name="step" value="review" />
        <input type="hidden" name="title" value={title} />
        <input type="hidden" name="description" value={description} />
        <AlbumPriceHidden values={p.values} />
        <div class="wizard-actions">
          <button type="submit" name="go" value="publish" class="button">Create and publish</button>
          <button type="submit" name="go" value="draft" class="button button-secondary">Create as draft</button>
          <button type="submit" name="go" value="back" class="button button-secondary">Back</button>
        </div>
      </PostForm>
    </>
  );
}
