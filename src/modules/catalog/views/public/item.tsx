// /i/<id>: an item's permanent page.
import type { Selectable } from 'kysely';
import { splitPreview } from '../../item-input.ts';
import type { AiUse, CatalogTables, ItemType, PriceKind, PublishStatus } from '../../tables.ts';
import { AI_LABELS, formatDuration, Markdown, priceLabel, StatusBadge, TYPE_LABELS } from '../shared.tsx';

export interface ItemPageProps {
  item: {
    id: string; type: ItemType; title: string; description: string; body: string; credits: string; release_date: string | null;
    ai_use: AiUse | null; ai_statement: string; status: PublishStatus; price_kind: PriceKind; price_amount: number;
    price_suggested: number | null; currency: string; project_title: string; project_slug: string; project_status: PublishStatus;
    creator_username: string; creator_name: string; is_public: boolean;
  };
  tags: string[];
  versions: Selectable<CatalogTables['item_versions']>[];
  chapters: Selectable<CatalogTables['item_chapters']>[];
  isOwner: boolean;
  /** May read the full text (owner, free item, or — with commerce — a buyer). */
  entitled: boolean;
}

export function ItemPage(p: ItemPageProps) {
  const { item } = p;
  return (
    <article class="item">
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <a href={`/@${item.creator_username}`}>{item.creator_name}</a> › <a href={`/@${item.creator_username}/${item.project_slug}`}>{item.project_title}</a>
      </nav>
      <h1>{item.title} {p.isOwner && !item.is_public ? <StatusBadge status={item.status === 'published' ? item.project_status : item.status} /> : null}</h1>
      <p class="item-meta">
        <span class="badge">{TYPE_LABELS[item.type]}</span>
        {item.release_date ? <span> · Released <time datetime={item.release_date}>{item.release_date}</time></span> : null}
      </p>
      {p.isOwner ? <p class="banner owner-note">You own this item{item.is_public ? '' : ' — only you can see it until it and its project are published'}. <a href={`/dashboard/items/${item.id}/edit`}>Edit item</a></p> : null}

      <section class="buy-box card" aria-label="Price">
        <p class="price">{priceLabel(item)}</p>
        <p class="muted">{item.price_kind === 'free' ? 'Free to enjoy.' : 'Buying opens with checkout; creators keep 100% of every sale.'}</p>
      </section>

      <Markdown source={item.description} />
      {item.type === 'text' ? <TextBody body={item.body} entitled={p.entitled} /> : null}

      {p.chapters.length ? (
        <section aria-labelledby="chapters-h">
          <h2 id="chapters-h">Chapters</h2>
          <ol class="chapters">
            {p.chapters.map((ch) => <li><time datetime={`PT${ch.start_seconds}S`}>{formatDuration(ch.start_seconds)}</time> {ch.title}</li>)}
          </ol>
        </section>
      ) : null}
      {p.versions.length ? (
        <section aria-labelledby="versions-h">
          <h2 id="versions-h">Versions</h2>
          {p.versions.map((v) => (
            <div class="version">
              <h3>{v.label} <span class="muted">· {v.released_on}</span></h3>
              <Markdown source={v.changelog} />
            </div>
          ))}
        </section>
      ) : null}
      {item.credits ? <section aria-labelledby="credits-h"><h2 id="credits-h">Credits</h2><p class="credits">{item.credits}</p></section> : null}
      <footer class="item-footer">
        {item.ai_use ? <p><span class="badge">{AI_LABELS[item.ai_use]}</span>{item.ai_use === 'assisted' && item.ai_statement ? <span class="muted"> {item.ai_statement}</span> : null}</p> : null}
        {p.tags.length ? <p class="tags">{p.tags.map((t) => <a class="tag" href={`/tags/${t}`}>{t}</a>)}</p> : null}
      </footer>
    </article>
  );
}

function TextBody(p: { body: string; entitled: boolean }) {
  if (p.entitled) return <Markdown source={p.body.replace(/^[ \t]*<!--\s*more\s*-->[ \t]*$/im, '')} class="text-body" />;
  const { preview, hasMore } = splitPreview(p.body);
  return (
    <>
      <Markdown source={preview} class="text-body" />
      {hasMore ? (
        <aside class="paywall card" role="note">
          <h2>Keep reading</h2>
          <p>The rest of this text is for people who bought it. Buying opens with checkout.</p>
        </aside>
      ) : null}
    </>
  );
}
