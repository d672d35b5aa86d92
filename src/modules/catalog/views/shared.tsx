// Small pieces shared by catalog pages: markdown blocks, prices, badges, labels.
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

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
