import type { Selectable } from 'kysely';
import type { MailTables } from '../tables.ts';

type Mail = Selectable<MailTables['mail_outbox']>;

export function MailboxPage(p: { mails: Mail[] }) {
  return (
    <section>
      <h1>Mailbox</h1>
      <p class="muted">Development mode: emails are kept here instead of being sent. Newest first.</p>
      {p.mails.length === 0 ? (
        <p class="empty">No emails yet. Sign up to receive a verification email.</p>
      ) : (
        p.mails.map((m) => (
          <article class="card mail-item" aria-label={`Email to ${m.to_address}`}>
            <h2 class="mail-subject">{m.subject}</h2>
            <p class="muted">To {m.to_address} · {m.created_at.toISOString().replace('T', ' ').slice(0, 19)} UTC · <span class="badge">{m.status}</span></p>
            <pre class="mail">{linkify(m.body_text)}</pre>
          </article>
        ))
      )}
    </section>
  );
}

// Make the links in a plain-text mail clickable (text stays escaped by JSX).
function linkify(text: string) {
  return text.split(/(https?:\/\/[^\s<>"]+)/g).map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part));
}
