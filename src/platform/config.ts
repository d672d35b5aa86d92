// The only place that reads process.env. Every key is parsed and validated once at boot;
// all problems are reported together so a bad deployment is fixed in one round trip.
import fs from 'node:fs';
import path from 'node:path';

export type AppEnv = 'development' | 'test' | 'production';

export interface Config {
  env: AppEnv;
  port: number;
  host: string;
  /** Public base URL used in emails and redirects, e.g. https://makenot.work */
  baseUrl: string;
  dataDir: string;
  /** When unset, an embedded PostgreSQL is started under dataDir. */
  databaseUrl: string | null;
  embeddedPgPort: number;
  /** HMAC key for CSRF tokens, flash cookies and signed links. */
  appSecret: string;
  /** Run the job worker inside the web process (single-server default). */
  runWorkerInWeb: boolean;
  workerConcurrency: number;
  /** SMTP URL; when null mail stays in the local mailbox (development only). */
  smtpUrl: string | null;
  mailFrom: string;
  trustProxy: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  seedDemo: boolean;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const DEV_SECRET = 'development-only-secret-do-not-use-in-production';

export function parseConfig(env: Env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const str = (key: string, fallback: string) => {
    const v = env[key];
    return v === undefined || v === '' ? fallback : v;
  };
  const int = (key: string, fallback: number, min: number, max: number) => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`${key} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const bool = (key: string, fallback: boolean) => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    problems.push(`${key} must be true or false (got "${raw}")`);
    return fallback;
  };

  const envName = str('APP_ENV', env.NODE_ENV === 'production' ? 'production' : 'development');
  if (!['development', 'test', 'production'].includes(envName)) {
    problems.push(`APP_ENV must be development, test or production (got "${envName}")`);
  }
  const appEnv = (['development', 'test', 'production'].includes(envName) ? envName : 'development') as AppEnv;

  const port = int('PORT', 3000, 0, 65535);
  const host = str('HOST', '127.0.0.1');
  const baseUrl = str('BASE_URL', `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) problems.push(`BASE_URL must be an http(s) URL (got "${baseUrl}")`);

  const databaseUrl = env.DATABASE_URL ? env.DATABASE_URL : null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }

  const appSecret = str('APP_SECRET', appEnv === 'production' ? '' : DEV_SECRET);
  if (appEnv === 'production' && (appSecret.length < 32 || appSecret === DEV_SECRET)) {
    problems.push('APP_SECRET must be set to a random string of at least 32 characters in production');
  }

  const smtpUrl = env.SMTP_URL ? env.SMTP_URL : null;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must start with smtp:// or smtps://');
  if (appEnv === 'production' && !smtpUrl) {
    problems.push('SMTP_URL is required in production (the local mailbox exists only in development)');
  }

  const logLevel = str('LOG_LEVEL', appEnv === 'test' ? 'silent' : 'info');
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${levels.join(', ')}`);

  const config: Config = {
    env: appEnv,
    port,
    host,
    baseUrl,
    dataDir: path.resolve(cwd, str('DATA_DIR', './data')),
    databaseUrl,
    embeddedPgPort: int('EMBEDDED_PG_PORT', 54329, 1024, 65535),
    appSecret,
    runWorkerInWeb: bool('RUN_WORKER', true),
    workerConcurrency: int('WORKER_CONCURRENCY', 2, 1, 64),
    smtpUrl,
    mailFrom: str('MAIL_FROM', 'Makenot.work <no-reply@makenot.work>'),
    trustProxy: bool('TRUST_PROXY', false),
    logLevel: logLevel as Config['logLevel'],
    seedDemo: bool('SEED_DEMO', appEnv === 'development'),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

export function loadConfig(): Config {
  // A .env file in the working directory fills in anything not already in the environment.
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  return parseConfig(process.env);
}

/** For entry points: a bad configuration prints every problem and exits non-zero. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

/** True when cookies should carry the Secure flag and HSTS should be sent. */
export function isHttps(config: Config): boolean {
  return config.baseUrl.startsWith('https://');
}
