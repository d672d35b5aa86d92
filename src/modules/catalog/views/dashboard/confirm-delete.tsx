// "Really delete?": lists exactly what the second POST will delete. Works without JavaScript.
import { CsrfField } from '../../../../ui/form.tsx';

export interface DeleteRow { id: string; title: string; detail?: string }

export function ConfirmDeletePage(p: { kind: 'items' | 'projects'; rows: DeleteRow[]; csrfToken: string; cancelHref: string }) {
  const noun = p.kind === 'items' ? (p.rows.length === 1 ? 'item' : 'items') : (p.rows.length === 1 ? 'project' : 'projects');
  return (
    <section class="dash dash-confirm">
      <h1>Delete {p.rows.length} {noun}?</h1>
      <p>This cannot be undone.{p.kind === 'projects' ? ' Deleting a project also deletes every item in it, with their versions and chapters.' : ' Versions, chapters and tags of these items are deleted with them.'}</p>
      <ul class="card dash-confirm-list">
        {p.rows.map((r) => <li><strong>{r.title}</strong>{r.detail ? <span class="muted"> — {r.detail}</span> : null}</li>)}
      </ul>
      <form method="post" action={`/dashboard/${p.kind}/bulk`} class="dash-confirm-actions">
        <CsrfField token={p.csrfToken} />
        <input type="hidden" name="action" value="delete" />
        <input type="hidden" name="confirm" value="yes" />
        {p.rows.map((r) => <input type="hidden" name="ids" value={r.id} />)}
        <button type="submit" class="button button-danger">Delete {p.rows.length} {noun}</button>
        <a class="button button-secondary" href={p.cancelHref}>Cancel</a>
      </form>
    </section>
  );
}
