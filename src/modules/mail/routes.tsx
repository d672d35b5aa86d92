// /dev/mailbox: what the platform would have emailed, readable in the browser. Mounted only
// in development mode, where no SMTP server is configured.
import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import type { AppEnv } from '../../platform/http/context.ts';
import { renderPage } from '../../ui/render.tsx';
import { listMailbox } from './queries.ts';
import { MailboxPage } from './views/mailbox.tsx';

export function mailboxRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get('/dev/mailbox', async (c) => {
    const mails = await listMailbox(deps.db);
    return renderPage(c, { title: 'Mailbox', devMode: true }, <MailboxPage mails={mails} />);
  });
  return app;
}
