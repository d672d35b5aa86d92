// Album purchases (Bandcamp's "Buy digital album"): one order line for the whole project. It
// grants every item of the project, including items added later (the entitlement query joins
// on the project, not on a list). For per-item sales counts and revenue the line also records
// what it covered when sold, with the amount split exactly across those items.
import type { Deps } from '../../deps.ts';
import { Conflict, NotFound } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { isUuid } from '../../platform/validate.ts';
import { findProjectForSale, publishedProjectItems, splitLargestRemainder } from '../catalog/index.ts';
import { amountFor, purchase, type CheckoutResult } from './checkout.ts';
import * as q from './queries/orders.ts';

/**
 * Each item's share of an album's price: equal shares, largest remainder, so the shares always
 * sum to the price (¥1000 over three tracks is 334 + 333 + 333). Equal rather than weighted by
 * the items' own prices: a free bonus track still counts as part of what was sold.
 */
export function albumShares(amount: number, itemCount: number): number[] {
  return splitLargestRemainder(amount, Array.from({ length: itemCount }, () => 1));
}

export async function checkoutAlbum(deps: Deps, viewer: Viewer | null, projectId: string, form: Record<string, unknown>): Promise<CheckoutResult> {
  const project = isUuid(projectId) ? await findProjectForSale(deps.db, projectId) : undefined;
  if (!project || project.status !== 'published' || !project.price_kind || !project.currency) {
    throw new NotFound('This album is not for sale (it may have been unpublished, or is sold only item by item).');
  }
  if (viewer?.id === project.creator_id) throw new Conflict('This is your own project — you cannot buy it.');
  const items = await publishedProjectItems(deps.db, project.id);
  if (!items.length) throw new Conflict('There is nothing in this album yet. Please come back when the first item is out.');
  const price = { price_kind: project.price_kind, price_amount: project.price_amount, currency: project.currency };
  const amount = amountFor(price, form);
  const shares = albumShares(amount, items.length);
  return purchase(deps, viewer, form, {
    creatorId: project.creator_id, currency: project.currency, amount, title: project.title,
    owns: { projectId: project.id },
    line: { item_id: null, project_id: project.id, title: project.title, amount, covers: items.map((i, n) => ({ item_id: i.id, title: i.title, share: shares[n]! })) },
    cancelPath: `/@${project.creator_username}/${project.slug}`,
  });
}

/** Whether this buyer owns the whole project (the project page's "in your library"). */
export function ownsAlbum(deps: Pick<Deps, 'db'>, buyer: { userId: string }, projectId: string) {
  return isUuid(projectId) ? q.hasEntitlement(deps.db, buyer, { projectId }) : Promise.resolve(false);
}
