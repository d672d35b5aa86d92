// Rules for usernames, emails and passwords. Pure functions: easy to test exhaustively.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readText } from '../../platform/validate.ts';

export type Checked = { ok: true; value: string } | { ok: false; error: string };

// Names that would collide with our routes or mislead people into trusting an account.
export const RESERVED_USERNAMES = new Set([
  'admin', 'administrator', 'api', 'static', 'assets', 'login', 'logout', 'signup', 'register', 'i', 'embed',
  'account', 'accounts', 'settings', 'dashboard', 'discover', 'search', 'tags', 'tag', 'library', 'checkout',
  'webhooks', 'webhook', 'dev', 'mailbox', 'healthz', 'readyz', 'password', 'verify', 'support', 'help', 'about',
  'root', 'system', 'makenot', 'makenotwork', 'staff', 'moderator', 'security', 'billing', 'payments', 'pay',
  'null', 'undefined', 'me', 'new', 'edit', 'www', 'mail', 'email', 'creator', 'creators', 'fan', 'fans',
  'noreply', 'postmaster', 'abuse', 'webmaster', 'hostmaster', 'info', 'contact', 'legal', 'privacy', 'terms',
  'api-docs', 'docs', 'blog', 'status', 'upload', 'uploads', 'download', 'downloads', 'media', 'cdn', 'files',
]);
// Names containing these (ignoring _ and -) would impersonate the platform or its staff.
const RESERVED_FRAGMENTS = ['admin', 'makenot', 'moderator', 'official', 'postmaster', 'noreply'];

/** The canonical form: NFKC folds full-width and compatibility characters (Ａｌｉｃｅ → Alice), then lower case. */
export function canonicalUsername(raw: string): string {
  return raw.normalize('NFKC').toLowerCase().trim();
}

export function checkUsername(raw: unknown): Checked {
  const text = readText(raw, { label: 'Username', max: 30, required: true });
  if (!text.ok) return text;
  const name = canonicalUsername(text.value);
  if (!/^[a-z0-9_-]+$/.test(name)) {
    return { ok: false, error: 'Username may use only letters a–z, digits, _ and - (no spaces or accents).' };
  }
  if (name.length < 3 || name.length > 30) return { ok: false, error: 'Username must be 3 to 30 characters.' };
  if (!/[a-z0-9]/.test(name)) return { ok: false, error: 'Username needs at least one letter or digit.' };
  const compact = name.replace(/[_-]/g, '');
  if (RESERVED_USERNAMES.has(name) || RESERVED_USERNAMES.has(compact) || RESERVED_FRAGMENTS.some((f) => compact.includes(f))) {
    return { ok: false, error: 'That username is reserved. Please choose another.' };
  }
  return { ok: true, value: name };
}

/** Lookup key for emails: NFKC and lower case, so Alice@Example.com and alice@example.com are one account. */
export function emailKey(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

// What a mail server will deliver to exactly this address: a dot-atom local part (no quotes,
// comments, commas, colons or angle brackets, which mail libraries reinterpret) and a domain of
// letter/digit labels. Letters may be any script (internationalised addresses).
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}]([\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

export function checkEmail(raw: unknown): Checked {
  const text = readText(raw, { label: 'Email', max: 254, required: true });
  if (!text.ok) return text;
  const email = text.value.normalize('NFKC');
  const invalid = { ok: false as const, error: 'Please enter a valid email address, like name@example.com.' };
  const parts = email.split('@');
  if (parts.length !== 2) return invalid;
  const [local = '', domain = ''] = parts;
  const labels = domain.split('.');
  if (local.length > 64 || !LOCAL_PART.test(local) || labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))
    || !/^\p{L}{2,}$/u.test(labels[labels.length - 1]!)) {
    return invalid;
  }
  return { ok: true, value: email };
}

const COMMON_PASSWORDS = new Set(
  fs.readFileSync(fileURLToPath(new URL('./common-passwords.txt', import.meta.url)), 'utf8')
    .split('\n').map((l) => l.trim().toLowerCase()).filter(Boolean),
);

export function checkPassword(input: unknown, context: { username?: string; email?: string } = {}): Checked {
  if (typeof input !== 'string' || input.length === 0) return { ok: false, error: 'Password is required.' };
  const raw = input.normalize('NFKC'); // count and compare what will actually be hashed
  if (raw.includes('\u0000')) return { ok: false, error: 'Password contains an invisible NUL character. Please retype it.' };
  const length = [...raw].length;
  if (length < 8) return { ok: false, error: 'Password must be at least 8 characters.' };
  if (length > 128) return { ok: false, error: 'Password must be at most 128 characters.' };
  const lower = raw.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return { ok: false, error: 'That password is one of the most common ones and easy to guess. Please choose another.' };
  if ((context.username && lower === context.username.toLowerCase()) || (context.email && lower === context.email.toLowerCase())) {
    return { ok: false, error: 'Password must not be the same as your username or email.' };
  }
  return { ok: true, value: raw };
}
