// Parsing the item form. Every field is optional in a partial update (the wizard saves one
// step at a time); what is present is validated in full.
import { readText } from '../../platform/validate.ts';
import { renderMarkdown } from './markdown.ts';
import { parseMoney } from './money.ts';
import type { AiUse, ItemType, PreviewMode, PriceKind } from './tables.ts';
import { parseTagList } from './tags.ts';

export const ITEM_TYPES: ItemType[] = ['audio', 'video', 'text', 'download', 'image'];
export const AI_USES: AiUse[] = ['handmade', 'assisted', 'generated'];
export const DESCRIPTION_MAX = 20_000;
export const BODY_MAX = 100_000;

export interface ItemFields {
  title?: string;
  description?: string;
  body?: string;
  release_date?: string | null;
  credits?: string;
  ai_use?: AiUse | null;
  ai_statement?: string;
  price_kind?: PriceKind;
  price_amount?: number;
  price_suggested?: number | null;
  preview_mode?: PreviewMode;
  preview_seconds?: number;
  preview_plays?: number;
  tags?: string[];
}

export const PREVIEW_MODES: PreviewMode[] = ['off', 'clip', 'plays'];
export const PREVIEW_SECONDS = { min: 5, max: 300 };
export const PREVIEW_PLAYS = { min: 1, max: 50 };

export function parseItemType(raw: unknown): ItemType | null {
  return ITEM_TYPES.includes(raw as ItemType) ? (raw as ItemType) : null;
}

export function checkTitle(raw: unknown, label = 'Title') {
  return readText(raw, { label, max: 200, required: true });
}

/** Reads whichever item fields the form sent; returns the values and per-field errors. */
export function parseItemFields(body: Record<string, unknown>, currency: string): { fields: ItemFields; errors: Record<string, string> } {
  const fields: ItemFields = {};
  const errors: Record<string, string> = {};
  const text = (key: keyof ItemFields & string, label: string, max: number, opts: { required?: boolean; multiline?: boolean } = {}) => {
    if (!(key in body)) return;
    const r = readText(body[key], { label, max, ...opts });
    if (r.ok) (fields as Record<string, unknown>)[key] = r.value;
    else errors[key] = r.error;
  };
  text('title', 'Title', 200, { required: true });
  text('description', 'Description', DESCRIPTION_MAX, { multiline: true });
  text('body', 'Text', BODY_MAX, { multiline: true });
  text('credits', 'Credits', 2000, { multiline: true });
  text('ai_statement', 'AI statement', 500, { multiline: true });

  if ('release_date' in body) {
    const raw = typeof body.release_date === 'string' ? body.release_date.trim() : '';
    if (!raw) fields.release_date = null;
    else if (isCalendarDate(raw)) fields.release_date = raw;
    else errors.release_date = 'Use a real date, like 2026-12-31.';
  }
  if ('ai_use' in body) {
    if (body.ai_use === '' || body.ai_use === undefined) fields.ai_use = null;
    else if (AI_USES.includes(body.ai_use as AiUse)) fields.ai_use = body.ai_use as AiUse;
    else errors.ai_use = 'Choose how AI was used.';
  }
  if (fields.ai_use === 'assisted' && !errors.ai_statement && !fields.ai_statement) {
    errors.ai_statement = 'Say briefly how AI assisted (for example “mastering with an AI tool”).';
  }
  if ('price_kind' in body) parsePrice(body, currency, fields, errors);
  if ('preview_mode' in body) parsePreview(body, fields, errors);
  if ('tags' in body) {
    const tags = parseTagList(body.tags);
    if (tags.ok) fields.tags = tags.paths;
    else errors.tags = tags.error;
  }
  return { fields, errors };
}

/** Reads price_kind, price_amount and price_suggested (items, and album prices in album-price.ts). */
export function parsePrice(body: Record<string, unknown>, currency: string, fields: Pick<ItemFields, 'price_kind' | 'price_amount' | 'price_suggested'>, errors: Record<string, string>) {
  const kind = body.price_kind;
  if (kind === 'free') {
    Object.assign(fields, { price_kind: 'free', price_amount: 0, price_suggested: null });
    return;
  }
  if (kind !== 'fixed' && kind !== 'pwyw') {
    errors.price_kind = 'Choose free, a fixed price, or pay what you want.';
    return;
  }
  const amountRaw = typeof body.price_amount === 'string' ? body.price_amount : '';
  const amount = kind === 'pwyw' && amountRaw.trim() === '' ? { ok: true as const, money: { amount: 0, currency } } : parseMoney(amountRaw, currency);
  if (!amount.ok) {
    errors.price_amount = amount.error;
    return;
  }
  if (kind === 'fixed' && amount.money.amount === 0) {
    errors.price_amount = 'A fixed price must be more than zero. Choose “free” to give it away.';
    return;
  }
  let suggested: number | null = null;
  const suggestedRaw = typeof body.price_suggested === 'string' ? body.price_suggested.trim() : '';
  if (kind === 'pwyw' && suggestedRaw) {
    const s = parseMoney(suggestedRaw, currency);
    if (!s.ok) {
      errors.price_suggested = s.error;
      return;
    }
    if (s.money.amount < amount.money.amount) {
      errors.price_suggested = 'The suggested amount cannot be below the minimum.';
      return;
    }
    suggested = s.money.amount;
  }
  Object.assign(fields, { price_kind: kind, price_amount: amount.money.amount, price_suggested: suggested });
}

/** What visitors who have not bought it may hear: nothing, the first N seconds, or N full plays. */
function parsePreview(body: Record<string, unknown>, fields: ItemFields, errors: Record<string, string>) {
  const mode = body.preview_mode as PreviewMode;
  if (!PREVIEW_MODES.includes(mode)) {
    errors.preview_mode = 'Choose no preview, the first seconds, or a number of full plays.';
    return;
  }
  fields.preview_mode = mode;
  const whole = (key: 'preview_seconds' | 'preview_plays', range: { min: number; max: number }, label: string) => {
    if (!(key in body)) return;
    const raw = typeof body[key] === 'string' ? (body[key] as string).trim() : '';
    if (raw === '' && mode !== (key === 'preview_seconds' ? 'clip' : 'plays')) return; // only the chosen mode's number is needed
    const n = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < range.min || n > range.max) errors[key] = `${label} must be a whole number from ${range.min} to ${range.max}.`;
    else fields[key] = n;
  };
  whole('preview_seconds', PREVIEW_SECONDS, 'The preview length');
  whole('preview_plays', PREVIEW_PLAYS, 'The number of free plays');
}

function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) && d.getUTCFullYear() >= 1000 && d.getUTCFullYear() <= 9999;
}

/**
 * Text items: a line containing only <!-- more --> ends the free preview. Without a marker
 * nothing is previewed: a paid text is never given away by forgetting the marker.
 */
export const PREVIEW_MARKER = '<!-- more -->';

/**
 * Whether a text item's body shows a reader anything: judged on the rendered, sanitised HTML
 * (comments, scripts and empty elements render to nothing), as visible characters once tags
 * are gone (whitespace, format characters and blank-looking letters such as U+3164 and U+2800
 * do not count). The preview marker is a comment, so a body of only the marker is empty.
 */
export function hasReadableText(body: string): boolean {
  let html: string;
  try {
    html = renderMarkdown(body);
  } catch {
    return true; // too long to render is not empty
  }
  const text = html.replace(/<[^>]*>/g, '').replace(/&(?:nbsp|#160|#xa0);/gi, '');
  return /[^\s\p{Cf}\u115f\u1160\u3164\u2800\uffa0]/u.test(text);
}

export function splitPreview(body: string): { preview: string; rest: string; hasMore: boolean } {
  const match = /^[ \t]*<!--\s*more\s*-->[ \t]*$/im.exec(body);
  if (!match) return { preview: '', rest: body, hasMore: body.trim().length > 0 };
  return { preview: body.slice(0, match.index).trimEnd(), rest: body.slice(match.index + match[0].length).trimStart(), hasMore: true };
}
