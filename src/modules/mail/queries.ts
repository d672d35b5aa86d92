// All SQL on the mail_outbox table.
import type { Executor } from '../../deps.ts';

export function insertOutbox(db: Executor, mail: { to: string; subject: string; text: string }) {
  return db.insertInto('mail_outbox')
    .values({ to_address: mail.to, subject: mail.subject, body_text: mail.text })
    .returning('id').executeTakeFirstOrThrow();
}

export function findOutbox(db: Executor, id: string) {
  return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export function markDelivered(db: Executor, id: string, status: 'sent' | 'mailbox') {
  return db.updateTable('mail_outbox').set({ status, sent_at: new Date(), last_error: null })
    .where('id', '=', id).where('status', '=', 'pending').execute();
}

export function recordFailure(db: Executor, id: string, error: string, final: boolean) {
  return db.updateTable('mail_outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500), ...(final ? { status: 'failed' as const } : {}) }))
    .where('id', '=', id).execute();
}

export function listMailbox(db: Executor, limit = 100) {
  return db.selectFrom('mail_outbox').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
}
