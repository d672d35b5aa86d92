// SQL for album prices and for selling a project as a whole.
import type { Executor } from '../../../deps.ts';
import type { AlbumPrice } from '../album-price.ts';
import { listProjectItems } from './items.ts';

/** Saves the price; the currency is fixed the first time a price is set, as an item's is. */
export function setAlbumPrice(db: Executor, creatorId: string, projectId: string, price: AlbumPrice, currency: string) {
  return db.updateTable('projects')
    .set((eb) => ({ ...price, currency: eb.fn.coalesce('currency', eb.val(currency)) }))
    .where('id', '=', projectId).where('creator_id', '=', creatorId).execute();
}

/** What commerce needs to sell a project: it, its creator, and whether the public can see it. */
export function findProjectForSale(db: Executor, projectId: string) {
  return db.selectFrom('projects as p').innerJoin('users as u', 'u.id', 'p.creator_id')
    .select(['p.id', 'p.creator_id', 'p.slug', 'p.title', 'p.status', 'p.price_kind', 'p.price_amount', 'p.price_suggested', 'p.currency',
      'u.username as creator_username', 'u.display_name as creator_name'])
    .where('p.id', '=', projectId).executeTakeFirst();
}

/** The published items of a project, in order: what an album purchase covers today. */
export function publishedProjectItems(db: Executor, projectId: string) {
  return listProjectItems(db, projectId, { publishedOnly: true });
}
