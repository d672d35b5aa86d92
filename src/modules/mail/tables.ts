import type { Generated } from 'kysely';

export interface MailTables {
  mail_outbox: {
    id: Generated<string>;
    to_address: string;
    subject: string;
    body_text: string;
    status: Generated<'pending' | 'sent' | 'mailbox' | 'failed'>;
    attempts: Generated<number>;
    last_error: string | null;
    created_at: Generated<Date>;
    sent_at: Date | null;
  };
}
