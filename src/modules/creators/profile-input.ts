// Parsing the creator settings form: tier, payout currency, bio, links.
import { readText } from '../../platform/validate.ts';
import { isSupportedCurrency } from '../catalog/money.ts';
import type { CreatorLink } from './tables.ts';

export const BIO_MAX = 5000;
export const LINKS_MAX = 10;

export function checkTier(raw: unknown, tiers: { code: string }[]): string | null {
  return typeof raw === 'string' && tiers.some((t) => t.code === raw) ? raw : null;
}

export function checkCurrency(raw: unknown): { ok: true; value: string } | { ok: false; error: string } {
  const code = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
  if (!/^[A-Z]{3}$/.test(code) || !isSupportedCurrency(code)) {
    return { ok: false, error: 'Choose a currency from the list (an ISO 4217 code such as USD, EUR or JPY).' };
  }
  return { ok: true, value: code };
}

/** One link per line: "https://…" or "Label https://…". Only http(s) URLs. */
export function parseLinks(raw: unknown): { ok: true; value: CreatorLink[] } | { ok: false; error: string } {
  const text = readText(raw, { label: 'Links', max: 3000, multiline: true });
  if (!text.ok) return text;
  const links: CreatorLink[] = [];
  for (const line of text.value.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const match = /^(?:(.{1,60}?)\s+)?(\S+)$/.exec(line);
    let url: URL | null = null;
    try { url = match ? new URL(match[2]!) : null; } catch { url = null; }
    if (!url || !['http:', 'https:'].includes(url.protocol) || url.href.length > 500) {
      return { ok: false, error: `“${line.slice(0, 60)}” is not a web address. Use one link per line, like “Bandcamp https://example.com”.` };
    }
    links.push({ label: match![1]?.trim() || url.hostname.replace(/^www\./, ''), url: url.href });
  }
  if (links.length > LINKS_MAX) return { ok: false, error: `At most ${LINKS_MAX} links.` };
  return { ok: true, value: links };
}
