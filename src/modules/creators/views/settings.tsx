// Creator settings: the public profile (name, bio, links), tier and currency.
import type { Child } from 'hono/jsx';
import type { Selectable } from 'kysely';
import { Field, Form, SubmitButton, type FieldErrors } from '../../../ui/form.tsx';
import type { CreatorsTables } from '../tables.ts';
import { CurrencySelect, TierChoice } from './fields.tsx';

type Tier = Selectable<CreatorsTables['creator_tiers']>;

export function SettingsPage(p: { csrfToken: string; username: string; tiers: Tier[]; values: Record<string, string>; errors: FieldErrors; avatar?: Child }) {
  return (
    <section>
      <p><a href="/dashboard">← Dashboard</a></p>
      <h1>Profile and tier</h1>
      <p class="muted">Your public page is <a href={`/@${p.username}`}>/@{p.username}</a>.</p>
      <Form action="/dashboard/settings" csrfToken={p.csrfToken} errors={p.errors} class="stack-form wide-form">
        <Field name="display_name" label="Display name" value={p.values.display_name} error={p.errors.display_name} maxlength={60} required />
        <div class={p.errors.bio ? 'field field-invalid' : 'field'}>
          <label for="f-bio">Bio</label>
          <p class="hint" id="f-bio-hint">Markdown: **bold**, *italic*, [links](https://…), lists.</p>
          <textarea id="f-bio" name="bio" maxlength={5000} aria-describedby="f-bio-hint">{p.values.bio}</textarea>
          {p.errors.bio ? <p class="field-error">{p.errors.bio}</p> : null}
        </div>
        <div class={p.errors.links ? 'field field-invalid' : 'field'}>
          <label for="f-links">Links</label>
          <p class="hint" id="f-links-hint">One per line, optionally with a label: “Bandcamp https://example.bandcamp.com”.</p>
          <textarea id="f-links" name="links" aria-describedby="f-links-hint">{p.values.links}</textarea>
          {p.errors.links ? <p class="field-error">{p.errors.links}</p> : null}
        </div>
        <TierChoice tiers={p.tiers} value={p.values.tier ?? 'basic'} error={p.errors.tier} />
        {/* Prices are stored with their currency and never converted: say so before a change. */}
        <CurrencySelect value={p.values.currency ?? 'USD'} error={p.errors.currency}
          hint="A change applies to what you price from now on: items and albums you have already priced keep their prices, in their currency." />
        <SubmitButton>Save</SubmitButton>
      </Form>
      {/* The media module's avatar uploader: its own form, outside the profile form. */}
      {p.avatar}
    </section>
  );
}
