// Album prices: a project can be sold as a whole (Bandcamp's "Buy the album"), free, at a fixed
// price or pay what you want, with the same money rules as an item. "none" (the default) sells
// only the items. Buying the album entitles the buyer to every item of the project, including
// items added later; commerce owns that rule (its order lines name the project).
import { parsePrice, type ItemFields } from './item-input.ts';
import type { PriceKind } from './tables.ts';

export interface AlbumPrice { price_kind: PriceKind | null; price_amount: number; price_suggested: number | null }

export const NOT_FOR_SALE = 'none';

/** Reads the album price fields; an absent price_kind leaves the price as it is (undefined). */
export function parseAlbumPrice(body: Record<string, unknown>, currency: string): { price?: AlbumPrice; errors: Record<string, string> } {
  if (!('price_kind' in body)) return { errors: {} };
  if (body.price_kind === NOT_FOR_SALE) return { price: { price_kind: null, price_amount: 0, price_suggested: null }, errors: {} };
  const fields: Pick<ItemFields, 'price_kind' | 'price_amount' | 'price_suggested'> = {};
  const errors: Record<string, string> = {};
  parsePrice(body, currency, fields, errors);
  if (body.price_kind !== 'free' && body.price_kind !== 'fixed' && body.price_kind !== 'pwyw') {
    errors.price_kind = 'Choose whether the whole project is for sale, and how.';
  }
  if (Object.keys(errors).length) return { errors };
  return { price: { price_kind: fields.price_kind!, price_amount: fields.price_amount ?? 0, price_suggested: fields.price_suggested ?? null }, errors };
}

/** The form's values for a stored price (amounts as exact decimals in the project's currency). */
export function albumPriceValues(p: AlbumPrice & { currency: string | null }, toDecimal: (amount: number, currency: string) => string) {
  if (!p.price_kind || !p.currency) return { price_kind: NOT_FOR_SALE, price_amount: '', price_suggested: '' };
  return {
    price_kind: p.price_kind,
    price_amount: p.price_kind === 'free' ? '' : toDecimal(p.price_amount, p.currency),
    price_suggested: p.price_suggested === null ? '' : toDecimal(p.price_suggested, p.currency),
  };
}
