// `npm run import -- <folder> [--creator <username>] [--title <project title>] [--no-wait]`:
// imports a folder of media as a draft project of a creator, through the real upload pipeline,
// then runs a worker here until every file is processed (a running `npm start` helps too).
import { openDeps } from '../boot.ts';
import { taskList } from '../jobs.ts';
import { canonicalUsername, DEMO_ACCOUNT, findPublicUser } from '../modules/accounts/index.ts';
import { importFolder, waitForFiles } from '../modules/media/index.ts';
import { loadConfigOrExit } from '../platform/config.ts';
import { AppError } from '../platform/errors.ts';
import type { Viewer } from '../platform/http/context.ts';
import { createLogger } from '../platform/log.ts';
import { startWorker } from '../platform/queue.ts';

const USAGE = `Usage: npm run import -- <folder> [--creator <username>] [--title <project title>] [--no-wait]

Imports every file of <folder> (and its subfolders) as a new draft project of the creator
(default: the demo account). Audio files become tracks titled and ordered by their tags, videos
video items, cover.jpg (or the only image) the project cover, everything else downloads.`;

function parseArgs(argv: string[]) {
  const opts: { folder?: string; creator?: string; title?: string; wait: boolean } = { wait: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--creator') opts.creator = argv[++i];
    else if (a === '--title') opts.title = argv[++i];
    else if (a === '--no-wait') opts.wait = false;
    else if (a === '--help' || a === '-h') return null;
    else if (!a.startsWith('--') && !opts.folder) opts.folder = a;
    else return null;
  }
  return opts.folder ? opts : null;
}

const opts = parseArgs(process.argv.slice(2));
if (!opts) {
  console.error(USAGE);
  process.exit(2);
}
const config = loadConfigOrExit();
const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel); // keep the command's output readable

async function main(o: NonNullable<typeof opts>): Promise<number> {
  const { deps, close } = await openDeps(config, log, { poolSize: config.workerConcurrency + 4 });
  try {
    const username = canonicalUsername(o.creator ?? DEMO_ACCOUNT.username);
    const user = await findPublicUser(deps.db, username);
    if (!user?.is_creator) {
      console.error(user ? `${username} is not a creator yet (they can become one at /creator/start).`
        : `No account "${username}"${o.creator ? '' : ' (start the app once to create the demo account, or pass --creator <username>)'}.`);
      return 1;
    }
    const viewer: Viewer = { id: user.id, username: user.username, displayName: user.display_name, email: '', emailVerified: true, isCreator: true, isAdmin: false, sessionId: '' };
    const result = await importFolder(deps, viewer, o.folder!, { title: o.title });
    console.log(`Project “${result.projectTitle}” (draft): ${config.baseUrl}/dashboard/projects/${result.projectId}`);
    for (const f of result.files) console.log(`  ${f.error ? 'skipped' : 'queued '} ${f.name} (${f.role.replace('_', ' ')})${f.error ? `: ${f.error}` : ''}`);
    const ids = result.files.flatMap((f) => (f.fileId ? [f.fileId] : []));
    if (!o.wait || ids.length === 0) return result.files.some((f) => f.error) ? 1 : 0;

    console.log(`Processing ${ids.length} file${ids.length === 1 ? '' : 's'}…`);
    const names = new Map(result.files.map((f) => [f.fileId, f.name]));
    const runner = await startWorker({ pool: deps.pool, tasks: taskList(deps), concurrency: config.workerConcurrency, log });
    try {
      const rows = await waitForFiles(deps, ids, (id, state, reason) => {
        if (['ready', 'failed', 'quarantined'].includes(state)) console.log(`  ${state.padEnd(11)} ${names.get(id)}${reason ? `: ${reason}` : ''}`);
      });
      const bad = rows.filter((r) => r.state !== 'ready').length + result.files.filter((f) => f.error).length;
      console.log(bad ? `Done, ${bad} file${bad === 1 ? '' : 's'} not imported.` : 'Done: every file is ready. Publish the project from the dashboard.');
      return bad ? 1 : 0;
    } finally {
      await runner.stop();
    }
  } catch (err) {
    if (err instanceof AppError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error((err as Error).message);
      return 1;
    }
    throw err;
  } finally {
    await close();
  }
}

process.exit(await main(opts));
