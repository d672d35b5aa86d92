// `npm test`: one embedded PostgreSQL for the whole run, a migrated template database that
// every test file clones (CREATE DATABASE … TEMPLATE), then node's own test runner.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPool } from '../src/platform/db.ts';
import { startEmbeddedPostgres } from '../src/platform/embedded-postgres.ts';
import { createLogger } from '../src/platform/log.ts';
import { migrate } from '../src/platform/migrate.ts';
import { freePort } from './support/processes.ts';

const TEMPLATE = 'makenot_template';
const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn');

function findTests(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : findTests(full);
    return /\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

// Optional filter: `npm test -- accounts` runs only files whose path contains "accounts".
const filters = process.argv.slice(2);
const files = [...findTests('src'), ...findTests('test')].sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'makenot-test-'));
fs.chmodSync(dataDir, 0o755); // as root, the postgres user must be able to reach it
const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), log });
let code = 1;
try {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  await admin.end();
  const templateUrl = server.url.replace(/\/postgres$/, `/${TEMPLATE}`);
  const pool = createPool(templateUrl, 1);
  await migrate(pool, log);
  await pool.end();

  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
    stdio: 'inherit',
    env: { ...process.env, TEST_PG_URL: server.url, TEST_TEMPLATE_DB: TEMPLATE },
  });
  code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
} finally {
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
