// Shared text-field hygiene: every form field passes through here before any rule of its own,
// so NUL bytes, control characters and oversize input get the same clear message everywhere.

export type TextResult = { ok: true; value: string } | { ok: false; error: string };

export interface TextRules {
  label: string;
  max: number;
  min?: number;
  required?: boolean;
  /** Keep line breaks (textareas); single-line fields reject them. */
  multiline?: boolean;
}

// C0 controls except tab/newline/carriage return, DEL, and C1 controls.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export function readText(raw: unknown, rules: TextRules): TextResult {
  if (raw !== undefined && raw !== null && typeof raw !== 'string') return { ok: false, error: `${rules.label} must be text.` };
  const value = (raw ?? '').normalize('NFC').trim();
  if (value.includes('\u0000') || CONTROL.test(value)) {
    return { ok: false, error: `${rules.label} contains invisible control characters. Please retype it.` };
  }
  if (!rules.multiline && /[\r\n]/.test(value)) return { ok: false, error: `${rules.label} must be a single line.` };
  if (!value) return rules.required ? { ok: false, error: `${rules.label} is required.` } : { ok: true, value: '' };
  const length = [...value].length;
  if (length > rules.max) return { ok: false, error: `${rules.label} must be at most ${rules.max} characters (it has ${length}).` };
  if (rules.min && length < rules.min) return { ok: false, error: `${rules.label} must be at least ${rules.min} characters.` };
  return { ok: true, value };
}

/** A redirect target from a query string: only same-site paths, never another origin. */
export function safeNextPath(raw: unknown, fallback = '/'): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return fallback;
  if (raw.length > 500 || CONTROL.test(raw)) return fallback;
  return raw;
}
