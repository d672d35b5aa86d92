// Form fields shared by onboarding and settings.
import type { Selectable } from 'kysely';
import { SUPPORTED_CURRENCIES } from '../../catalog/money.ts';
import type { CreatorsTables } from '../tables.ts';

type Tier = Selectable<CreatorsTables['creator_tiers']>;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let n = bytes;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}

export function TierChoice(p: { tiers: Tier[]; value: string; error?: string }) {
  return (
    <fieldset class={p.error ? 'field field-invalid' : 'field'}>
      <legend>Tier</legend>
      <div class="tier-grid">
        {p.tiers.map((t) => (
          <label class="tier-option card">
            <input type="radio" name="tier" value={t.code} checked={p.value === t.code} />
            <strong>{t.name}</strong>
            <span class="muted">Files up to {formatBytes(t.per_file_bytes)} · {formatBytes(t.total_bytes)} in total</span>
          </label>
        ))}
      </div>
      {p.error ? <p class="field-error">{p.error}</p> : null}
    </fieldset>
  );
}

export function CurrencySelect(p: { value: string; error?: string; hint?: string }) {
  return (
    <div class={p.error ? 'field field-invalid' : 'field'}>
      <label for="f-currency">Currency for your prices and payouts</label>
      {p.hint ? <p class="hint" id="f-currency-hint">{p.hint}</p> : null}
      <select id="f-currency" name="currency" aria-invalid={p.error ? 'true' : undefined} aria-describedby={p.hint ? 'f-currency-hint' : undefined}>
        {SUPPORTED_CURRENCIES.map((code) => <option value={code} selected={code === p.value}>{code}</option>)}
      </select>
      {p.error ? <p class="field-error">{p.error}</p> : null}
    </div>
  );
}
