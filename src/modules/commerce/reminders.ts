// "You already have this": what a guest form does instead of saying so on the page (which would
// tell anyone who types an address what that address owns). The reminder goes to the address
// itself, with its existing receipt link, at most once an hour per address and thing, so the
// form cannot be used to flood someone's inbox.
import type { Deps } from '../../deps.ts';
import { queueMail } from '../mail/index.ts';
import { emailKey } from './checkout.ts';
import { claimReminderSlot } from './queries/orders.ts';
import { receiptPath } from './receipts.ts';

export const REMINDER_INTERVAL_MINUTES = 60;

export async function remindOwner(deps: Deps, r: { email: string; target: string; title: string; orderId: string }) {
  await deps.db.transaction().execute(async (tx) => {
    if (!(await claimReminderSlot(tx, emailKey(r.email), r.target, REMINDER_INTERVAL_MINUTES))) return;
    await queueMail(tx, {
      to: r.email,
      subject: `You already have “${r.title}” on Makenot.work`,
      text: [
        `Someone — probably you — just asked for “${r.title}” again with this email address.`,
        '',
        'You already have it. Everything you got stays available at this link:',
        `${deps.config.baseUrl}${receiptPath(deps, r.orderId)}`,
        '',
        'If you did not mean to pay for it twice, close the checkout page: nothing is charged until you pay.',
        'If this was not you, you can ignore this email; nobody was shown what this address owns.',
      ].join('\n'),
    });
  });
}
