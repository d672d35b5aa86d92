// `npm run migrate`: apply pending migrations and exit (boot does the same automatically).
import { openDeps } from '../boot.ts';
import { loadConfigOrExit } from '../platform/config.ts';
import { createLogger } from '../platform/log.ts';

const config = loadConfigOrExit();
const { close } = await openDeps(config, createLogger(config.logLevel), { poolSize: 2 });
await close();
console.log('Database is up to date.');
