// /@username/project-slug: a project and its items.
import type { Child } from 'hono/jsx';
import { Cover, Markdown, priceLabel, StatusBadge, TYPE_LABELS, type CoverUrls } from '../shared.tsx';
import type { ItemType, PriceKind, PublishStatus } from '../../tables.ts';
import { AlbumBuyBox, TipLink, type AlbumBuyState, type AlbumForSale } from './album-box.tsx';

export interface ProjectPageProps {
  creator: { username: string; display_name: string };
  project: { id: string; title: string; description: string; status: PublishStatus } & AlbumForSale;
  items: { id: string; title: string; type: ItemType; status: PublishStatus; price_kind: PriceKind; price_amount: number; price_suggested: number | null; currency: string; release_date: string | null }[];
  isOwner: boolean;
  /** The track list and album downloads, rendered by the playback module. */
  media?: Child;
  album: AlbumBuyState;
  /** The project's cover image URL (and srcset), and its items' by item id, from the media module; else placeholders. */
  coverUrl?: string;
  coverSrcset?: string;
  coverUrls?: CoverUrls;
}

export function ProjectPage(p: ProjectPageProps) {
  return (
    <article class="project">
      <p class="muted"><a href={`/@${p.creator.username}`}>{p.creator.display_name}</a></p>
      <h1>{p.project.title} {p.isOwner && p.project.status !== 'published' ? <StatusBadge status={p.project.status} /> : null}</h1>
      {p.isOwner ? <p class="banner owner-note">You own this project. <a href={`/dashboard/projects/${p.project.id}`}>Edit project</a></p> : null}
      <Cover title={p.project.title} url={p.coverUrl} srcset={p.coverSrcset} size="page" alt={`Cover of ${p.project.title}`} />
      {p.media}
      <Markdown source={p.project.description} />
      <AlbumBuyBox project={p.project} itemCount={p.items.filter((i) => i.status === 'published').length} isOwner={p.isOwner} buy={p.album} />
      {p.isOwner ? null : <TipLink username={p.creator.username} displayName={p.creator.display_name} />}
      <h2>Items</h2>
      {p.items.length === 0 ? (
        <p class="empty">{p.isOwner ? 'No items yet. Add one from the project editor.' : 'Nothing here yet.'}</p>
      ) : (
        <ol class="item-list item-list-covers">
          {p.items.map((item) => (
            <li>
              <Cover title={item.title} type={item.type} url={p.coverUrls?.[item.id]} size="thumb" />
              <a href={`/i/${item.id}`}>{item.title}</a> <span class="badge">{TYPE_LABELS[item.type]}</span>
              {p.isOwner && item.status !== 'published' ? <> <StatusBadge status={item.status} /></> : null}
              <span class="muted"> · {priceLabel(item)}{item.release_date ? ` · ${item.release_date}` : ''}</span>
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}
