// The real app on a real (per-file) database, for route tests through app.request().
import type { Hono } from 'hono';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app.tsx';
import { systemClock, type Database, type Deps } from '../../src/deps.ts';
import { taskList } from '../../src/jobs.ts';
import { parseConfig } from '../../src/platform/config.ts';
import { createKysely, createPool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/log.ts';
import { runDueJobs } from '../../src/platform/queue.ts';
import { createPaymentProvider } from '../../src/platform/payments/index.ts';
import { createStore } from '../../src/platform/storage/index.ts';
import { createTestDatabase } from './db.ts';

export interface TestApp {
  deps: Deps;
  app: Hono<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Runs every queued job now (mail delivery etc.), as the worker would. */
  drainJobs(): Promise<void>;
  close(): Promise<void>;
}

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  // Local object storage lives under DATA_DIR: each test app gets its own, removed at close.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'makenot-app-'));
  // In-process requests have no client address, so every user of a test file shares one and
  // would trip the per-address abuse limits: raised here; the rate-limit tests pass the defaults.
  const limits = { SIGNUP_RATE_LIMIT: '100000/1h', CHECKOUT_RATE_LIMIT: '100000/1h' };
  const config = parseConfig({ APP_ENV: 'development', LOG_LEVEL: 'silent', DATABASE_URL: database.url, BASE_URL: 'http://localhost:3000', DATA_DIR: dataDir, ...limits, ...env });
  const log = createLogger(config.logLevel);
  const pool = createPool(database.url, 10);
  const deps: Deps = { config, pool, db: createKysely<Database>(pool), log, clock: systemClock, payments: createPaymentProvider(config), store: createStore(config) };
  return {
    deps,
    app: createApp(deps),
    drainJobs: () => runDueJobs({ pool, tasks: taskList(deps), log }),
    async close() {
      await deps.db.destroy();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
