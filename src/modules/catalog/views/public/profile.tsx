// /@username: a creator's public page.
import type { CreatorLink } from '../../../creators/index.ts';
import { Cover, Markdown, priceLabel, TYPE_LABELS, type CoverUrls } from '../shared.tsx';
import type { ItemType, PriceKind } from '../../tables.ts';
import { TipLink } from './album-box.tsx';

export interface ProfileProps {
  username: string;
  displayName: string;
  bio: string;
  links: CreatorLink[];
  isOwner: boolean;
  projects: { id: string; slug: string; title: string; description: string }[];
  items: { id: string; title: string; type: ItemType; project_title: string; price_kind: PriceKind; price_amount: number; price_suggested: number | null; currency: string }[];
  /** The avatar's URL, and project and item covers by id, from the media module; else placeholders. */
  avatarUrl?: string;
  coverUrls?: CoverUrls;
}

export function ProfilePage(p: ProfileProps) {
  return (
    <article class="profile">
      <header class="profile-header">
        {p.avatarUrl
          ? <img class="avatar" src={p.avatarUrl} alt={`Avatar of ${p.displayName}`} width={72} height={72} decoding="async" />
          : <div class="avatar" aria-hidden="true" data-avatar="placeholder">{[...p.displayName][0]?.toUpperCase()}</div>}
        <div>
          <h1>{p.displayName}</h1>
          <p class="muted">@{p.username}</p>
        </div>
      </header>
      {p.isOwner ? <p class="banner owner-note">This is your public page. <a href="/dashboard/settings">Edit profile</a> · <a href="/dashboard">Dashboard</a></p> : null}
      <Markdown source={p.bio} />
      {p.isOwner ? null : <TipLink username={p.username} displayName={p.displayName} />}
      {p.links.length ? (
        <ul class="link-list" aria-label="Links">
          {p.links.map((l) => <li><a href={l.url} rel="nofollow ugc noopener noreferrer">{l.label}</a></li>)}
        </ul>
      ) : null}

      <h2>Projects</h2>
      {p.projects.length === 0 ? (
        <p class="empty">{p.isOwner ? 'Nothing published yet. Publish a project from your dashboard and it appears here.' : `${p.displayName} hasn't published anything yet. Check back soon.`}</p>
      ) : (
        <ul class="card-grid">
          {p.projects.map((project) => (
            <li class="card project-card">
              <Cover title={project.title} url={p.coverUrls?.[project.id]} size="tile" />
              <h3><a href={`/@${p.username}/${project.slug}`}>{project.title}</a></h3>
            </li>
          ))}
        </ul>
      )}
      {p.items.length ? (
        <>
          <h2>Latest releases</h2>
          <ul class="item-list item-list-covers">
            {p.items.map((item) => (
              <li>
                <Cover title={item.title} type={item.type} url={p.coverUrls?.[item.id]} size="thumb" />
                <a href={`/i/${item.id}`}>{item.title}</a> <span class="badge">{TYPE_LABELS[item.type]}</span>
                <span class="muted"> · {item.project_title} · {priceLabel(item)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </article>
  );
}
