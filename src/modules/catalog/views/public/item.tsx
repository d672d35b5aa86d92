// /i/<id>: an item's permanent page.
import type { Selectable } from 'kysely';
import type { Child } from 'hono/jsx';
import { splitPreview } from '../../item-input.ts';
import type { AiUse, CatalogTables, ItemType, PriceKind, PublishStatus } from '../../tables.ts';
import { formatMoney, toDecimalString } from '../../money.ts';
import { formatClock } from '../../../../ui/format.ts';
import { AI_LABELS, Cover, Markdown, priceLabel, StatusBadge, TYPE_LABELS } from '../shared.tsx';

export interface ItemPageProps {
  item: {
    id: string; type: ItemType; title: string; description: string; body: string; credits: string; release_date: string | null;
    ai_use: AiUse | null; ai_statement: string; status: PublishStatus; price_kind: PriceKind; price_amount: number;
    price_suggested: number | null; currency: string; project_title: string; project_slug: string; project_status: PublishStatus;
    creator_username: string; creator_name: string; is_public: boolean;
  };
  /** The cover image's URL and srcset (image items: their own image; else the item's cover, else its project's), from the media module; else a placeholder. */
  coverUrl?: string;
  coverSrcset?: string;
  tags: string[];
  versions: Selectable<CatalogTables['item_versions']>[];
  chapters: Selectable<CatalogTables['item_chapters']>[];
  isOwner: boolean;
  /** May read the full text (owner, free item, or a buyer). */
  entitled: boolean;
  /** For the buy box: whether the viewer already owns it, and what its forms need. */
  buy: BuyBoxState;
  /** Players and downloads, rendered by the playback module (null when there are no files). */
  media?: Child;
}

export interface BuyBoxState { owned: boolean; csrfToken: string; checkoutKey: string; signedIn: boolean }

export function ItemPage(p: ItemPageProps) {
  const { item } = p;
  return (
    <article class="item">
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <a href={`/@${item.creator_username}`}>{item.creator_name}</a> › <a href={`/@${item.creator_username}/${item.project_slug}`}>{item.project_title}</a>
      </nav>
      <header class="item-header">
        <Cover title={item.title} type={item.type} url={p.coverUrl} srcset={p.coverSrcset} size="page"
          alt={item.type === 'image' ? `Preview of ${item.title}` : `Cover of ${item.title}`} />
        <div>
          <h1>{item.title} {p.isOwner && !item.is_public ? <StatusBadge status={item.status === 'published' ? item.project_status : item.status} /> : null}</h1>
          <p class="item-meta">
            <span class="badge">{TYPE_LABELS[item.type]}</span>
            {item.release_date ? <span> · Released <time datetime={item.release_date}>{item.release_date}</time></span> : null}
          </p>
        </div>
      </header>
      {p.isOwner ? <p class="banner owner-note">You own this item{item.is_public ? '' : ' — only you can see it until it and its project are published'}. <a href={`/dashboard/items/${item.id}/edit`}>Edit item</a></p> : null}

      {p.media}
      <BuyBox item={item} isOwner={p.isOwner} buy={p.buy} />

      <Markdown source={item.description} />
      {item.type === 'text' ? <TextBody body={item.body} entitled={p.entitled} /> : null}

      {p.chapters.length ? (
        <section aria-labelledby="chapters-h">
          <h2 id="chapters-h">Chapters</h2>
          {/* player.js makes each chapter a button that seeks the item's track */}
          <ol class="chapters" data-chapters>
            {p.chapters.map((ch) => <li data-seek={String(ch.start_seconds)}><time datetime={`PT${ch.start_seconds}S`}>{formatClock(ch.start_seconds)}</time> {ch.title}</li>)}
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
          <p>The rest of this text is for people who bought it. <a href="#buy">Buy it</a> to read on.</p>
        </aside>
      ) : null}
    </>
  );
}

/** Buy, claim or pay what you want; "In your library" once owned. Forms post to commerce. */
function BuyBox(p: { item: ItemPageProps['item']; isOwner: boolean; buy: BuyBoxState }) {
  const { item, buy } = p;
  const money = (amount: number) => formatMoney({ amount, currency: item.currency });
  const label = item.price_kind === 'free' ? 'Get it free'
    : item.price_kind === 'fixed' ? `Buy for ${money(item.price_amount)}` : item.price_amount > 0 ? 'Buy' : 'Get it';
  return (
    <section class="buy-box card" id="buy" aria-label="Price">
      <p class="price">{priceLabel(item)}</p>
      {p.isOwner ? <p class="muted">This is your item; fans buy it here. Creators keep 100% of every sale.</p>
        : buy.owned ? <p class="owned"><strong>In your library.</strong> {buy.signedIn ? <a href="/library">Open your library</a> : 'Your receipt email has the link.'}</p>
        : item.is_public ? (
          <form method="post" action={`/i/${item.id}/checkout`} class="stack-form buy-form">
            <input type="hidden" name="_csrf" value={buy.csrfToken} />
            <input type="hidden" name="checkout_key" value={buy.checkoutKey} />
            {item.price_kind === 'pwyw' ? (
              <div class="field">
                <label for="buy-amount">Your price ({item.currency})</label>
                <p class="hint" id="buy-amount-hint">{item.price_amount > 0 ? `At least ${money(item.price_amount)}` : 'Any amount, or 0 to get it free'}{item.price_suggested ? ` · suggested ${money(item.price_suggested)}` : ''}</p>
                <input id="buy-amount" name="amount" inputmode="decimal" required aria-describedby="buy-amount-hint"
                  value={toDecimalString({ amount: item.price_suggested ?? item.price_amount, currency: item.currency })} />
              </div>
            ) : null}
            {buy.signedIn ? null : (
              <div class="field">
                <label for="buy-email">Email for your receipt</label>
                <p class="hint" id="buy-email-hint">No account needed: we email you a link at once. Log in with this address later to see it in your library.</p>
                <input id="buy-email" name="email" type="email" autocomplete="email" required aria-describedby="buy-email-hint" />
              </div>
            )}
            <button type="submit" class="button">{label}</button>
          </form>
        ) : null}
      {!p.isOwner ? <p class="muted">Creators keep 100% of every sale. <a href={`/tip/${item.creator_username}`}>Tip {item.creator_name}</a></p> : null}
    </section>
  );
}
