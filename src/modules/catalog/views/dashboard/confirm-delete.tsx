// "Really delete?": lists exactly what the second POST will delete. Works without JavaScript.
import { CsrfField } from '../../../../ui/form.tsx';

/** owners: buyers and fans who own it (or, for a project, any of its items), entitled today. */
export interface DeleteRow { id: string; title: string; detail?: string; owners?: number }

export function ConfirmDeletePage(p: { kind: 'items' | 'projects'; rows: DeleteRow[]; csrfToken: string; cancelHref: string }) {
  const noun = p.kind === 'items' ? (p.rows.length === 1 ? 'item' : 'items') : (p.rows.length === 1 ? 'project' : 'projects');
  // Counted per row (one person may own items of two selected projects), so several rows give no total.
  const owned = p.rows.reduce((n, r) => n + (r.owners ?? 0), 0);
  const who = p.rows.length > 1 ? 'Buyers and fans own some of them (see below)' : owned === 1 ? '1 buyer or fan owns' : `${owned} buyers and fans own`;
  return (
    <section class="dash dash-confirm">
      <h1>Delete {p.rows.length} {noun}?</h1>
      <p>This cannot be undone.{p.kind === 'projects' ? ' Deleting a project also deletes every item in it, with their versions and chapters.' : ' Versions, chapters and tags of these items are deleted with them.'}</p>
      {owned ? (
        // What deletion does to them, as it is: their orders stay (and the sale stays in Sales),
        // the files go, nothing is refunded by itself.
        <div class="dash-warnings" role="alert">
          <h2>People own {p.kind === 'projects' ? 'items in ' : ''}{p.rows.length === 1 ? 'this' : 'these'}</h2>
          <p>{who}{p.rows.length > 1 ? '' : p.kind === 'projects' ? ' items in it' : ' it'} (bought or claimed free).
            After deleting, {owned === 1 ? 'the purchase stays' : 'their purchases stay'} in their library under the title, but they can no longer open, play,
            read or download it: the files are deleted too. Nothing is refunded automatically — refund paid sales from <a href="/dashboard/sales">Sales</a> first
            if you want to give the money back. Your sales records keep the sales.</p>
        </div>
      ) : null}
      <ul class="card dash-confirm-list">
        {p.rows.map((r) => <li><strong>{r.title}</strong>{r.detail ? <span class="muted"> — {r.detail}</span> : null}
          {r.owners ? <strong class="dash-missing-text"> — owned by {r.owners === 1 ? '1 buyer or fan' : `${r.owners} buyers and fans`}</strong> : null}</li>)}
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
