// Backups with PostgreSQL's own tools: pg_dump's custom format, restored with pg_restore into
// a fresh, empty database. pg_dump refuses to dump a server newer than itself, so the tools are
// chosen by version: PG_BIN_DIR, then this checkout's .tools/ (deploy/build-pg-client.sh), then
// the Debian/Ubuntu layout /usr/lib/postgresql/<major>/bin, then PATH — the first whose major
// version is at least the server's.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type pg from 'pg';

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export class BackupError extends Error {}

export interface PgTools { dir: string | null; major: number; pgDump: string; pgRestore: string }

async function majorOf(binary: string): Promise<number | null> {
  try {
    const { stdout } = await run(binary, ['--version']);
    const m = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const versionDirs = (parent: string) => {
  try {
    return fs.readdirSync(parent).map((d) => ({ d, n: Number(/(\d+)$/.exec(d)?.[1] ?? NaN) })).filter((x) => Number.isFinite(x.n))
      .sort((a, b) => b.n - a.n).map((x) => path.join(parent, x.d, 'bin'));
  } catch {
    return [];
  }
};

export async function serverMajor(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  return Math.floor(Number(rows[0]!.v) / 10000);
}

/** pg_dump and pg_restore of at least the server's major version, or a BackupError saying what to install. */
export async function findPgTools(needMajor: number, pgBinDir: string | null): Promise<PgTools> {
  const candidates = pgBinDir ? [pgBinDir] : [...versionDirs(path.join(REPO, '.tools')), ...versionDirs('/usr/lib/postgresql'), null];
  const seen: string[] = [];
  for (const dir of candidates) {
    const pgDump = dir ? path.join(dir, 'pg_dump') : 'pg_dump';
    const pgRestore = dir ? path.join(dir, 'pg_restore') : 'pg_restore';
    const major = await majorOf(pgDump);
    if (major === null) continue;
    seen.push(`${pgDump} is version ${major}`);
    if (major >= needMajor && (await majorOf(pgRestore)) === major) return { dir, major, pgDump, pgRestore };
  }
  throw new BackupError([
    `No pg_dump/pg_restore of version ${needMajor} or newer was found (the database server is PostgreSQL ${needMajor}; pg_dump cannot dump a newer server than itself).`,
    seen.length ? `Found: ${seen.join('; ')}.` : 'Found none.',
    `Install the PostgreSQL ${needMajor} client (e.g. postgresql-client-${needMajor}) and set PG_BIN_DIR to its bin directory, or run deploy/build-pg-client.sh ${needMajor}.`,
  ].join('\n'));
}

/** Dumps the whole database to `file` (custom format). Written to file.partial first, so a failed dump leaves nothing that looks complete. */
export async function backupDatabase(url: string, tools: PgTools, file: string): Promise<{ bytes: number }> {
  const partial = `${file}.partial`;
  try {
    await run(tools.pgDump, ['--format=custom', '--no-owner', '--no-privileges', `--file=${partial}`, `--dbname=${url}`], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw new BackupError(`pg_dump failed: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
  }
  fs.renameSync(partial, file);
  return { bytes: fs.statSync(file).size };
}

/** Tables outside PostgreSQL's own schemas: a database to restore into must have none. */
export async function userTables(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`);
  return rows[0]!.n;
}

/** Restores a dump into an empty database in one transaction: all of it or nothing. */
export async function restoreDatabase(url: string, tools: PgTools, file: string) {
  if (!fs.existsSync(file)) throw new BackupError(`${file} does not exist.`);
  try {
    await run(tools.pgRestore, ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${url}`, file], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    throw new BackupError(`pg_restore failed (nothing was restored): ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
  }
}
