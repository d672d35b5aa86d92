// Demo content for a fresh development install (SEED_DEMO, on by default in development).
// Idempotent: runs at every start and only adds what is missing.
import type { Deps } from './deps.ts';
import { DEMO_ACCOUNT, ensureDemoAccount } from './modules/accounts/index.ts';

export async function ensureDemoContent(deps: Deps) {
  if (await ensureDemoAccount(deps)) {
    deps.log.info({ username: DEMO_ACCOUNT.username }, 'seeded demo account');
  }
  console.log(`Demo account: ${DEMO_ACCOUNT.username} / ${DEMO_ACCOUNT.password}`);
}
