// The real app on a real (per-file) database, for route tests through app.request().
import type { Hono } from 'hono';
import { createApp } from '../../src/app.tsx';
import { systemClock, type Database, type Deps } from '../../src/deps.ts';
import { taskList } from '../../src/jobs.ts';
import { parseConfig } from '../../src/platform/config.ts';
import { createKysely, createPool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/log.ts';
import { runDueJobs } from '../../src/platform/queue.ts';
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
  const config = parseConfig({ APP_ENV: 'development', LOG_LEVEL: 'silent', DATABASE_URL: database.url, BASE_URL: 'http://localhost:3000', ...env });
  const log = createLogger(config.logLevel);
  const pool = createPool(database.url, 10);
  const deps: Deps = { config, pool, db: createKysely<Database>(pool), log, clock: systemClock };
  return {
    deps,
    app: createApp(deps),
    drainJobs: () => runDueJobs({ pool, tasks: taskList(deps), log }),
    async close() {
      await deps.db.destroy();
      await database.drop();
    },
  };
}
