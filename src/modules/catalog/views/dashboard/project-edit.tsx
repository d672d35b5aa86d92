// One project: its title, description and status, and the list of its items.
import type { Child } from 'hono/jsx';
import { Field, type FieldErrors } from '../../../../ui/form.tsx';
import type { AiUse, ItemType, PublishStatus } from '../../tables.ts';
import { AI_LABELS, Cover, StatusBadge, TYPE_LABELS, type CoverUrls } from '../shared.tsx';
import { AlbumPriceFields } from './album-price-fields.tsx';
import { PostForm, SelectField, TextArea } from './fields.tsx';
import { MARKDOWN_HINT } from './project-wizard.tsx';

export interface ProjectView { id: string; slug: string; title: string; status: PublishStatus }
export interface ProjectItem { id: string; type: ItemType; title: string; status: PublishStatus; ai_use: AiUse | null }

export const PROJECT_STATUS_OPTIONS = [
  { value: 'draft', label: 'Draft — only you can see it' },
  { value: 'published', label: 'Published — visible on your page' },
  { value: 'unpublished', label: 'Unpublished — hidden again' },
];

export function ProjectEditPage(p: {
  project: ProjectView; items: ProjectItem[]; values: Record<string, string>; errors: FieldErrors; csrfToken: string; username: string; currency: string;
  /** Item cover image URLs by item id, once the media module provides them (else placeholders). */
  coverUrls?: CoverUrls;
  /** The media module's sections (cover, "Add tracks"), placed after the items. */
  mediaSections?: Child;
}) {
  const { project } = p;
  return (
    <section class="dash">
      <p><a href="/dashboard">← Dashboard</a></p>
      <header class="dash-header">
        <div>
          <h1>{project.title} <StatusBadge status={project.status} /></h1>
          <p class="muted">Public page: <a href={`/@${p.username}/${project.slug}`}>/@{p.username}/{project.slug}</a>
            {project.status === 'published' ? null : ' (only you can see it until it is published)'}</p>
        </div>
        <a class="button" href={`/dashboard/projects/${project.id}/items/new`}>Add item</a>
      </header>

      <section aria-labelledby="project-items" class="dash-section">
        <h2 id="project-items">Items</h2>
        {p.items.length === 0 ? (
          <div class="empty">
            <p>This project has no items yet.</p>
            <p><a class="button" href={`/dashboard/projects/${project.id}/items/new`}>Add the first item</a></p>
          </div>
        ) : (
          <table class="list dash-table">
            <thead><tr><th scope="col">Title</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">AI label</th></tr></thead>
            <tbody>
              {p.items.map((item) => (
                <tr>
                  <td><span class="dash-title"><Cover title={item.title} type={item.type} url={p.coverUrls?.[item.id]} size="thumb" /><a href={`/dashboard/items/${item.id}/edit`}>{item.title}</a></span></td>
                  <td>{TYPE_LABELS[item.type]}</td>
                  <td><StatusBadge status={item.status} /></td>
                  <td>{item.ai_use ? AI_LABELS[item.ai_use] : <a class="badge dash-missing" href={`/dashboard/items/${item.id}/edit?step=ai`}>Missing</a>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {p.mediaSections}

      <section aria-labelledby="project-settings" class="dash-section">
        <h2 id="project-settings">Project details</h2>
        <PostForm action={`/dashboard/projects/${project.id}`} csrfToken={p.csrfToken} errors={p.errors} class="stack-form wide-form">
          <Field name="title" label="Title" value={p.values.title} error={p.errors.title} maxlength={200} required />
          <TextArea name="description" label="Description" value={p.values.description} error={p.errors.description} hint={MARKDOWN_HINT} rows={8} />
          <SelectField name="status" label="Status" options={PROJECT_STATUS_OPTIONS} value={p.values.status} error={p.errors.status} />
          <AlbumPriceFields values={p.values} errors={p.errors} currency={p.currency} />
          <div class="wizard-actions"><button type="submit" class="button">Save project</button></div>
        </PostForm>
      </section>

      <section aria-labelledby="project-danger" class="dash-section dash-danger">
        <h2 id="project-danger">Delete</h2>
        <PostForm action="/dashboard/projects/bulk" csrfToken={p.csrfToken} class="inline-form">
          <input type="hidden" name="action" value="delete" />
          <input type="hidden" name="ids" value={project.id} />
          <button type="submit" class="button button-danger">Delete this project…</button>
        </PostForm>
        <p class="hint">You will be asked to confirm. {p.items.length === 0 ? 'It has no items.' : p.items.length === 1 ? 'Its item is deleted with it.' : `Its ${p.items.length} items are deleted with it.`}</p>
      </section>
    </section>
  );
}
