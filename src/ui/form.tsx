// Form building blocks: every field has a label, keeps the submitted value, and shows its
// error beside it (linked with aria-describedby so screen readers announce it).
import type { Child } from 'hono/jsx';

export type FieldErrors = Record<string, string | undefined>;

export function CsrfField(p: { token: string }) {
  return <input type="hidden" name="_csrf" value={p.token} />;
}

export function Form(p: { action: string; csrfToken: string; children?: Child; class?: string; errors?: FieldErrors }) {
  const count = Object.values(p.errors ?? {}).filter(Boolean).length;
  return (
    <form method="post" action={p.action} class={p.class ?? 'stack-form'} novalidate>
      <CsrfField token={p.csrfToken} />
      {count > 0 ? (
        <div class="form-errors" role="alert">Please correct {count === 1 ? 'the field' : `the ${count} fields`} marked below.</div>
      ) : null}
      {p.children}
    </form>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'url' | 'search';
  value?: string;
  error?: string;
  hint?: string;
  autocomplete?: string;
  required?: boolean;
  maxlength?: number;
  autofocus?: boolean;
}

export function Field(p: FieldProps) {
  const id = `f-${p.name}`;
  const describedBy = [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={p.error ? 'field field-invalid' : 'field'}>
      <label for={id}>{p.label}</label>
      {p.hint ? <p class="hint" id={`${id}-hint`}>{p.hint}</p> : null}
      <input id={id} name={p.name} type={p.type ?? 'text'} value={p.type === 'password' ? undefined : p.value}
        autocomplete={p.autocomplete} required={p.required} maxlength={p.maxlength} autofocus={p.autofocus}
        aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy} />
      {p.error ? <p class="field-error" id={`${id}-error`}>{p.error}</p> : null}
    </div>
  );
}

export function SubmitButton(p: { children?: Child }) {
  return <button type="submit" class="button">{p.children}</button>;
}
