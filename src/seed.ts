// Demo content for a fresh development install (SEED_DEMO, on by default in development).
// Idempotent: runs at every start and only adds what is missing. Everything goes through the
// same services the pages use.
import type { Deps } from './deps.ts';
import { DEMO_ACCOUNT, ensureDemoAccount, findPublicUser } from './modules/accounts/index.ts';
import { seedDemoCatalog } from './modules/catalog/index.ts';
import { becomeCreator } from './modules/creators/index.ts';
import type { Viewer } from './platform/http/context.ts';

export async function ensureDemoContent(deps: Deps) {
  if (await ensureDemoAccount(deps)) deps.log.info({ username: DEMO_ACCOUNT.username }, 'seeded demo account');
  const user = (await findPublicUser(deps.db, DEMO_ACCOUNT.username))!;
  const viewer: Viewer = {
    id: user.id, username: user.username, displayName: user.display_name, email: DEMO_ACCOUNT.email,
    emailVerified: true, isCreator: user.is_creator, isAdmin: false, sessionId: '',
  };
  if (!user.is_creator) await becomeCreator(deps, viewer, { tier: 'small_files', currency: 'USD' });
  if (await seedDemoCatalog(deps, { ...viewer, isCreator: true })) deps.log.info('seeded demo catalog');
  console.log(`Demo account: ${DEMO_ACCOUNT.username} / ${DEMO_ACCOUNT.password}  (${deps.config.baseUrl}/@${DEMO_ACCOUNT.username})`);
}
