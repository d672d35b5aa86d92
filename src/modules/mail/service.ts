// Outgoing email. queueMail writes the outbox row and its delivery job on the caller's
// executor (usually a transaction), so a mail is sent exactly when its cause commits.
import nodemailer from 'nodemailer';
import type { Deps, Executor } from '../../deps.ts';
import { enqueueJob } from '../../platform/queue.ts';
import { findOutbox, insertOutbox, markDelivered, recordFailure } from './queries.ts';

export const SEND_MAIL_JOB = 'mail_send';
export const MAX_SEND_ATTEMPTS = 8;

export async function queueMail(db: Executor, mail: { to: string; subject: string; text: string }) {
  const { id } = await insertOutbox(db, mail);
  await enqueueJob(db, SEND_MAIL_JOB, { outboxId: id }, { maxAttempts: MAX_SEND_ATTEMPTS });
  return id;
}

type Transport = { sendMail(m: { from: string; to: string; subject: string; text: string }): Promise<unknown> };
const transports = new Map<string, Transport>();

/** Delivers one outbox row. Safe to run twice: a row already delivered is left alone. */
export async function deliverMail(deps: Deps, outboxId: string, attempt: number) {
  const mail = await findOutbox(deps.db, outboxId);
  if (!mail || mail.status !== 'pending') return;
  if (!deps.config.smtpUrl) {
    // Development default: the mail stays visible at /dev/mailbox instead of leaving the machine.
    await markDelivered(deps.db, outboxId, 'mailbox');
    return;
  }
  let transport = transports.get(deps.config.smtpUrl);
  if (!transport) {
    transport = nodemailer.createTransport(deps.config.smtpUrl) as Transport;
    transports.set(deps.config.smtpUrl, transport);
  }
  try {
    await transport.sendMail({ from: deps.config.mailFrom, to: mail.to_address, subject: mail.subject, text: mail.body_text });
    await markDelivered(deps.db, outboxId, 'sent');
  } catch (err) {
    await recordFailure(deps.db, outboxId, (err as Error).message, attempt >= MAX_SEND_ATTEMPTS);
    throw err; // let the queue retry with backoff
  }
}
