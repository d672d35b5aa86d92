// Becoming a creator: choose a tier (the storage envelope) and the currency of your prices.
import type { Selectable } from 'kysely';
import { Form, SubmitButton, type FieldErrors } from '../../../ui/form.tsx';
import type { CreatorsTables } from '../tables.ts';
import { CurrencySelect, TierChoice } from './fields.tsx';

type Tier = Selectable<CreatorsTables['creator_tiers']>;

export function OnboardingPage(p: { csrfToken: string; tiers: Tier[]; values: Record<string, string>; errors: FieldErrors }) {
  return (
    <section>
      <h1>Become a creator</h1>
      <p>Sell and share your work on Makenot.work. Every tier has every feature and you keep 100% of every
        sale; the tier only sets how much you can store. You can change it any time.</p>
      <Form action="/creator/start" csrfToken={p.csrfToken} errors={p.errors} class="stack-form wide-form">
        <TierChoice tiers={p.tiers} value={p.values.tier ?? 'basic'} error={p.errors.tier} />
        <CurrencySelect value={p.values.currency ?? 'USD'} error={p.errors.currency} />
        <SubmitButton>Start creating</SubmitButton>
      </Form>
    </section>
  );
}
