// All SQL on the accounts tables: users, sessions, account_tokens, login_failures.
import { sql } from 'kysely';
import type { Executor } from '../../deps.ts';

export const SESSION_IDLE_DAYS = 7;
export const SESSION_ABSOLUTE_DAYS = 30;

// ---- users ----

export function insertUser(db: Executor, u: {
  username: string; displayName: string; email: string; emailKey: string; passwordHash: string; firstIsAdmin: boolean;
}) {
  // The first account of a development install becomes admin (the seeded demo account aside);
  // decided inside the INSERT so two concurrent sign-ups cannot both see no admin.
  return db.insertInto('users').values({
    username: u.username, display_name: u.displayName, email: u.email, email_key: u.emailKey, password_hash: u.passwordHash,
    is_admin: u.firstIsAdmin ? sql<boolean>`NOT EXISTS (SELECT 1 FROM users WHERE is_admin)` : false,
  }).onConflict((oc) => oc.doNothing()).returning(['id', 'is_admin']).executeTakeFirst();
}

export function insertVerifiedUser(db: Executor, u: { username: string; email: string; emailKey: string; passwordHash: string }) {
  return db.insertInto('users').values({
    username: u.username, display_name: u.username, email: u.email, email_key: u.emailKey,
    password_hash: u.passwordHash, email_verified_at: new Date(),
  }).onConflict((oc) => oc.doNothing()).execute();
}

export function findUserByLogin(db: Executor, identifier: { username: string; emailKey: string }) {
  return db.selectFrom('users').selectAll()
    .where((eb) => eb.or([eb('username', '=', identifier.username), eb('email_key', '=', identifier.emailKey)]))
    .executeTakeFirst();
}

export function findUserById(db: Executor, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByEmailKey(db: Executor, emailKey: string) {
  return db.selectFrom('users').selectAll().where('email_key', '=', emailKey).executeTakeFirst();
}

export function usernameOrEmailTaken(db: Executor, username: string, emailKey: string) {
  return db.selectFrom('users').select(['username', 'email_key'])
    .where((eb) => eb.or([eb('username', '=', username), eb('email_key', '=', emailKey)])).execute();
}

export function setPassword(db: Executor, userId: string, passwordHash: string) {
  return db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

export function markEmailVerified(db: Executor, userId: string, emailKey: string) {
  return db.updateTable('users').set({ email_verified_at: new Date() })
    .where('id', '=', userId).where('email_key', '=', emailKey).where('email_verified_at', 'is', null).execute();
}

export function setAdmin(db: Executor, username: string, isAdmin: boolean) {
  return db.updateTable('users')
    .set((eb) => ({ is_admin: isAdmin, role_version: eb('role_version', '+', 1) }))
    .where('username', '=', username).returning('id').executeTakeFirst();
}

export function grantCreator(db: Executor, userId: string) {
  return db.updateTable('users')
    .set((eb) => ({ is_creator: true, role_version: eb('role_version', '+', 1) }))
    .where('id', '=', userId).where('is_creator', '=', false).execute();
}

export function setDisplayName(db: Executor, userId: string, displayName: string) {
  return db.updateTable('users').set({ display_name: displayName }).where('id', '=', userId).execute();
}

export function findPublicUser(db: Executor, username: string) {
  return db.selectFrom('users').select(['id', 'username', 'display_name', 'is_creator'])
    .where('username', '=', username).executeTakeFirst();
}

// ---- sessions ----

export function insertSession(db: Executor, s: { tokenHash: Buffer; userId: string; roleVersion: number; userAgent: string; ip: string }) {
  return db.insertInto('sessions').values({
    token_hash: s.tokenHash, user_id: s.userId, role_version: s.roleVersion,
    user_agent: s.userAgent.slice(0, 300), ip: s.ip.slice(0, 64),
    expires_at: sql<Date>`now() + make_interval(days => ${SESSION_ABSOLUTE_DAYS})`,
  }).returning('id').executeTakeFirstOrThrow();
}

/** The live session for a cookie, with its user: absolute and idle expiry both enforced here. */
export function findLiveSession(db: Executor, tokenHash: Buffer) {
  return db.selectFrom('sessions as s').innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id as sessionId', 's.role_version as sessionRoleVersion', 's.last_seen_at',
      'u.id', 'u.username', 'u.display_name', 'u.email', 'u.email_verified_at', 'u.is_creator', 'u.is_admin', 'u.role_version'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('s.last_seen_at', '>', sql<Date>`now() - make_interval(days => ${SESSION_IDLE_DAYS})`)
    .executeTakeFirst();
}

export function touchSession(db: Executor, sessionId: string) {
  return db.updateTable('sessions').set({ last_seen_at: sql`now()` }).where('id', '=', sessionId).execute();
}

export function rotateSessionToken(db: Executor, sessionId: string, tokenHash: Buffer, roleVersion: number) {
  return db.updateTable('sessions').set({ token_hash: tokenHash, role_version: roleVersion, last_seen_at: sql`now()` })
    .where('id', '=', sessionId).execute();
}

export function listSessions(db: Executor, userId: string) {
  return db.selectFrom('sessions').select(['id', 'user_agent', 'ip', 'created_at', 'last_seen_at'])
    .where('user_id', '=', userId).where('expires_at', '>', sql<Date>`now()`)
    .where('last_seen_at', '>', sql<Date>`now() - make_interval(days => ${SESSION_IDLE_DAYS})`)
    .orderBy('last_seen_at', 'desc').execute();
}

/** Deletes one session, only if it belongs to userId: another user's id changes nothing. */
export function deleteSession(db: Executor, userId: string, sessionId: string) {
  return db.deleteFrom('sessions').where('id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
}

export function deleteSessionByToken(db: Executor, tokenHash: Buffer) {
  return db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export function deleteOtherSessions(db: Executor, userId: string, keepSessionId: string | null) {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepSessionId) q = q.where('id', '<>', keepSessionId);
  return q.executeTakeFirst();
}

// ---- single-use tokens ----

export function insertToken(db: Executor, t: { tokenHash: Buffer; userId: string; purpose: 'verify_email' | 'reset_password'; emailKey: string; ttlMinutes: number }) {
  return db.insertInto('account_tokens').values({
    token_hash: t.tokenHash, user_id: t.userId, purpose: t.purpose, email_key: t.emailKey,
    expires_at: sql<Date>`now() + make_interval(mins => ${t.ttlMinutes})`,
  }).execute();
}

/** Marks a token used and returns it, atomically: a second use (or a race) gets nothing. */
export function consumeToken(db: Executor, tokenHash: Buffer, purpose: 'verify_email' | 'reset_password') {
  return db.updateTable('account_tokens').set({ used_at: sql`now()` })
    .where('token_hash', '=', tokenHash).where('purpose', '=', purpose)
    .where('used_at', 'is', null).where('expires_at', '>', sql<Date>`now()`)
    .returning(['user_id', 'email_key']).executeTakeFirst();
}

export function findUsableToken(db: Executor, tokenHash: Buffer, purpose: 'verify_email' | 'reset_password') {
  return db.selectFrom('account_tokens').select(['user_id'])
    .where('token_hash', '=', tokenHash).where('purpose', '=', purpose)
    .where('used_at', 'is', null).where('expires_at', '>', sql<Date>`now()`).executeTakeFirst();
}

/** How many tokens of a purpose were issued to a user recently (to rate-limit the mails). */
export async function countRecentTokens(db: Executor, userId: string, purpose: 'verify_email' | 'reset_password') {
  const row = await db.selectFrom('account_tokens')
    .select([
      sql<number>`count(*) FILTER (WHERE created_at > now() - interval '1 minute')::int`.as('lastMinute'),
      sql<number>`count(*)::int`.as('lastHour'),
    ])
    .where('user_id', '=', userId).where('purpose', '=', purpose)
    .where('created_at', '>', sql<Date>`now() - interval '1 hour'`).executeTakeFirstOrThrow();
  return row;
}

export function expireTokens(db: Executor, userId: string, purpose: 'verify_email' | 'reset_password') {
  return db.updateTable('account_tokens').set({ used_at: sql`now()` })
    .where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
}

// ---- login failures (lockout) ----

export function recordLoginFailure(db: Executor, keys: string[]) {
  return db.insertInto('login_failures').values(keys.map((key) => ({ key }))).execute();
}

/** Failures per key within the window, with the oldest one (which decides when the lock lifts). */
export function countRecentFailures(db: Executor, keys: string[], windowMinutes: number) {
  return db.selectFrom('login_failures')
    .select(['key', sql<number>`count(*)::int`.as('count'), sql<Date>`min(failed_at)`.as('oldest')])
    .where('key', 'in', keys)
    .where('failed_at', '>', sql<Date>`now() - make_interval(mins => ${windowMinutes})`)
    .groupBy('key').execute();
}

export function clearLoginFailures(db: Executor, key: string) {
  return db.deleteFrom('login_failures').where('key', '=', key).execute();
}

export function pruneExpired(db: Executor) {
  return Promise.all([
    db.deleteFrom('sessions').where((eb) => eb.or([
      eb('expires_at', '<', sql<Date>`now()`),
      eb('last_seen_at', '<', sql<Date>`now() - make_interval(days => ${SESSION_IDLE_DAYS})`),
    ])).execute(),
    db.deleteFrom('account_tokens').where('expires_at', '<', sql<Date>`now() - interval '1 day'`).execute(),
    db.deleteFrom('login_failures').where('failed_at', '<', sql<Date>`now() - interval '1 day'`).execute(),
  ]);
}
