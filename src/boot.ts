// Shared start-up for every entry point (web, worker, CLI): the database (embedded or
// external), migrations, and the dependency bundle. Returns a close() that undoes it all.
import type { Deps, Database } from './deps.ts';
import { systemClock } from './deps.ts';
import type { Config } from './platform/config.ts';
import { createKysely, createPool } from './platform/db.ts';
import { startEmbeddedPostgres } from './platform/embedded-postgres.ts';
import type { Logger } from './platform/log.ts';
import { migrate } from './platform/migrate.ts';
import { createPaymentProvider } from './platform/payments/index.ts';
import { createStore } from './platform/storage/index.ts';

/** The database server only: the external one, or the embedded one started (or joined) here. No migrations. */
export async function openDatabase(config: Config, log: Logger) {
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
  return {
    url: config.databaseUrl ?? embedded!.url,
    /** Whether this process owns the embedded database (and so must stop it last). */
    ownsDatabase: embedded?.owned ?? false,
    stop: async () => { await embedded?.stop(); },
  };
}

export async function openDeps(config: Config, log: Logger, opts: { poolSize?: number } = {}) {
  const database = await openDatabase(config, log);
  const pool = createPool(database.url, opts.poolSize ?? 20);
  try {
    await migrate(pool, log);
  } catch (err) {
    await pool.end();
    await database.stop();
    throw err;
  }
  const deps: Deps = { config, pool, db: createKysely<Database>(pool), log, clock: systemClock, payments: createPaymentProvider(config), store: createStore(config) };
  return {
    deps,
    databaseUrl: database.url,
    ownsDatabase: database.ownsDatabase,
    async close() {
      await deps.db.destroy(); // ends the pool too
      await database.stop();
    },
  };
}
