// The dependencies every module receives, built once in a composition root (main.ts,
// worker.ts, tests) and passed in; nothing reaches for globals.
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Config } from './platform/config.ts';
import type { Logger } from './platform/log.ts';
import type { AccountsTables } from './modules/accounts/tables.ts';
import type { MailTables } from './modules/mail/tables.ts';
import type { CreatorsTables } from './modules/creators/tables.ts';
import type { CatalogTables } from './modules/catalog/tables.ts';
import type { CommerceTables } from './modules/commerce/tables.ts';
import type { PaymentProvider } from './platform/payments/types.ts';
import type { ObjectStore } from './platform/storage/index.ts';
import type { MediaTables } from './modules/media/tables.ts';
import type { PlaybackTables } from './modules/playback/tables.ts';

/** Every module's tables: the database's shape as Kysely sees it. */
export interface Database extends AccountsTables, MailTables, CreatorsTables, CatalogTables, CommerceTables, MediaTables, PlaybackTables {}

/** A connection or an open transaction: query functions accept either. */
export type Executor = Kysely<Database>;

export interface Clock { now(): Date }
export const systemClock: Clock = { now: () => new Date() };

export interface Deps {
  config: Config;
  pool: pg.Pool;
  db: Kysely<Database>;
  log: Logger;
  clock: Clock;
  /** The configured payment processor (local test provider or Stripe). */
  payments: PaymentProvider;
  /** Object storage (local files or S3), chosen by config. */
  store: ObjectStore;
}
