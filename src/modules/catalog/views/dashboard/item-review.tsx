// The last step: everything about the item in one place, what is missing, and Publish.
import type { Child } from 'hono/jsx';
import { splitPreview } from '../../item-input.ts';
import { formatClock } from '../../../../ui/format.ts';
import { AI_LABELS, Markdown, priceLabel, TYPE_LABELS } from '../shared.tsx';
import { PostForm } from './fields.tsx';
import { stepUrl, type WizardProps } from './item-wizard.tsx';

interface Warning { text: Child; blocking?: boolean }

function warningsFor(p: WizardProps): Warning[] {
  const { item } = p;
  const w: Warning[] = [];
  if (!item.ai_use) {
    w.push({ blocking: true, text: <>The AI-use label is missing, and an item cannot be published without it. <a href={stepUrl(item.id, 'ai')}>Set the AI label</a>.</> });
  }
  if (p.missingContent) {
    w.push({ blocking: true, text: <>{p.missingContent} <a href={stepUrl(item.id, 'details')}>{item.type === 'text' ? 'Write the text' : 'Add a file'}</a>.</> });
  }
  if (item.project_status !== 'published') {
    w.push({ text: <>The project “{item.project_title}” is not published, so fans will not see this item until it is. <a href={`/dashboard/projects/${item.project_id}`}>Open the project</a>.</> });
  }
  if (!item.description.trim()) w.push({ text: <>There is no description. <a href={stepUrl(item.id, 'details')}>Add one</a> so fans know what this is.</> });
  if (item.type === 'text' && item.body.trim() && item.price_kind !== 'free' && !splitPreview(item.body).preview) {
    w.push({ text: <>This paid text has no preview marker, so fans see nothing of it before buying.</> });
  }
  if (p.tags.length === 0) w.push({ text: <>No tags yet. <a href={stepUrl(item.id, 'details')}>Tagged items</a> are easier to discover.</> });
  return w;
}

function Row(p: { label: string; step?: 'details' | 'pricing' | 'ai'; itemId: string; children?: Child }) {
  return (
    <>
      <dt>{p.label}{p.step ? <> <a class="dash-edit-link" href={stepUrl(p.itemId, p.step)}>Edit<span class="visually-hidden"> {p.label}</span></a></> : null}</dt>
      <dd>{p.children}</dd>
    </>
  );
}

const none = <span class="muted">—</span>;

export function ReviewStep(p: WizardProps) {
  const { item } = p;
  const warnings = warningsFor(p);
  const blocked = warnings.some((x) => x.blocking);
  const preview = item.type === 'text' ? splitPreview(item.body) : null;
  return (
    <>
      {p.publishError ? <div class="form-errors" role="alert">{p.publishError}</div> : null}
      {warnings.length ? (
        <div class="dash-warnings" role={p.publishError ? undefined : 'status'}>
          <h2>{blocked ? 'Before you can publish' : 'Worth a look'}</h2>
          <ul>{warnings.map((x) => <li class={x.blocking ? 'dash-warning-blocking' : undefined}>{x.text}</li>)}</ul>
        </div>
      ) : <p class="dash-ready">Everything is in place.</p>}

      <dl class="card dash-summary">
        <Row label="Title" step="details" itemId={item.id}>{item.title}</Row>
        <Row label="Type" itemId={item.id}>{TYPE_LABELS[item.type]} <span class="muted">(fixed when the item was created)</span></Row>
        <Row label="Project" itemId={item.id}><a href={`/dashboard/projects/${item.project_id}`}>{item.project_title}</a></Row>
        <Row label="Description" step="details" itemId={item.id}>{item.description.trim() ? <Markdown source={item.description} /> : none}</Row>
        {preview ? (
          <Row label="Text" step="details" itemId={item.id}>
            {item.body.trim()
              ? <>{[...item.body].length.toLocaleString('en')} characters; {preview.preview ? `free preview of ${[...preview.preview].length.toLocaleString('en')} characters` : 'no free preview'}.</>
              : none}
          </Row>
        ) : null}
        <Row label="Release date" step="details" itemId={item.id}>{item.release_date ?? none}</Row>
        <Row label="Credits" step="details" itemId={item.id}>{item.credits ? <span class="dash-pre">{item.credits}</span> : none}</Row>
        <Row label="Tags" step="details" itemId={item.id}>{p.tags.length ? p.tags.map((t) => <span class="badge dash-tag">{t}</span>) : none}</Row>
        <Row label="Price" step="pricing" itemId={item.id}>{priceLabel(item)}</Row>
        <Row label="AI use" step="ai" itemId={item.id}>
          {item.ai_use ? <>{AI_LABELS[item.ai_use]}{item.ai_statement ? <> — “{item.ai_statement}”</> : null}</> : <strong class="dash-missing-text">Missing</strong>}
        </Row>
        {item.type === 'audio' || item.type === 'video' || item.type === 'download' ? (
          <Row label="Versions" step="details" itemId={item.id}>{p.versions.length ? p.versions.map((v) => v.label).join(', ') : none}</Row>
        ) : null}
        {item.type === 'audio' ? (
          <Row label="Chapters" step="details" itemId={item.id}>
            {p.chapters.length ? `${p.chapters.length} (${p.chapters.map((c) => `${formatClock(c.start_seconds)} ${c.title}`).slice(0, 3).join(', ')}${p.chapters.length > 3 ? ', …' : ''})` : none}
          </Row>
        ) : null}
        <Row label="Status" itemId={item.id}>{item.status === 'published' ? 'Published' : item.status === 'draft' ? 'Draft' : 'Unpublished'}
          {item.is_public ? <> · <a href={`/i/${item.id}`}>view the public page</a></> : null}</Row>
      </dl>

      <div class="wizard-actions">
        {item.status === 'published' ? (
          <PostForm action={`/dashboard/items/${item.id}/unpublish`} csrfToken={p.csrfToken} class="inline-form">
            <button type="submit" class="button button-secondary">Unpublish</button>
          </PostForm>
        ) : (
          <PostForm action={`/dashboard/items/${item.id}/publish`} csrfToken={p.csrfToken} class="inline-form">
            <button type="submit" class="button" aria-describedby={blocked ? 'publish-blocked' : undefined}>Publish</button>
            {blocked ? <span class="hint" id="publish-blocked"> {warnings.filter((x) => x.blocking).length > 1 ? 'See “Before you can publish” above.' : !item.ai_use ? 'Needs the AI-use label first.' : item.type === 'text' ? 'Needs its text first.' : 'Needs a file first.'}</span> : null}
          </PostForm>
        )}
        <a class="button button-secondary" href={stepUrl(item.id, 'ai')}>Back</a>
      </div>
    </>
  );
}
