// PostgreSQL access: one pg pool per process, wrapped by Kysely for typed queries.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

// Return int8 (bigint) columns and COUNT(*) as JS numbers: every value we store in them
// (byte sizes, minor units) stays far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// DATE columns stay 'YYYY-MM-DD' strings: a calendar date has no time zone to shift it.
pg.types.setTypeParser(1082, (v) => v);

export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection (database restart) must not crash the process;
  // the pool drops it and the next query reconnects.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

export function createKysely<DB>(pool: pg.Pool): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

export async function isDatabaseUp(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

export { sql };
