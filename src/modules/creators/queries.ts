// All SQL on creator_tiers and creators.
import type { Executor } from '../../deps.ts';
import type { CreatorLink } from './tables.ts';

export function listTiers(db: Executor) {
  return db.selectFrom('creator_tiers').selectAll().orderBy('position').execute();
}

export function findCreator(db: Executor, userId: string) {
  return db.selectFrom('creators').innerJoin('creator_tiers as t', 't.code', 'creators.tier')
    .select(['creators.user_id', 'creators.tier', 'creators.payout_currency', 'creators.bio', 'creators.links', 'creators.avatar_key',
      't.name as tier_name', 't.per_file_bytes', 't.total_bytes'])
    .where('creators.user_id', '=', userId).executeTakeFirst();
}

export function insertCreator(db: Executor, c: { userId: string; tier: string; currency: string }) {
  return db.insertInto('creators').values({ user_id: c.userId, tier: c.tier, payout_currency: c.currency })
    .onConflict((oc) => oc.column('user_id').doNothing()).returning('user_id').executeTakeFirst();
}

export function updateCreator(db: Executor, userId: string, p: { tier: string; currency: string; bio: string; links: CreatorLink[] }) {
  return db.updateTable('creators')
    .set({ tier: p.tier, payout_currency: p.currency, bio: p.bio, links: JSON.stringify(p.links) })
    .where('user_id', '=', userId).execute();
}

export function setAvatar(db: Executor, userId: string, key: string | null) {
  return db.updateTable('creators').set({ avatar_key: key }).where('user_id', '=', userId).executeTakeFirst();
}
