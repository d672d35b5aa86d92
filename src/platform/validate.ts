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

// C0 controls except tab/newline/carriage return, DEL, and C1 controls; plus the invisible
// characters used for spoofing: bidirectional overrides/isolates, zero-width space, BOM, and
// line/paragraph separators. (Zero-width joiners stay: emoji sequences need them.)
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/;
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F\u200B\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/g;

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

/**
 * A redirect target from a query string or form: only a path on this site. Any control
 * character (browsers drop tabs and newlines, turning "/\t/evil.example" into "//evil.example")
 * or backslash is refused, and the result must resolve to our own origin.
 */
export function safeNextPath(raw: unknown, fallback = '/'): string {
  if (typeof raw !== 'string' || raw.length > 500 || !raw.startsWith('/') || raw.includes('\\')) return fallback;
  if (new RegExp(ANY_CONTROL.source).test(raw) || /\s/.test(raw)) return fallback;
  try {
    const base = 'http://same-origin.invalid';
    const url = new URL(raw, base);
    return url.origin === base ? url.pathname + url.search + url.hash : fallback;
  } catch {
    return fallback;
  }
}

/** A submitted value shown back in a form: capped, and stripped of invisible characters. */
export function echoValue(raw: unknown, max = 300): string {
  return typeof raw === 'string' ? raw.slice(0, max).replace(ANY_CONTROL, '') : '';
}

export function isUuid(s: unknown): s is string {
  return typeof s === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
