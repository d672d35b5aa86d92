// The creator dashboard: projects and items, each list with checkboxes and one bulk action.
import type { Child } from 'hono/jsx';
import type { AiUse, ItemType, PublishStatus } from '../../tables.ts';
import { AI_LABELS, Cover, StatusBadge, TYPE_LABELS, type CoverUrls } from '../shared.tsx';
import { PostForm } from './fields.tsx';

export interface ProjectRow { id: string; slug: string; title: string; status: PublishStatus; item_count: number | null }
export interface ItemRow { id: string; type: ItemType; title: string; status: PublishStatus; ai_use: AiUse | null; project_title: string; project_id: string }

/** `coverUrls`: project and item cover image URLs by id, once the media module provides them (else placeholders). */
export function DashboardPage(p: { username: string; projects: ProjectRow[]; items: ItemRow[]; csrfToken: string; coverUrls?: CoverUrls; storage?: Child }) {
  return (
    <section class="dash">
      <header class="dash-header">
        <div>
          <h1>Dashboard</h1>
          <p class="muted">Your public page: <a href={`/@${p.username}`}>/@{p.username}</a> · <a href="/dashboard/settings">Profile and tier</a> · <a href="/dashboard/sales">Sales and payouts</a></p>
          {p.storage}
        </div>
        {p.projects.length ? <a class="button" href="/dashboard/projects/new">New project</a> : null}
      </header>
      {p.projects.length === 0 ? <FirstProject /> : (
        <>
          <Projects projects={p.projects} username={p.username} csrfToken={p.csrfToken} coverUrls={p.coverUrls} />
          <Items items={p.items} csrfToken={p.csrfToken} coverUrls={p.coverUrls} />
        </>
      )}
    </section>
  );
}

function FirstProject() {
  return (
    <div class="empty dash-empty">
      <h2>Create your first project</h2>
      <p>A project holds related work: an album, a series, a collection of downloads. Give it a title and a
        description, then add items — tracks, videos, texts, files or images — one by one.</p>
      <p><a class="button" href="/dashboard/projects/new">Create your first project</a></p>
    </div>
  );
}

function BulkBar(p: { kind: 'items' | 'projects' }) {
  const id = `bulk-${p.kind}-action`;
  return (
    <div class="dash-bulk">
      <label for={id}>With the selected {p.kind}:</label>
      <select id={id} name="action">
        <option value="publish">Publish</option>
        <option value="unpublish">Unpublish</option>
        <option value="delete">Delete…</option>
      </select>
      <button type="submit" class="button button-small">Apply</button>
    </div>
  );
}

function Projects(p: { projects: ProjectRow[]; username: string; csrfToken: string; coverUrls?: CoverUrls }) {
  return (
    <section aria-labelledby="dash-projects" class="dash-section">
      <h2 id="dash-projects">Projects</h2>
      <PostForm action="/dashboard/projects/bulk" csrfToken={p.csrfToken} class="dash-bulk-form">
        <table class="list dash-table">
          <thead>
            <tr>
              <th scope="col" class="dash-select"><span class="visually-hidden">Select</span></th>
              <th scope="col">Title</th><th scope="col">Status</th><th scope="col">Items</th>
              <th scope="col"><span class="visually-hidden">Links</span></th>
            </tr>
          </thead>
          <tbody>
            {p.projects.map((project) => (
              <tr>
                <td class="dash-select"><input type="checkbox" name="ids" value={project.id} aria-label={`Select ${project.title}`} /></td>
                <td><span class="dash-title"><Cover title={project.title} url={p.coverUrls?.[project.id]} size="thumb" /><a href={`/dashboard/projects/${project.id}`}>{project.title}</a></span></td>
                <td><StatusBadge status={project.status} /></td>
                <td>{project.item_count ?? 0}</td>
                <td class="dash-links">
                  <a href={`/dashboard/projects/${project.id}`}>Edit</a>
                  <a href={`/@${p.username}/${project.slug}`}>View{project.status === 'published' ? '' : ' (only you)'}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <BulkBar kind="projects" />
      </PostForm>
    </section>
  );
}

function Items(p: { items: ItemRow[]; csrfToken: string; coverUrls?: CoverUrls }) {
  return (
    <section aria-labelledby="dash-items" class="dash-section">
      <h2 id="dash-items">Items</h2>
      {p.items.length === 0 ? (
        <p class="empty">No items yet. Open a project and choose <strong>Add item</strong>.</p>
      ) : (
        <PostForm action="/dashboard/items/bulk" csrfToken={p.csrfToken} class="dash-bulk-form">
          <table class="list dash-table">
            <thead>
              <tr>
                <th scope="col" class="dash-select"><span class="visually-hidden">Select</span></th>
                <th scope="col">Title</th><th scope="col">Type</th><th scope="col">Project</th>
                <th scope="col">Status</th><th scope="col">AI label</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((item) => (
                <tr>
                  <td class="dash-select"><input type="checkbox" name="ids" value={item.id} aria-label={`Select ${item.title}`} /></td>
                  <td><span class="dash-title"><Cover title={item.title} type={item.type} url={p.coverUrls?.[item.id]} size="thumb" /><a href={`/dashboard/items/${item.id}/edit`}>{item.title}</a></span></td>
                  <td>{TYPE_LABELS[item.type]}</td>
                  <td><a href={`/dashboard/projects/${item.project_id}`}>{item.project_title}</a></td>
                  <td><StatusBadge status={item.status} /></td>
                  <td>{item.ai_use
                    ? <span class="badge">{AI_LABELS[item.ai_use]}</span>
                    : <a class="badge dash-missing" href={`/dashboard/items/${item.id}/edit?step=ai`}>Missing — needed to publish</a>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <BulkBar kind="items" />
        </PostForm>
      )}
    </section>
  );
}
