// The "Files" section of the item edit page: the uploader (a drop zone and pickers once
// /static/uploader.js runs; a plain one-request form without JavaScript) and the item's files
// with their processing state, polled by htmx while any file is still on its way.
import { CsrfField } from '../../../ui/form.tsx';
import { formatBytes } from '../limits.ts';
import { FINAL_STATES, type MediaState } from '../tables.ts';

export interface FileRow {
  id: string;
  original_name: string;
  declared_size: number;
  bytes: number | null;
  state: MediaState;
  state_reason: string | null;
}

const STATE_LABELS: Record<MediaState, string> = {
  uploading: 'Uploading', uploaded: 'Queued', processing: 'Processing', ready: 'Ready', failed: 'Failed', quarantined: 'Quarantined',
};

export const filesUrl = (itemId: string) => `/dashboard/items/${itemId}/files`;

export function FilesSection(p: { itemId: string; files: FileRow[]; csrfToken: string; perFileBytes: number | null }) {
  return (
    <section aria-labelledby="files" class="dash-section wizard-extra" id="files-section">
      <h2 id="files">Files</h2>
      <div class="uploader" data-uploader data-item-id={p.itemId}>
        <form method="post" action={`${filesUrl(p.itemId)}/upload`} enctype="multipart/form-data" class="stack-form uploader-fallback">
          {/* First in the form: the server reads the token before the file's bytes arrive. */}
          <CsrfField token={p.csrfToken} />
          <div class="field">
            <label for="f-file">Add a file</label>
            <p class="hint" id="f-file-hint">
              {p.perFileBytes ? `Up to ${formatBytes(p.perFileBytes)} per file on your tier. ` : ''}
              Sent in one go; with JavaScript on you can drop several files or a whole folder and resume interrupted uploads.
            </p>
            <input id="f-file" name="file" type="file" required aria-describedby="f-file-hint" />
          </div>
          <div class="wizard-actions"><button type="submit" class="button button-secondary">Upload</button></div>
        </form>
      </div>
      <FilesList itemId={p.itemId} files={p.files} csrfToken={p.csrfToken} />
      <script src="/static/uploader.js" defer></script>
    </section>
  );
}

export function FilesList(p: { itemId: string; files: FileRow[]; csrfToken: string }) {
  const pending = p.files.some((f) => !FINAL_STATES.includes(f.state));
  // Polls every 2 s only while something is still moving; an upload finishing asks for a
  // refresh with the "media-changed" event the uploader fires.
  const trigger = pending ? 'every 2s, media-changed from:body' : 'media-changed from:body';
  return (
    <div id="media-files" hx-get={filesUrl(p.itemId)} hx-trigger={trigger} hx-swap="outerHTML" aria-live="polite">
      {p.files.length === 0 ? <p class="empty">No files yet.</p> : (
        <table class="list dash-table media-files">
          <thead><tr><th scope="col">File</th><th scope="col">Size</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {p.files.map((f) => (
              <tr data-file-id={f.id} data-state={f.state}>
                <td class="media-name"><bdi>{f.original_name}</bdi></td>
                <td>{formatBytes(f.bytes ?? f.declared_size)}</td>
                <td>
                  <span class={`badge badge-media-${f.state}`}>{STATE_LABELS[f.state]}</span>
                  {f.state_reason ? <p class="field-error media-reason">{f.state_reason}</p> : null}
                </td>
                <td>
                  {f.state === 'failed' ? (
                    <form method="post" action={`/dashboard/media/${f.id}/reprocess`} class="inline-form"
                      hx-post={`/dashboard/media/${f.id}/reprocess`} hx-target="#media-files" hx-swap="outerHTML">
                      <CsrfField token={p.csrfToken} />
                      <button type="submit" class="link-button">Reprocess<span class="visually-hidden"> {f.original_name}</span></button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
