// Demo content for a fresh development install (SEED_DEMO, on by default in development).
// Idempotent: runs at every start and only adds what is missing. Everything goes through the
// same services the pages use, and the demo files (demo/media/, made by
// scripts/make-demo-media.ts) through the real upload pipeline: stored as incoming objects and
// queued for the media_process job, which the worker runs after the server is already up.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Deps } from './deps.ts';
import { DEMO_ACCOUNT, ensureDemoAccount, findPublicUser } from './modules/accounts/index.ts';
import { DEMO_PROJECT_COVER, demoCatalog, publishDemoDrafts, seedDemoCatalog } from './modules/catalog/index.ts';
import { becomeCreator } from './modules/creators/index.ts';
import { ingestIfMissing } from './modules/media/index.ts';
import type { Viewer } from './platform/http/context.ts';

export const DEMO_MEDIA_DIR = fileURLToPath(new URL('../demo/media/', import.meta.url));

export async function ensureDemoContent(deps: Deps) {
  if (await ensureDemoAccount(deps)) deps.log.info({ username: DEMO_ACCOUNT.username }, 'seeded demo account');
  const user = (await findPublicUser(deps.db, DEMO_ACCOUNT.username))!;
  const viewer: Viewer = {
    id: user.id, username: user.username, displayName: user.display_name, email: DEMO_ACCOUNT.email,
    emailVerified: true, isCreator: true, isAdmin: false, sessionId: '',
  };
  if (!user.is_creator) await becomeCreator(deps, { ...viewer, isCreator: false }, { tier: 'small_files', currency: 'USD' });
  if (await seedDemoCatalog(deps, viewer)) deps.log.info('seeded demo catalog');
  const files = await seedDemoMedia(deps, viewer);
  if (files) deps.log.info({ files }, 'queued demo media for processing');
  await publishDemoDrafts(deps, viewer); // after the files: publishing needs them
  console.log(`Demo account: ${DEMO_ACCOUNT.username} / ${DEMO_ACCOUNT.password}  (${deps.config.baseUrl}/@${DEMO_ACCOUNT.username})`);
}

/** The project cover first (so the tracks embed it), then each item's file. */
async function seedDemoMedia(deps: Deps, viewer: Viewer): Promise<number> {
  const demo = await demoCatalog(deps, viewer);
  if (!demo) return 0;
  let queued = 0;
  const file = (name: string) => path.join(DEMO_MEDIA_DIR, name);
  if (await ingestIfMissing(deps, viewer, { target: 'project_cover', projectId: demo.projectId }, file(DEMO_PROJECT_COVER), { name: DEMO_PROJECT_COVER })) queued++;
  for (const item of demo.items) {
    if (await ingestIfMissing(deps, viewer, { target: 'item', itemId: item.id }, file(item.media), { name: item.media })) queued++;
  }
  return queued;
}
