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
]);

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
  if (RESERVED_USERNAMES.has(name)) return { ok: false, error: 'That username is reserved. Please choose another.' };
  return { ok: true, value: name };
}

/** Lookup key for emails: NFKC and lower case, so Alice@Example.com and alice@example.com are one account. */
export function emailKey(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export function checkEmail(raw: unknown): Checked {
  const text = readText(raw, { label: 'Email', max: 254, required: true });
  if (!text.ok) return text;
  const email = text.value.normalize('NFKC');
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  // Deliberately simple: the verification mail is the real test of an address.
  if (at < 1 || local.includes('@') || local.length > 64 || /\s/.test(email) || !/^[^@\s]+\.[^@\s.]{2,}$/.test(domain) || domain.includes('..')) {
    return { ok: false, error: 'Please enter a valid email address, like name@example.com.' };
  }
  return { ok: true, value: email };
}

const COMMON_PASSWORDS = new Set(
  fs.readFileSync(fileURLToPath(new URL('./common-passwords.txt', import.meta.url)), 'utf8')
    .split('\n').map((l) => l.trim().toLowerCase()).filter(Boolean),
);

export function checkPassword(raw: unknown, context: { username?: string; email?: string } = {}): Checked {
  if (typeof raw !== 'string' || raw.length === 0) return { ok: false, error: 'Password is required.' };
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
