// Operator commands: `npm run admin -- <command> [args]`.
import { openDeps } from '../boot.ts';
import { setAdminRole } from '../modules/accounts/index.ts';
import { loadConfigOrExit } from '../platform/config.ts';
import { createLogger } from '../platform/log.ts';

const USAGE = `Usage: npm run admin -- <command>

Commands:
  grant <username>    make an account an admin
  revoke <username>   remove admin from an account`;

const [command, ...args] = process.argv.slice(2);
const config = loadConfigOrExit();
const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel); // keep command output readable

async function main(): Promise<number> {
  if ((command === 'grant' || command === 'revoke') && args.length === 1) {
    const { deps, close } = await openDeps(config, log, { poolSize: 2 });
    try {
      const found = await setAdminRole(deps, args[0]!, command === 'grant');
      if (!found) {
        console.error(`No account with username "${args[0]}".`);
        return 1;
      }
      console.log(command === 'grant' ? `${args[0]} is now an admin.` : `${args[0]} is no longer an admin.`);
      return 0;
    } finally {
      await close();
    }
  }
  console.error(USAGE);
  return 2;
}

process.exit(await main());
