// Operator commands: `npm run admin -- <command> [args]`. Each goes through the owning
// module's public surface (or platform/backup for pg_dump/pg_restore); exit 0 on success,
// 1 when the command was refused (with the reason), 2 on a usage error.
import { openDatabase, openDeps } from '../boot.ts';
import { setAdminRole } from '../modules/accounts/index.ts';
import { reconcile, reconciliationFlags } from '../modules/commerce/index.ts';
import { reprocessFileAsAdmin } from '../modules/media/index.ts';
import { backupDatabase, BackupError, findPgTools, restoreDatabase, serverMajor, userTables } from '../platform/backup.ts';
import { loadConfigOrExit } from '../platform/config.ts';
import { createPool } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';
import { createLogger } from '../platform/log.ts';
import { migrate } from '../platform/migrate.ts';

const USAGE = `Usage: npm run admin -- <command>

Commands:
  grant <username>      make an account an admin
  revoke <username>     remove admin from an account
  reprocess <file-id>   queue a failed upload for processing again (any creator's)
  reconcile             compare the ledger with the payment provider's balances now
  backup <file>         dump the whole database to <file> with pg_dump (custom format)
  restore <file>        restore a backup into a fresh, empty database (DATABASE_URL, or a new DATA_DIR)`;

const [command, ...args] = process.argv.slice(2);
const config = loadConfigOrExit();
const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel); // keep command output readable

async function withDeps(fn: (deps: Awaited<ReturnType<typeof openDeps>>['deps']) => Promise<number>) {
  const { deps, close } = await openDeps(config, log, { poolSize: 2 });
  try {
    return await fn(deps);
  } finally {
    await close();
  }
}

/** Backup and restore never migrate first: a backup taken before an upgrade must be of the old schema. */
async function withDatabase(fn: (url: string, pool: ReturnType<typeof createPool>) => Promise<number>) {
  const database = await openDatabase(config, log);
  const pool = createPool(database.url, 2);
  try {
    return await fn(database.url, pool);
  } finally {
    await pool.end();
    await database.stop();
  }
}

const commands: Record<string, { args: number; run: (a: string[]) => Promise<number> }> = {
  grant: { args: 1, run: ([username]) => setRole(username!, true) },
  revoke: { args: 1, run: ([username]) => setRole(username!, false) },
  reprocess: {
    args: 1,
    run: ([fileId]) => withDeps(async (deps) => {
      const file = await reprocessFileAsAdmin(deps, fileId!);
      console.log(`Queued "${file.name}" (item ${file.itemId}) for processing again. A worker picks it up shortly.`);
      return 0;
    }),
  },
  reconcile: {
    args: 0,
    run: () => withDeps(async (deps) => {
      const differing = await reconcile(deps);
      const flags = await reconciliationFlags(deps);
      console.log(deps.payments.name === 'local'
        ? 'Test mode: the local provider\'s books are the ledger itself; nothing to compare.'
        : `Checked every connected account: ${differing} account/currency pair${differing === 1 ? '' : 's'} differ from the provider.`);
      for (const f of flags.filter((x) => x.ledger_net !== x.provider_net)) {
        console.log(`  @${f.username} ${f.currency}: ledger ${f.ledger_net}, provider ${f.provider_net} (minor units)`);
      }
      return 0;
    }),
  },
  backup: {
    args: 1,
    run: ([file]) => withDatabase(async (url, pool) => {
      const tools = await findPgTools(await serverMajor(pool), config.pgBinDir);
      const { bytes } = await backupDatabase(url, tools, file!);
      console.log(`Backed up to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB) with ${tools.pgDump} (PostgreSQL ${tools.major}).`);
      return 0;
    }),
  },
  restore: {
    args: 1,
    run: ([file]) => withDatabase(async (url, pool) => {
      const existing = await userTables(pool);
      if (existing > 0) {
        console.error(`Refusing to restore: the target database already has ${existing} tables. Restore into a fresh, empty database `
          + '(create one and point DATABASE_URL at it, or use a new DATA_DIR for the embedded database). Nothing was changed.');
        return 1;
      }
      const tools = await findPgTools(await serverMajor(pool), config.pgBinDir);
      await restoreDatabase(url, tools, file!);
      const applied = await migrate(pool, log); // a backup from an older release catches up
      console.log(`Restored ${file}${applied.length ? `, then applied ${applied.length} newer migration(s)` : ''}.`);
      return 0;
    }),
  },
};

async function setRole(username: string, admin: boolean) {
  return withDeps(async (deps) => {
    if (!(await setAdminRole(deps, username, admin))) {
      console.error(`No account with username "${username}".`);
      return 1;
    }
    console.log(admin ? `${username} is now an admin.` : `${username} is no longer an admin.`);
    return 0;
  });
}

async function main(): Promise<number> {
  const cmd = command ? commands[command] : undefined;
  if (!cmd || args.length !== cmd.args) {
    console.error(USAGE);
    return 2;
  }
  try {
    return await cmd.run(args);
  } catch (err) {
    if (!(err instanceof AppError) && !(err instanceof BackupError)) throw err;
    console.error(err.message);
    return 1;
  }
}

process.exit(await main());
