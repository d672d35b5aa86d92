// The "Files" section of the item edit page: the item's cover, the uploader (a drop zone and
// pickers once /static/uploader.js runs; a plain one-request form without JavaScript) and the
// item's files with their processing state, polled by htmx while any file is still on its way.
// Ready files show what processing found: duration, channels and sample rate, a waveform,
// the video poster, and the download formats made.
import type { Child } from 'hono/jsx';
import { CsrfField } from '../../../ui/form.tsx';
import { formatClock } from '../../../ui/format.ts';
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

/** What a ready file shows (built by listItemFileViews). */
export interface FileDetails {
  kind: string | null;
  format?: string;
  duration?: number;
  channels?: number;
  sampleRate?: number;
  bitDepth?: number;
  width?: number;
  height?: number;
  hasAudio?: boolean;
  peaks?: number[];
  posterUrl?: string;
  /** Labels of the formats buyers can download, the original first. */
  formats: string[];
}

export type FileView = FileRow & { details?: FileDetails };

const STATE_LABELS: Record<MediaState, string> = {
  uploading: 'Uploading', uploaded: 'Queued', processing: 'Processing', ready: 'Ready', failed: 'Failed', quarantined: 'Quarantined',
};

export const filesUrl = (itemId: string) => `/dashboard/items/${itemId}/files`;

export function FilesSection(p: { itemId: string; itemPublished: boolean; files: FileView[]; csrfToken: string; perFileBytes: number | null; cover?: Child }) {
  return (
    <section aria-labelledby="files" class="dash-section wizard-extra" id="files-section">
      <h2 id="files">Files</h2>
      {p.cover ? <div id="cover"><h3>Cover</h3>{p.cover}</div> : null}
      <div class="uploader" data-uploader data-target="item" data-item-id={p.itemId}>
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
      <FilesList itemId={p.itemId} itemPublished={p.itemPublished} files={p.files} csrfToken={p.csrfToken} />
      <script src="/static/uploader.js" defer></script>
    </section>
  );
}

/** `itemPublished`: the delete dialog then says that deleting the last usable file unpublishes the item. */
export function FilesList(p: { itemId: string; itemPublished: boolean; files: FileView[]; csrfToken: string }) {
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
                <td class="media-name">
                  <bdi>{f.original_name}</bdi>
                  {f.details ? <Details d={f.details} /> : null}
                </td>
                <td>{formatBytes(f.bytes ?? f.declared_size)}</td>
                <td>
                  <span class={`badge badge-media-${f.state}`}>{STATE_LABELS[f.state]}</span>
                  {f.state_reason ? <p class="field-error media-reason">{f.state_reason}</p> : null}
                </td>
                <td class="media-actions">
                  {f.state === 'failed' ? (
                    <form method="post" action={`/dashboard/media/${f.id}/reprocess`} class="inline-form"
                      hx-post={`/dashboard/media/${f.id}/reprocess`} hx-target="#media-files" hx-swap="outerHTML">
                      <CsrfField token={p.csrfToken} />
                      <button type="submit" class="link-button">Reprocess<span class="visually-hidden"> {f.original_name}</span></button>
                    </form>
                  ) : null}
                  {FINAL_STATES.includes(f.state) ? (
                    <form method="post" action={`/dashboard/media/${f.id}/delete`} class="inline-form"
                      hx-post={`/dashboard/media/${f.id}/delete`} hx-target="#media-files" hx-swap="outerHTML"
                      hx-confirm={`Delete ${f.original_name} and everything made from it?${p.itemPublished ? ' If it is the only file fans can get from this item, the item is unpublished.' : ''}`} hx-vals='{"confirm": "yes"}'>
                      <CsrfField token={p.csrfToken} />
                      <button type="submit" class="link-button link-danger">Delete<span class="visually-hidden"> {f.original_name}</span></button>
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

const channelLabel = (n: number) => (n === 1 ? 'mono' : n === 2 ? 'stereo' : `${n} channels`);

function Details({ d }: { d: FileDetails }) {
  const facts = [
    d.duration !== undefined ? formatClock(d.duration) : null,
    d.width && d.height ? `${d.width} × ${d.height}` : null,
    d.channels ? channelLabel(d.channels) : null,
    d.sampleRate ? `${Number((d.sampleRate / 1000).toFixed(1))} kHz` : null,
    d.bitDepth ? `${d.bitDepth}-bit` : null,
    d.kind === 'video' && d.hasAudio === false ? 'no sound' : null,
    d.format ? d.format.toUpperCase() : null,
  ].filter(Boolean);
  return (
    <div class="media-details">
      {d.posterUrl ? <img class="media-poster" src={d.posterUrl} alt="Poster frame" width="160" loading="lazy" /> : null}
      {d.peaks?.length ? <Waveform peaks={d.peaks} /> : null}
      {facts.length ? <p class="media-facts">{facts.join(' · ')}</p> : null}
      {d.formats.length ? <p class="media-formats"><span class="muted">Downloads:</span> {d.formats.join(', ')}</p> : null}
    </div>
  );
}

/** The peaks as mirrored bars, drawn server-side (no script needed). */
export function Waveform({ peaks }: { peaks: number[] }) {
  const h = 32;
  return (
    <svg class="media-waveform" viewBox={`0 0 ${peaks.length * 2} ${h}`} preserveAspectRatio="none" role="img" aria-label="Waveform">
      {peaks.map((p, i) => {
        const bar = Math.max(1, Math.round(p * (h - 2)));
        return <rect x={i * 2} y={(h - bar) / 2} width="1.4" height={bar} />;
      })}
    </svg>
  );
}

/**
 * "Really delete this file?" for the form without JavaScript (with htmx, hx-confirm asks and
 * sends confirm=yes itself): the POST without confirm=yes shows this, the one from here deletes.
 */
export function ConfirmFileDeletePage(p: {
  file: { id: string; original_name: string; bytes: number | null; declared_size: number }; derivatives: number; takesItemOffSale: boolean; csrfToken: string; cancelHref: string;
}) {
  return (
    <section class="dash dash-confirm">
      <h1>Delete <bdi>{p.file.original_name}</bdi>?</h1>
      <p>This cannot be undone. The file ({formatBytes(p.file.bytes ?? p.file.declared_size)}) is deleted
        {p.derivatives ? <> with the {p.derivatives === 1 ? '1 file' : `${p.derivatives} files`} made from it (streaming and download formats, waveform, thumbnails)</> : null}.
        Fans and buyers can no longer play or download it.</p>
      {p.takesItemOffSale ? (
        <p class="dash-warnings" role="alert">This is the only file of a published item that fans can get: deleting it unpublishes the item
          (it leaves the shop and listings) until you upload another file and publish it again.</p>
      ) : null}
      <form method="post" action={`/dashboard/media/${p.file.id}/delete`} class="dash-confirm-actions">
        <CsrfField token={p.csrfToken} />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="button button-danger">Delete the file</button>
        <a class="button button-secondary" href={p.cancelHref}>Cancel</a>
      </form>
    </section>
  );
}
