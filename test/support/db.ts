// A fresh database per test file, cloned from the migrated template that test/run.ts made.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_PG_URL;
  const template = process.env.TEST_TEMPLATE_DB;
  if (!base || !template) throw new Error('Run tests with `npm test` (test/run.ts starts the database).');
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  return {
    url: base.replace(/\/postgres$/, `/${name}`),
    drop: () => adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
