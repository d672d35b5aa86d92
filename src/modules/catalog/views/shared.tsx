// Small pieces shared by catalog pages: markdown blocks, prices, badges, labels, covers.
import { formatMoney } from '../money.ts';
import { renderMarkdown } from '../markdown.ts';
import type { AiUse, ItemType, PriceKind, PublishStatus } from '../tables.ts';

/** Markdown rendered server-side and sanitised with an allowlist (see markdown.ts). */
export function Markdown(p: { source: string; class?: string }) {
  if (!p.source.trim()) return null;
  return <div class={`prose ${p.class ?? ''}`} dangerouslySetInnerHTML={{ __html: renderMarkdown(p.source) }} />;
}

export const TYPE_LABELS: Record<ItemType, string> = {
  audio: 'Audio', video: 'Video', text: 'Text', download: 'Download', image: 'Image',
};

export const AI_LABELS: Record<AiUse, string> = {
  handmade: 'Handmade — no generative AI', assisted: 'Made with AI assistance', generated: 'AI-generated',
};

export function priceLabel(p: { price_kind: PriceKind; price_amount: number; price_suggested: number | null; currency: string }): string {
  if (p.price_kind === 'free') return 'Free';
  const amount = formatMoney({ amount: p.price_amount, currency: p.currency });
  if (p.price_kind === 'fixed') return amount;
  const suggested = p.price_suggested ? `, suggested ${formatMoney({ amount: p.price_suggested, currency: p.currency })}` : '';
  return p.price_amount > 0 ? `Pay what you want (at least ${amount}${suggested})` : `Pay what you want${suggested ? ` (${suggested.slice(2)})` : ''}`;
}

export function StatusBadge(p: { status: PublishStatus }) {
  return <span class={`badge badge-${p.status}`}>{p.status === 'published' ? 'Published' : p.status === 'draft' ? 'Draft' : 'Unpublished'}</span>;
}

/**
 * Cover images: the seam between the catalog and the media module. Items and projects store an
 * object key (cover_key; queries hand out the item's own, else its project's). Turning a key into
 * a URL is the media module's job (listCoverUrls for a page's lists, one query at most; pageCover
 * for an item's or project's big cover, with a srcset): routes pass the URLs in, and every page
 * and card here accepts an optional `coverUrl` (lists: `coverUrls`, keyed by item or project id).
 * The media module leaves out rows without a ready image (no cover, or one still processing: the
 * key is only set once processed), and those show the placeholder below. Image items show their
 * own image as the preview. The URLs are public and need no storage round trip to render, so
 * pages render the same when object storage is down (the image route then answers for itself).
 */
export type CoverUrls = Readonly<Record<string, string>>;

const TYPE_ICONS: Record<ItemType, string> = {
  audio: 'M9 18V5l10-2v13M9 18a3 3 0 1 1-6 0 3 3 0 0 1 6 0ZM19 16a3 3 0 1 1-6 0 3 3 0 0 1 6 0Z',
  video: 'M8 5v14l11-7Z',
  text: 'M5 6h14M5 10h14M5 14h14M5 18h9',
  download: 'M12 4v11m-4-4 4 4 4-4M5 19h14',
  image: 'M4 5h16v14H4ZM4 17l5-5 4 4 2-2 5 5M16 9a1.5 1.5 0 1 1-3 0 1.5 1.5 0 0 1 3 0Z',
};

// Covers are square (app.css): the CSS size of each kind, for width/height (no layout shift
// while the image loads) and for `sizes` when a srcset offers several widths.
const COVER_PX = { thumb: 36, card: 80, tile: 224, page: 288 } as const;
const COVER_SIZES = { thumb: '2.25rem', card: '5rem', tile: '(max-width: 40rem) 90vw, 18rem', page: '(max-width: 20rem) 100vw, 18rem' } as const;

/**
 * An item's (or, without `type`, a project's) cover: the image when a URL is given, else a
 * placeholder showing the type. Lists (thumb, card, tile) load lazily; a page's big cover does
 * not (it is the first thing seen).
 */
export function Cover(p: { title: string; type?: ItemType; url?: string; srcset?: string; size: keyof typeof COVER_PX; alt?: string }) {
  const cls = `cover cover-${p.size}`;
  if (p.url) {
    const px = COVER_PX[p.size];
    return <img class={cls} src={p.url} srcset={p.srcset} sizes={p.srcset ? COVER_SIZES[p.size] : undefined} alt={p.alt ?? `Cover of ${p.title}`}
      width={px} height={px} loading={p.size === 'page' ? undefined : 'lazy'} decoding="async" />;
  }
  const kind = p.type ?? 'project';
  return (
    <span class={`${cls} cover-placeholder cover-${kind}`} aria-hidden="true" data-cover="placeholder">
      {p.type ? (
        <svg class="cover-icon" viewBox="0 0 24 24" focusable="false"><path d={TYPE_ICONS[p.type]} /></svg>
      ) : <span class="cover-initial">{[...p.title.trim()][0]?.toUpperCase() ?? '·'}</span>}
      {p.size === 'thumb' ? null : <span class="cover-label">{p.type ? TYPE_LABELS[p.type] : 'Project'}</span>}
    </span>
  );
}
