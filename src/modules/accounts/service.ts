// Account use cases: sign-up, log-in with lockout, email verification, password reset,
// sessions and roles. Routes validate nothing themselves; they call these and render.
import type { Deps } from '../../deps.ts';
import { randomToken, sha256 } from '../../platform/crypto.ts';
import { TooManyRequests, ValidationError } from '../../platform/errors.ts';
import { isUuid, readText } from '../../platform/validate.ts';
import { queueMail } from '../mail/index.ts';
import { canonicalUsername, checkEmail, checkPassword, checkUsername, emailKey } from './identity.ts';
import { hashPassword, normalizePassword, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import * as q from './queries.ts';

// Per address the limit is higher: many people can share one address (an office, a proxy).
export const LOCKOUT = { windowMinutes: 15, perIdentifier: 5, perIp: 100 } as const;
// Emails a visitor can make us send to one account (resets, verification resends).
const MAIL_LIMIT = { perMinute: 1, perHour: 5 } as const;
const VERIFY_TTL_MINUTES = 48 * 60;
const RESET_TTL_MINUTES = 60;

export interface ClientMeta { ip: string; userAgent: string }
/** A new session: the raw token goes into the cookie, only its hash is stored. */
export interface NewSession { token: string; sessionId: string; userId: string }

export async function signUp(deps: Deps, input: Record<string, unknown>, meta: ClientMeta): Promise<NewSession> {
  const errors: Record<string, string> = {};
  const username = checkUsername(input.username);
  const email = checkEmail(input.email);
  const password = checkPassword(input.password, {
    username: username.ok ? username.value : undefined, email: email.ok ? email.value : undefined,
  });
  if (!username.ok) errors.username = username.error;
  if (!email.ok) errors.email = email.error;
  if (!password.ok) errors.password = password.error;
  if (!username.ok || !email.ok || !password.ok) throw new ValidationError(errors);

  const key = emailKey(email.value);
  const taken = await q.usernameOrEmailTaken(deps.db, username.value, key);
  const conflict = () => {
    const fields: Record<string, string> = {};
    for (const row of taken) {
      if (row.username === username.value) fields.username = 'That username is already taken.';
      if (row.email_key === key) fields.email = 'An account with this email already exists. Log in or reset your password instead.';
    }
    return new ValidationError(Object.keys(fields).length ? fields : { username: 'That username is already taken.' });
  };
  if (taken.length) throw conflict();

  const passwordHash = await hashPassword(normalizePassword(password.value));
  const displayName = (readText(input.username, { label: 'Username', max: 60 }) as { value: string }).value.normalize('NFKC');
  return deps.db.transaction().execute(async (tx) => {
    const user = await q.insertUser(tx, {
      username: username.value, displayName, email: email.value, emailKey: key, passwordHash,
      firstIsAdmin: deps.config.env === 'development',
    });
    if (!user) {
      // Lost a race with a concurrent sign-up: the unique constraints decided.
      taken.push(...(await q.usernameOrEmailTaken(tx, username.value, key)));
      throw conflict();
    }
    await sendVerification(deps, tx, user.id, email.value);
    const session = await startSession(tx, user.id, 1, meta);
    return { ...session, userId: user.id };
  });
}

export async function logIn(deps: Deps, input: Record<string, unknown>, meta: ClientMeta): Promise<NewSession> {
  const identifier = readText(input.identifier, { label: 'Username or email', max: 254, required: true });
  const password = typeof input.password === 'string' ? input.password : '';
  if (!identifier.ok || !password) {
    throw new ValidationError({
      ...(identifier.ok ? {} : { identifier: identifier.error }),
      ...(password ? {} : { password: 'Password is required.' }),
    });
  }
  const user = await q.findUserByLogin(deps.db, { username: canonicalUsername(identifier.value), emailKey: emailKey(identifier.value) });
  // Lock the account itself (however it is named: username or email), or for names with no
  // account the typed name, so the lock behaves the same either way and reveals nothing.
  const idKey = user ? `user:${user.id}` : `id:${canonicalUsername(identifier.value)}`;
  const ipKey = `ip:${meta.ip}`;
  await assertNotLockedOut(deps, idKey, ipKey);

  const typed = normalizePassword(password.slice(0, 1024));
  const valid = user ? await verifyPassword(user.password_hash, typed) : await verifyAgainstDummy(typed);
  if (!user || !valid) {
    await q.recordLoginFailure(deps.db, [idKey, ipKey]);
    // One message for unknown account and wrong password: no hint which it was.
    throw new ValidationError({ identifier: ' ', password: ' ' }, 'That username or email and password do not match.');
  }
  await q.clearLoginFailures(deps.db, idKey);
  // A brand-new session id at every login: any id planted before login (fixation) is useless.
  const session = await startSession(deps.db, user.id, user.role_version, meta);
  return { ...session, userId: user.id };
}

async function assertNotLockedOut(deps: Deps, idKey: string, ipKey: string) {
  const rows = await q.countRecentFailures(deps.db, [idKey, ipKey], LOCKOUT.windowMinutes);
  for (const row of rows) {
    const limit = row.key === idKey ? LOCKOUT.perIdentifier : LOCKOUT.perIp;
    if (row.count >= limit) {
      const unlockAt = new Date(row.oldest).getTime() + LOCKOUT.windowMinutes * 60_000;
      const seconds = Math.max(1, Math.ceil((unlockAt - deps.clock.now().getTime()) / 1000));
      const minutes = Math.ceil(seconds / 60);
      throw new TooManyRequests(`Too many failed attempts. Please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again, or reset your password.`, seconds);
    }
  }
}

async function startSession(db: Deps['db'], userId: string, roleVersion: number, meta: ClientMeta) {
  const token = randomToken();
  const { id } = await q.insertSession(db, { tokenHash: sha256(token), userId, roleVersion, userAgent: meta.userAgent, ip: meta.ip });
  return { token, sessionId: id };
}

export async function logOut(deps: Deps, sessionToken: string) {
  await q.deleteSessionByToken(deps.db, sha256(sessionToken));
}

// ---- email verification ----

async function sendVerification(deps: Deps, db: Deps['db'], userId: string, email: string) {
  const token = randomToken();
  await q.expireTokens(db, userId, 'verify_email');
  await q.insertToken(db, { tokenHash: sha256(token), userId, purpose: 'verify_email', emailKey: emailKey(email), ttlMinutes: VERIFY_TTL_MINUTES });
  await queueMail(db, {
    to: email,
    subject: 'Confirm your email for Makenot.work',
    text: `Welcome to Makenot.work!\n\nConfirm your email address by opening this link:\n\n${deps.config.baseUrl}/verify-email?token=${token}\n\nThe link works once and expires in 48 hours. If you did not sign up, ignore this email.\n`,
  });
}

/** Returns false when a mail was sent too recently (the earlier one is still on its way). */
export async function resendVerification(deps: Deps, userId: string): Promise<boolean> {
  const user = await q.findUserById(deps.db, userId);
  if (!user || user.email_verified_at) return true;
  if (!(await mayMail(deps, user.id, 'verify_email'))) return false;
  await deps.db.transaction().execute((tx) => sendVerification(deps, tx, user.id, user.email));
  return true;
}

async function mayMail(deps: Deps, userId: string, purpose: 'verify_email' | 'reset_password') {
  const recent = await q.countRecentTokens(deps.db, userId, purpose);
  return recent.lastMinute < MAIL_LIMIT.perMinute && recent.lastHour < MAIL_LIMIT.perHour;
}

/** Returns false for an unknown, used or expired token. */
export async function isVerifyTokenUsable(deps: Deps, token: unknown): Promise<boolean> {
  if (typeof token !== 'string' || token.length > 100) return false;
  return !!(await q.findUsableToken(deps.db, sha256(token), 'verify_email'));
}

export async function verifyEmail(deps: Deps, token: unknown): Promise<boolean> {
  if (typeof token !== 'string' || token.length > 100) return false;
  return deps.db.transaction().execute(async (tx) => {
    const used = await q.consumeToken(tx, sha256(token), 'verify_email');
    if (!used) return false;
    await q.markEmailVerified(tx, used.user_id, used.email_key);
    return true;
  });
}

// ---- password reset ----

/** Always succeeds from the caller's view, so the form never reveals which emails have accounts. */
export async function requestPasswordReset(deps: Deps, input: Record<string, unknown>) {
  const email = checkEmail(input.email);
  if (!email.ok) throw new ValidationError({ email: email.error });
  const user = await q.findUserByEmailKey(deps.db, emailKey(email.value));
  // Unknown address, or mailed very recently: the same answer, and no mail flood.
  if (!user || !(await mayMail(deps, user.id, 'reset_password'))) return;
  const token = randomToken();
  await deps.db.transaction().execute(async (tx) => {
    await q.expireTokens(tx, user.id, 'reset_password');
    await q.insertToken(tx, { tokenHash: sha256(token), userId: user.id, purpose: 'reset_password', emailKey: user.email_key, ttlMinutes: RESET_TTL_MINUTES });
    await queueMail(tx, {
      to: user.email,
      subject: 'Reset your Makenot.work password',
      text: `Someone (hopefully you) asked to reset the password for ${user.username}.\n\nChoose a new password here:\n\n${deps.config.baseUrl}/password/reset?token=${token}\n\nThe link works once and expires in 1 hour. If you did not ask, ignore this email; your password stays the same.\n`,
    });
  });
}

export async function isResetTokenUsable(deps: Deps, token: unknown): Promise<boolean> {
  if (typeof token !== 'string' || token.length > 100) return false;
  return !!(await q.findUsableToken(deps.db, sha256(token), 'reset_password'));
}

/** Sets the new password and signs the account out everywhere. Returns false for a bad token. */
export async function resetPassword(deps: Deps, token: unknown, input: Record<string, unknown>): Promise<boolean> {
  if (typeof token !== 'string' || token.length > 100) return false;
  const usable = await q.findUsableToken(deps.db, sha256(token), 'reset_password');
  if (!usable) return false;
  const user = await q.findUserById(deps.db, usable.user_id);
  const password = checkPassword(input.password, { username: user?.username, email: user?.email });
  if (!password.ok) throw new ValidationError({ password: password.error });
  const passwordHash = await hashPassword(normalizePassword(password.value));
  return deps.db.transaction().execute(async (tx) => {
    const used = await q.consumeToken(tx, sha256(token), 'reset_password');
    if (!used) return false;
    await q.setPassword(tx, used.user_id, passwordHash);
    await q.clearLoginFailures(tx, `user:${used.user_id}`); // the lockout message points here
    await q.deleteOtherSessions(tx, used.user_id, null);
    // Reaching the inbox proves ownership of the address as well as a verification link would.
    await q.markEmailVerified(tx, used.user_id, used.email_key);
    return true;
  });
}

// ---- sessions and roles ----

export function listSessions(deps: Deps, userId: string) {
  return q.listSessions(deps.db, userId);
}

export async function revokeSession(deps: Deps, userId: string, sessionId: string): Promise<boolean> {
  if (!isUuid(sessionId)) return false;
  const result = await q.deleteSession(deps.db, userId, sessionId);
  return result.numDeletedRows > 0n;
}

export function revokeOtherSessions(deps: Deps, userId: string, currentSessionId: string) {
  return q.deleteOtherSessions(deps.db, userId, currentSessionId);
}

/** Grants or removes admin; live sessions of that user get a new id on their next request. */
export async function setAdminRole(deps: Deps, username: string, isAdmin: boolean): Promise<boolean> {
  return !!(await q.setAdmin(deps.db, canonicalUsername(username), isAdmin));
}

/** Development only: a ready-to-use account so a fresh install can be explored at once. */
export const DEMO_ACCOUNT = { username: 'demo', email: 'demo@makenot.work', password: 'demo-password-2026' } as const;

export async function ensureDemoAccount(deps: Deps) {
  if (await q.findUserByEmailKey(deps.db, DEMO_ACCOUNT.email)) return false;
  await q.insertVerifiedUser(deps.db, {
    username: DEMO_ACCOUNT.username, email: DEMO_ACCOUNT.email, emailKey: DEMO_ACCOUNT.email,
    passwordHash: await hashPassword(DEMO_ACCOUNT.password),
  });
  return true;
}

export function pruneExpired(deps: Deps) {
  return q.pruneExpired(deps.db);
}
