// "Add tracks" on a project's dashboard page: drop an album folder (or pick audio files) and
// each file becomes a draft audio item of the project, going up through the resumable
// uploader with its own progress bar. Once processed, the item takes the title and track
// number from the file's tags. Below, the tracks uploaded this way and their state (polled
// while any is still on its way).
import { CsrfField } from '../../../ui/form.tsx';
import { formatBytes } from '../limits.ts';
import { FINAL_STATES, type MediaState } from '../tables.ts';
import { formatClock } from '../../../ui/format.ts';
import { Waveform } from './files.tsx';

export interface TrackRow {
  fileId: string;
  itemId: string;
  itemTitle: string;
  position: number;
  fileName: string;
  state: MediaState;
  reason: string | null;
  duration?: number;
  peaks?: number[];
}

const STATE_TEXT: Record<MediaState, string> = {
  uploading: 'Uploading', uploaded: 'Queued', processing: 'Processing', ready: 'Ready', failed: 'Failed', quarantined: 'Quarantined',
};

export const tracksUrl = (projectId: string) => `/dashboard/projects/${projectId}/tracks`;

export function AddTracksSection(p: { projectId: string; albumBase: number; tracks: TrackRow[]; csrfToken: string; perFileBytes: number | null }) {
  return (
    <section aria-labelledby="tracks" class="dash-section" id="tracks-section">
      <h2 id="tracks">Add tracks</h2>
      <p class="hint">Drop an album folder or choose several audio files: each one becomes a draft audio item in this project.
        Once processed, each takes its title and track number from the file's own tags (or keeps the file name).</p>
      <div class="uploader" data-uploader data-target="track" data-project-id={p.projectId} data-album-base={String(p.albumBase)} data-accept="audio/*">
        <form method="post" action={`/dashboard/media/upload?target=track&projectId=${p.projectId}&albumBase=${p.albumBase}`}
          enctype="multipart/form-data" class="stack-form uploader-fallback">
          <CsrfField token={p.csrfToken} />
          <div class="field">
            <label for="f-track">Add one track</label>
            <p class="hint" id="f-track-hint">{p.perFileBytes ? `Up to ${formatBytes(p.perFileBytes)} per file. ` : ''}
              With JavaScript on you can add a whole folder at once.</p>
            <input id="f-track" name="file" type="file" accept="audio/*" required aria-describedby="f-track-hint" />
          </div>
          <div class="wizard-actions"><button type="submit" class="button button-secondary">Upload</button></div>
        </form>
      </div>
      <TrackList projectId={p.projectId} tracks={p.tracks} />
      <script src="/static/uploader.js" defer></script>
    </section>
  );
}

export function TrackList(p: { projectId: string; tracks: TrackRow[] }) {
  const moving = p.tracks.some((t) => !FINAL_STATES.includes(t.state));
  return (
    <div id="project-tracks" hx-get={tracksUrl(p.projectId)} hx-trigger={moving ? 'every 2s, media-changed from:body' : 'media-changed from:body'}
      hx-swap="outerHTML" aria-live="polite">
      {p.tracks.length === 0 ? null : (
        <table class="list dash-table media-tracks">
          <thead><tr><th scope="col">#</th><th scope="col">Track</th><th scope="col">File</th><th scope="col">State</th></tr></thead>
          <tbody>
            {p.tracks.map((t) => (
              <tr data-file-id={t.fileId} data-state={t.state}>
                <td>{t.position}</td>
                <td><a href={`/dashboard/items/${t.itemId}/edit?step=details`}>{t.itemTitle}</a>
                  {t.duration !== undefined ? <span class="muted"> · {formatClock(t.duration)}</span> : null}
                  {t.peaks?.length ? <Waveform peaks={t.peaks} /> : null}</td>
                <td class="media-name"><bdi>{t.fileName}</bdi></td>
                <td><span class={`badge badge-media-${t.state}`}>{STATE_TEXT[t.state]}</span>
                  {t.reason ? <p class="field-error media-reason">{t.reason}</p> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
