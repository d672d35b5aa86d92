// "Sell the whole project": the album price fields of the project wizard and edit page, and the
// line that sums the price up on the wizard's review step and in hidden fields between steps.
import type { FieldErrors } from '../../../../ui/form.tsx';
import { NOT_FOR_SALE } from '../../album-price.ts';
import { parseMoney } from '../../money.ts';
import { priceLabel } from '../shared.tsx';
import { precisionHint, MoneyInput } from './item-steps.tsx';
import { RadioGroup } from './fields.tsx';

export const ALBUM_PRICE_FIELDS = ['price_kind', 'price_amount', 'price_suggested'];

export function AlbumPriceFields(p: { values: Record<string, string>; errors: FieldErrors; currency: string }) {
  const v = p.values;
  return (
    <fieldset class="album-price card">
      <legend>Sell the whole project</legend>
      <p class="hint">Like “Buy the album”: one purchase gives fans every item in this project, including items you add later.
        Items keep their own prices too. Prices are in <strong>{p.currency}</strong>. {precisionHint(p.currency)}</p>
      <RadioGroup name="price_kind" legend="Whole-project price" value={v.price_kind || NOT_FOR_SALE} error={p.errors.price_kind} class="wizard-price-kinds" choices={[
        { value: NOT_FOR_SALE, label: 'Items only', hint: 'Fans buy the items one by one.' },
        { value: 'free', label: 'Free', hint: 'Anyone can get all of it at once.' },
        { value: 'fixed', label: 'Fixed price', hint: 'One price for everything.' },
        { value: 'pwyw', label: 'Pay what you want', hint: 'Fans choose, above an optional minimum.' },
      ]} />
      <div class="wizard-amounts">
        <MoneyInput name="price_amount" label="Price, or the minimum for pay what you want" value={v.price_amount} error={p.errors.price_amount} currency={p.currency}
          hint="Required for a fixed price. For pay what you want, leave empty or 0 for no minimum." />
        <MoneyInput name="price_suggested" label="Suggested amount (optional)" value={v.price_suggested} error={p.errors.price_suggested} currency={p.currency}
          hint="Pay what you want only: the amount we propose to fans." />
      </div>
    </fieldset>
  );
}

/** The wizard's review line; the values were validated on the step before. */
export function albumPriceSummary(v: Record<string, string>, currency: string): string {
  const kind = v.price_kind;
  if (kind !== 'free' && kind !== 'fixed' && kind !== 'pwyw') return 'Items only (the project is not sold as a whole)';
  const amount = (raw: string | undefined) => {
    const parsed = raw?.trim() ? parseMoney(raw, currency) : null;
    return parsed?.ok ? parsed.money.amount : 0;
  };
  const suggested = kind === 'pwyw' && v.price_suggested?.trim() ? amount(v.price_suggested) : null;
  return priceLabel({ price_kind: kind, price_amount: kind === 'free' ? 0 : amount(v.price_amount), price_suggested: suggested, currency });
}

export function AlbumPriceHidden(p: { values: Record<string, string> }) {
  return <>{ALBUM_PRICE_FIELDS.map((k) => <input type="hidden" name={k} value={p.values[k] ?? ''} />)}</>;
}
