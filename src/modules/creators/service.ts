// Creator use cases: becoming a creator (choosing a tier and payout currency), editing the
// public profile, and the storage limits the upload code enforces.
import type { Deps } from '../../deps.ts';
import { NotFound, ValidationError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { isUuid, readText } from '../../platform/validate.ts';
import { grantCreator, setDisplayName } from '../accounts/index.ts';
import { checkObjectKey, refreshSearchDocs } from '../catalog/index.ts';
import { BIO_MAX, checkCurrency, checkTier, parseLinks } from './profile-input.ts';
import * as q from './queries.ts';

export const listTiers = (deps: Deps) => q.listTiers(deps.db);
export const findCreator = (deps: Deps, userId: string) => q.findCreator(deps.db, userId);

export async function becomeCreator(deps: Deps, viewer: Viewer, input: Record<string, unknown>) {
  const tier = checkTier(input.tier, await q.listTiers(deps.db));
  const currency = checkCurrency(input.currency);
  if (!tier || !currency.ok) {
    throw new ValidationError({
      ...(tier ? {} : { tier: 'Choose one of the tiers.' }),
      ...(currency.ok ? {} : { currency: currency.error }),
    });
  }
  await deps.db.transaction().execute(async (tx) => {
    await q.insertCreator(tx, { userId: viewer.id, tier, currency: currency.value });
    // A privilege change: the session gets a new id on the next request.
    await grantCreator(tx, viewer.id);
  });
}

export async function updateCreatorSettings(deps: Deps, viewer: Viewer, input: Record<string, unknown>) {
  const creator = await q.findCreator(deps.db, viewer.id);
  if (!creator) throw new NotFound();
  const errors: Record<string, string> = {};
  const tier = checkTier(input.tier, await q.listTiers(deps.db));
  const currency = checkCurrency(input.currency);
  const displayName = readText(input.display_name, { label: 'Display name', max: 60, required: true });
  const bio = readText(input.bio, { label: 'Bio', max: BIO_MAX, multiline: true });
  const links = parseLinks(input.links);
  if (!tier) errors.tier = 'Choose one of the tiers.';
  if (!currency.ok) errors.currency = currency.error;
  if (!displayName.ok) errors.display_name = displayName.error;
  if (!bio.ok) errors.bio = bio.error;
  if (!links.ok) errors.links = links.error;
  if (!tier || !currency.ok || !displayName.ok || !bio.ok || !links.ok) throw new ValidationError(errors);
  await deps.db.transaction().execute(async (tx) => {
    await setDisplayName(tx, viewer.id, displayName.value);
    await q.updateCreator(tx, viewer.id, { tier, currency: currency.value, bio: bio.value, links: links.value });
    // Search documents carry the creator's name: find their items by the new one from now on.
    if (displayName.value !== viewer.displayName) await refreshSearchDocs(tx, { creatorId: viewer.id });
  });
}

/**
 * Sets (or with null, removes) a creator's avatar: for the media module once an uploaded image is
 * processed. `userId` is the signed-in creator or the one recorded on the uploaded file; 404 for
 * anyone who is not a creator. The catalog renders a placeholder until pages get a URL for it.
 */
export async function setAvatar(deps: Deps, userId: string, key: string | null): Promise<void> {
  const value = checkObjectKey(key);
  const result = isUuid(userId) ? await q.setAvatar(deps.db, userId, value) : undefined;
  if (!result?.numUpdatedRows) throw new NotFound();
}

/** The storage envelope of a creator's tier, for the upload code. */
export async function storageLimits(deps: Deps, userId: string) {
  const creator = await q.findCreator(deps.db, userId);
  return creator ? { perFileBytes: creator.per_file_bytes, totalBytes: creator.total_bytes } : null;
}
