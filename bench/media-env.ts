// What the media benchmarks share besides bench/lib.ts: the real dependency bundle on a bench
// database (local storage under its temp dir) and a creator made through the services.
import path from 'node:path';
import { systemClock, type Database, type Deps } from '../src/deps.ts';
import { DEMO_ACCOUNT, ensureDemoAccount, findPublicUser } from '../src/modules/accounts/index.ts';
import { becomeCreator } from '../src/modules/creators/index.ts';
import { parseConfig } from '../src/platform/config.ts';
import { createKysely, createPool } from '../src/platform/db.ts';
import type { Viewer } from '../src/platform/http/context.ts';
import { createLogger } from '../src/platform/log.ts';
import { createPaymentProvider } from '../src/platform/payments/index.ts';
import { createStore } from '../src/platform/storage/index.ts';
import { startDatabase } from './lib.ts';

export interface MediaBenchEnv { deps: Deps; viewer: Viewer; dir: string; close(): Promise<void> }

export async function mediaBenchEnv(name: string, opts: { poolSize?: number } = {}): Promise<MediaBenchEnv> {
  const db = await startDatabase(name);
  const config = parseConfig({ APP_ENV: 'development', LOG_LEVEL: 'warn', DATABASE_URL: db.url, DATA_DIR: path.join(db.dir, 'data') });
  const pool = createPool(db.url, opts.poolSize ?? 10);
  const deps: Deps = { config, pool, db: createKysely<Database>(pool), log: createLogger('warn'), clock: systemClock, payments: createPaymentProvider(config), store: createStore(config) };
  await ensureDemoAccount(deps); // a verified account through the accounts service
  const user = (await findPublicUser(deps.db, DEMO_ACCOUNT.username))!;
  const viewer: Viewer = { id: user.id, username: user.username, displayName: user.display_name, email: DEMO_ACCOUNT.email, emailVerified: true, isCreator: false, isAdmin: false, sessionId: '' };
  await becomeCreator(deps, viewer, { tier: 'everything', currency: 'EUR' });
  return {
    deps, viewer: { ...viewer, isCreator: true }, dir: db.dir,
    async close() {
      await deps.db.destroy().catch(() => {});
      await db.stop();
    },
  };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
