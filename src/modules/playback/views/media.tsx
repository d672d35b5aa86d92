// The item and project pages' playback sections. Without JavaScript every track is a native
// <audio controls> and every video a native <video controls>, pointed at /play/<id> (which
// redirects to a fresh signed URL after the access check). player.js turns tracks into buttons
// that feed the site-wide player, which keeps playing while the fan browses.
import type { Access } from '../access.ts';
import { refusalMessage } from '../access.ts';
import type { ItemMediaData, PlayableFile, ProjectMediaData } from '../page-data.ts';
import { STORAGE_DOWN_MESSAGE } from '../streams.ts';
import { PlayPauseIcons } from '../../../ui/icons.tsx';
import { formatBytes, formatClock } from './format.ts';

const withQ = (path: string, q: string, extra = '') => {
  const query = [extra, q].filter(Boolean).join('&');
  return query ? `${path}?${query}` : path;
};

function previewNote(stream: Access): string | null {
  switch (stream.kind) {
    case 'full': return null;
    case 'clip': return `Preview: the first ${stream.seconds} seconds. Buy it to hear it all.`;
    case 'free-play': return `${stream.left} free ${stream.left === 1 ? 'play' : 'plays'} left. Buy it to keep listening.`;
    case 'none': return refusalMessage(stream.why);
  }
}

export function StorageNotice(p: { up: boolean }) {
  return p.up ? null : <p class="banner storage-down" role="status">{STORAGE_DOWN_MESSAGE}</p>;
}

/** One playable track: a button for the site player, and the native element for no-JS. */
export function Track(p: { file: PlayableFile; title: string; artist: string; itemId: string; queue: string; q: string; number?: number; playable: boolean }) {
  return (
    <li class="track" data-track data-file={p.file.id} data-title={p.title} data-artist={p.artist} data-href={`/i/${p.itemId}`}
      data-duration={String(p.file.duration ?? '')} data-queue={p.queue} data-q={p.q}>
      {p.number !== undefined ? <span class="track-number">{p.number}</span> : null}
      <button type="button" class="track-play js-only" aria-label={`Play ${p.title}`} disabled={!p.playable}><PlayPauseIcons /></button>
      <span class="track-title"><a href={`/i/${p.itemId}`}>{p.title}</a></span>
      {p.file.duration ? <span class="track-duration muted">{formatClock(p.file.duration)}</span> : null}
      {p.playable ? <audio class="track-native no-js-only" controls preload="none" src={withQ(`/play/${p.file.id}`, p.q)} aria-label={p.title} /> : null}
    </li>
  );
}

function Video(p: { file: PlayableFile; title: string; q: string; playable: boolean }) {
  const best = p.file.renditions[0];
  return (
    <figure class="video" data-video data-file={p.file.id} data-q={p.q}>
      {p.playable ? (
        <video controls preload="none" playsinline class="video-player" aria-label={p.title}
          poster={p.file.hasPoster ? withQ(`/play/${p.file.id}/poster`, p.q) : undefined}
          src={withQ(`/play/${p.file.id}`, p.q, best ? `r=${best}` : '')} />
      ) : p.file.hasPoster ? <img class="video-poster" alt="" src={withQ(`/play/${p.file.id}/poster`, p.q)} /> : null}
      {p.playable && p.file.renditions.length > 1 ? (
        <figcaption class="renditions">Quality:{' '}
          {p.file.renditions.map((r) => <a class="rendition" data-rendition={r} href={withQ(`/play/${p.file.id}`, p.q, `r=${r}`)} hx-boost="false">{r}</a>)}
        </figcaption>
      ) : null}
    </figure>
  );
}

function Downloads(p: { data: ItemMediaData }) {
  const { data } = p;
  const entitled = data.download.kind === 'full';
  return (
    <section class="downloads card" aria-labelledby="downloads-h">
      <h2 id="downloads-h">Download</h2>
      {data.files.map((f) => (
        <div class="download-file">
          {data.files.length > 1 || data.item.type !== 'audio' ? <p class="download-name">{f.name} <span class="muted">· {formatBytes(f.bytes)}</span></p> : null}
          {entitled && data.storageUp ? (
            <ul class="format-list">
              {f.formats.map((fmt) => (
                <li><a class="button button-small" hx-boost="false" href={withQ(`/download/${f.id}/${fmt.id}`, data.q)}>{fmt.label}</a> <span class="muted">{formatBytes(fmt.bytes)}</span></li>
              ))}
            </ul>
          ) : (
            <p class="muted">Formats: {f.formats.map((fmt) => fmt.label).join(' · ')}</p>
          )}
        </div>
      ))}
      {!entitled && data.download.kind === 'none' ? <p>{refusalMessage(data.download.why)} <a href="#buy">See the price</a></p> : null}
      {entitled && !data.storageUp ? <p class="muted">Downloads are back as soon as our file storage answers again.</p> : null}
    </section>
  );
}

export function ItemMedia(p: { data: ItemMediaData }) {
  const { data } = p;
  const playable = data.storageUp && data.stream.kind !== 'none';
  const note = previewNote(data.stream);
  const audio = data.files.filter((f) => f.kind === 'audio');
  const videos = data.files.filter((f) => f.kind === 'video');
  return (
    <section class="item-media" aria-label="Listen, watch and download">
      <StorageNotice up={data.storageUp} />
      {audio.length ? (
        <ol class="track-list">
          {audio.map((f) => <Track file={f} title={data.item.title} artist={data.item.creator_name} itemId={data.item.id} queue={`item-${data.item.id}`} q={data.q} playable={playable} />)}
        </ol>
      ) : null}
      {videos.map((f) => <Video file={f} title={data.item.title} q={data.q} playable={playable} />)}
      {note && (audio.length || videos.length) ? <p class="preview-note muted" role="note">{note}</p> : null}
      <Downloads data={data} />
    </section>
  );
}

export function ProjectMedia(p: { data: ProjectMediaData }) {
  const { data } = p;
  return (
    <section class="project-media" aria-label="Tracks and album download">
      <StorageNotice up={data.storageUp} />
      {data.tracks.length ? (
        <ol class="track-list" aria-label="Tracks">
          {data.tracks.map((t, i) => <Track file={t.file} title={t.title} artist={data.project.creator_name} itemId={t.itemId}
            queue={`project-${data.project.id}`} q={data.q} number={i + 1} playable={data.storageUp} />)}
        </ol>
      ) : null}
      {data.album ? (
        <section class="card album-download" aria-labelledby="album-dl-h">
          <h2 id="album-dl-h">{data.album.complete ? 'Download the album' : `Download your ${data.album.entitledCount} ${data.album.entitledCount === 1 ? 'item' : 'items'}`}</h2>
          {data.storageUp ? (
            <ul class="format-list">
              {data.album.formats.map((f) => <li><a class="button button-small" hx-boost="false" href={withQ(`/download/album/${data.project.id}/${f.id}`, data.q)}>{f.label} (zip)</a></li>)}
            </ul>
          ) : <p class="muted">Downloads are back as soon as our file storage answers again.</p>}
        </section>
      ) : null}
    </section>
  );
}

const VERBS: Record<string, string> = { audio: 'Listen', video: 'Watch', text: 'Read', image: 'View', download: 'Open' };

/** Compact actions on a library line: play into the site player, open, download. */
export function LibraryActions(p: { item: { id: string; type: string; title: string; creator_name: string }; audio: { id: string; duration: number | null } | null; hasFiles: boolean }) {
  const { item } = p;
  return (
    <span class="library-item-actions">
      {p.audio ? (
        <span data-track data-file={p.audio.id} data-title={item.title} data-artist={item.creator_name} data-href={`/i/${item.id}`}
          data-duration={String(p.audio.duration ?? '')} data-queue="library" class="library-play">
          <button type="button" class="track-play js-only" aria-label={`Play ${item.title}`}><PlayPauseIcons /></button>
        </span>
      ) : null}
      <a href={`/i/${item.id}`}>{VERBS[item.type] ?? 'Open'}</a>
      {p.hasFiles ? <> · <a href={`/i/${item.id}#downloads-h`}>Download</a></> : null}
    </span>
  );
}
