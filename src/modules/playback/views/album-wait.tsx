// "Preparing your download": the album zip's progress while the worker builds it. htmx polls
// the same URL for this card; without JavaScript the page refreshes itself. When the zip is
// ready the card offers the download (player.js starts it once per zip, automatically: the same
// address serves a new zip once what the listener owns changes, and that one starts too).
import type { AlbumAnswer } from '../album.ts';

export interface AlbumWaitProps {
  title: string;
  backHref: string;
  downloadHref: string;
  waitHref: string;
  answer: Exclude<AlbumAnswer, { state: 'refused' }>;
}

export function AlbumWaitCard(p: AlbumWaitProps) {
  const a = p.answer;
  if (a.state === 'ready') {
    return (
      <section id="zip-progress" class="card narrow" aria-live="polite">
        <h1>Your download is ready</h1>
        <p><a class="button" hx-boost="false" href={p.downloadHref} data-autostart-download={a.zipId}>Download {p.title}</a></p>
        <p class="muted">It stays available here; <a href={p.backHref}>back to the album</a>.</p>
      </section>
    );
  }
  if (a.state === 'failed') {
    return (
      <section id="zip-progress" class="card narrow" role="alert">
        <h1>We could not prepare this download</h1>
        <p>{a.message}</p>
        <p><a class="button" hx-boost="false" href={p.downloadHref}>Try again</a> <a href={p.backHref}>Back to the album</a></p>
      </section>
    );
  }
  const percent = a.total ? Math.floor((a.done / a.total) * 100) : 0;
  return (
    <section id="zip-progress" class="card narrow" aria-live="polite"
      hx-get={p.waitHref} hx-trigger="every 2s" hx-select="#zip-progress" hx-swap="outerHTML" hx-target="this">
      {/* As a string: hono/jsx would hoist a <meta> element into <head>, refreshing for everyone. */}
      <noscript dangerouslySetInnerHTML={{ __html: '<meta http-equiv="refresh" content="3">' }} />
      <h1>Preparing your download</h1>
      <p>We are zipping {p.title}. This takes a moment the first time; later downloads start at once.</p>
      <progress max={a.total} value={a.done} aria-label="Files zipped">{percent}%</progress>
      <p class="muted">{a.done} of {a.total} files</p>
      <p><a href={p.backHref}>Back to the album</a> (the zip keeps building)</p>
    </section>
  );
}
