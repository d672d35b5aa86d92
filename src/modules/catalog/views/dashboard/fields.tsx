// Form fields the dashboard needs beyond ui/form.tsx's text input: textareas, dates, radio
// groups and selects, with the same markup (label, hint, error linked by aria-describedby).
import type { Child } from 'hono/jsx';
import { CsrfField, type FieldErrors } from '../../../../ui/form.tsx';

const describedBy = (id: string, hint: unknown, error: unknown) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

function Hint(p: { id: string; hint?: Child }) {
  return p.hint ? <p class="hint" id={`${p.id}-hint`}>{p.hint}</p> : null;
}

function ErrorText(p: { id: string; error?: string }) {
  return p.error ? <p class="field-error" id={`${p.id}-error`}>{p.error}</p> : null;
}

export function TextArea(p: { name: string; label: string; value?: string; error?: string; hint?: Child; maxlength?: number; rows?: number; class?: string }) {
  const id = `f-${p.name}`;
  return (
    <div class={`${p.error ? 'field field-invalid' : 'field'} ${p.class ?? ''}`.trim()}>
      <label for={id}>{p.label}</label>
      <Hint id={id} hint={p.hint} />
      <textarea id={id} name={p.name} rows={p.rows} maxlength={p.maxlength}
        aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy(id, p.hint, p.error)}>{p.value ?? ''}</textarea>
      <ErrorText id={id} error={p.error} />
    </div>
  );
}

export function DateInput(p: { name: string; label: string; value?: string; error?: string; hint?: Child }) {
  const id = `f-${p.name}`;
  return (
    <div class={p.error ? 'field field-invalid' : 'field'}>
      <label for={id}>{p.label}</label>
      <Hint id={id} hint={p.hint} />
      <input id={id} name={p.name} type="date" value={p.value ?? ''} class="dash-date"
        aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy(id, p.hint, p.error)} />
      <ErrorText id={id} error={p.error} />
    </div>
  );
}

export interface Choice { value: string; label: Child; hint?: Child }

export function RadioGroup(p: { name: string; legend: string; choices: Choice[]; value?: string; error?: string; hint?: Child; class?: string }) {
  const id = `f-${p.name}`;
  return (
    <fieldset class={`${p.error ? 'field field-invalid' : 'field'} ${p.class ?? ''}`.trim()} aria-describedby={describedBy(id, p.hint, p.error)}>
      <legend>{p.legend}</legend>
      <Hint id={id} hint={p.hint} />
      <div class="dash-choices">
        {p.choices.map((choice) => (
          <label class="dash-choice card">
            <input type="radio" name={p.name} value={choice.value} checked={p.value === choice.value} />
            <span>
              <strong>{choice.label}</strong>
              {choice.hint ? <span class="muted dash-choice-hint">{choice.hint}</span> : null}
            </span>
          </label>
        ))}
      </div>
      <ErrorText id={id} error={p.error} />
    </fieldset>
  );
}

export function SelectField(p: { name: string; label: string; options: { value: string; label: string }[]; value?: string; error?: string; hint?: Child }) {
  const id = `f-${p.name}`;
  return (
    <div class={p.error ? 'field field-invalid' : 'field'}>
      <label for={id}>{p.label}</label>
      <Hint id={id} hint={p.hint} />
      <select id={id} name={p.name} aria-invalid={p.error ? 'true' : undefined} aria-describedby={describedBy(id, p.hint, p.error)}>
        {p.options.map((o) => <option value={o.value} selected={o.value === p.value}>{o.label}</option>)}
      </select>
      <ErrorText id={id} error={p.error} />
    </div>
  );
}

/** The "please correct …" summary that ui/form.tsx's Form shows, for forms built by hand. */
export function ErrorSummary(p: { errors?: FieldErrors }) {
  const count = Object.values(p.errors ?? {}).filter(Boolean).length;
  return count > 0
    ? <div class="form-errors" role="alert">Please correct {count === 1 ? 'the field' : `the ${count} fields`} marked below.</div>
    : null;
}

/** A plain POST form (CSRF field included) with any extra attributes, e.g. htmx ones. */
export function PostForm(p: { action: string; csrfToken: string; class?: string; children?: Child; errors?: FieldErrors; attrs?: Record<string, string> }) {
  return (
    <form method="post" action={p.action} class={p.class ?? 'stack-form'} novalidate {...(p.attrs ?? {})}>
      <CsrfField token={p.csrfToken} />
      <ErrorSummary errors={p.errors} />
      {p.children}
    </form>
  );
}

export type StepState = 'done' | 'current' | 'todo';

/**
 * The wizard's step list: the current step is marked, completed ones get a check (and say so to
 * screen readers), linked steps are links; `note` says what a step holds ("Free", "Needed to
 * publish"), `attention` marks a note the creator must act on.
 */
export function StepList(p: { steps: { label: string; state: StepState; href?: string; note?: string; attention?: boolean }[] }) {
  return (
    <nav aria-label="Steps" class="wizard-steps">
      <ol>
        {p.steps.map((s, i) => {
          const text = (
            <>
              {s.label}
              {s.state === 'done' ? <span class="visually-hidden"> (completed)</span> : null}
              {s.note ? <span class={s.attention ? 'wizard-step-note wizard-step-attention' : 'wizard-step-note'}>{s.note}</span> : null}
            </>
          );
          return (
            <li class={`wizard-step wizard-step-${s.state}`}>
              <span class="wizard-step-number" aria-hidden="true">{s.state === 'done' ? '✓' : String(i + 1)}</span>
              {s.state === 'current' ? <span aria-current="step">{text}</span> : s.href ? <a href={s.href}>{text}</a> : <span>{text}</span>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
