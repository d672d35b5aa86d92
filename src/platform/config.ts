// The only place that reads process.env. Every key is parsed and validated once at boot;
// all problems are reported together so a bad deployment is fixed in one round trip.
import fs from 'node:fs';
import path from 'node:path';
import { parseRateLimit, type RateLimit } from './http/rate-limit.ts';

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
  payments: PaymentsConfig;
  storage: StorageConfig;
  /** Per client address, shared by every app process (Postgres counters). */
  rateLimits: { signup: RateLimit; checkout: RateLimit };
  /** How long SIGTERM waits for in-flight requests and running jobs before handing jobs back. */
  shutdownGraceSeconds: number;
  /** Directory with pg_dump and pg_restore for `admin backup|restore`; null = search the usual places. */
  pgBinDir: string | null;
  /** A ClamAV daemon to scan uploads with; null = no virus scan. */
  clamd: { host: string; port: number } | { path: string } | null;
}

export interface StorageConfig {
  /** local: files under DATA_DIR/storage, signed URLs served by the app; s3: any S3-compatible store. */
  backend: 'local' | 's3';
  s3: { endpoint: string | null; region: string; bucket: string; accessKeyId: string; secretAccessKey: string; forcePathStyle: boolean } | null;
}

export interface PaymentsConfig {
  /** local: the built-in test checkout (never in production); stripe: Stripe Connect. */
  provider: 'local' | 'stripe';
  stripeSecretKey: string | null;
  /** Signing secret of the account endpoint (events on the platform's own Stripe account). */
  stripeWebhookSecret: string | null;
  /** Signing secret of the Connect endpoint (events on creators' connected accounts: every sale). */
  stripeConnectWebhookSecret: string | null;
  /** Another Stripe API endpoint (a local stub in tests); null = api.stripe.com. */
  stripeApi: { host: string; port: number; protocol: 'http' | 'https' } | null;
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

  const limit = (key: string, fallback: string) => {
    const raw = str(key, fallback);
    const parsed = parseRateLimit(raw);
    if (!parsed) problems.push(`${key} must look like 10/1h (requests per window of s, m, h or d; got "${raw}")`);
    return parsed ?? parseRateLimit(fallback)!;
  };

  const payments = parsePayments(env, appEnv, problems);
  const storage = parseStorage(env, problems, bool);
  const clamd = parseClamd(env.CLAMD_URL, problems);

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
    payments,
    storage,
    rateLimits: { signup: limit('SIGNUP_RATE_LIMIT', '10/1h'), checkout: limit('CHECKOUT_RATE_LIMIT', '30/10m') },
    shutdownGraceSeconds: int('SHUTDOWN_GRACE_SECONDS', 25, 1, 3600),
    pgBinDir: env.PG_BIN_DIR ? path.resolve(cwd, env.PG_BIN_DIR) : null,
    clamd,
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function parsePayments(env: Env, appEnv: AppEnv, problems: string[]): PaymentsConfig {
  const provider = env.PAYMENTS_PROVIDER || (appEnv === 'production' ? 'stripe' : 'local');
  if (provider !== 'local' && provider !== 'stripe') problems.push(`PAYMENTS_PROVIDER must be local or stripe (got "${provider}")`);
  // The local provider "pays" with a button: in production that would give everything away.
  if (provider === 'local' && appEnv === 'production') problems.push('PAYMENTS_PROVIDER=local is a test mode and cannot run in production; set PAYMENTS_PROVIDER=stripe');
  const secretKey = env.STRIPE_SECRET_KEY || null;
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET || null;
  const connectSecret = env.STRIPE_CONNECT_WEBHOOK_SECRET || null;
  const isSecret = (v: string) => /^whsec_\w+$/.test(v);
  if (webhookSecret && !isSecret(webhookSecret)) problems.push('STRIPE_WEBHOOK_SECRET must be an endpoint signing secret (whsec_…)');
  if (connectSecret && !isSecret(connectSecret)) problems.push('STRIPE_CONNECT_WEBHOOK_SECRET must be an endpoint signing secret (whsec_…)');
  if (provider === 'stripe') {
    if (!secretKey || !/^(sk|rk)_(test|live)_\w+$/.test(secretKey)) problems.push('STRIPE_SECRET_KEY must be set to a Stripe secret key (sk_live_… or sk_test_…) when PAYMENTS_PROVIDER=stripe');
    // Every sale happens on a connected account, so the Connect endpoint's secret is the one
    // that matters; either key may hold it (one endpoint set up is enough).
    if (!webhookSecret && !connectSecret) problems.push('STRIPE_WEBHOOK_SECRET or STRIPE_CONNECT_WEBHOOK_SECRET must be set to a webhook endpoint signing secret (whsec_…) when PAYMENTS_PROVIDER=stripe');
    if (appEnv === 'production' && secretKey?.includes('_test_')) problems.push('STRIPE_SECRET_KEY is a test key; production needs a live key');
  }
  let stripeApi: PaymentsConfig['stripeApi'] = null;
  if (env.STRIPE_API_BASE) {
    const m = /^(https?):\/\/([^/:\s]+)(?::(\d{1,5}))?\/?$/.exec(env.STRIPE_API_BASE);
    if (!m || appEnv === 'production') problems.push('STRIPE_API_BASE must be an http(s)://host[:port] URL, and is for tests only (not production)');
    else stripeApi = { protocol: m[1] as 'http' | 'https', host: m[2]!, port: Number(m[3] ?? (m[1] === 'https' ? 443 : 80)) };
  }
  return { provider: provider === 'stripe' ? 'stripe' : 'local', stripeSecretKey: secretKey, stripeWebhookSecret: webhookSecret, stripeConnectWebhookSecret: connectSecret, stripeApi };
}

function parseStorage(env: Env, problems: string[], bool: (key: string, fallback: boolean) => boolean): StorageConfig {
  const backend = env.STORAGE_BACKEND || 'local';
  if (backend !== 'local' && backend !== 's3') problems.push(`STORAGE_BACKEND must be local or s3 (got "${backend}")`);
  if (backend !== 's3') return { backend: 'local', s3: null };
  const need = (key: string) => {
    if (!env[key]) problems.push(`${key} is required when STORAGE_BACKEND=s3`);
    return env[key] ?? '';
  };
  const endpoint = env.S3_ENDPOINT || null;
  if (endpoint && !/^https?:\/\/[^\s/]+\/?$/.test(endpoint)) problems.push(`S3_ENDPOINT must be an http(s)://host[:port] URL without a path (got "${endpoint}")`);
  const bucket = need('S3_BUCKET');
  if (bucket && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push(`S3_BUCKET must be a valid bucket name (got "${bucket}")`);
  return {
    backend: 's3',
    s3: {
      endpoint: endpoint?.replace(/\/$/, '') ?? null, region: need('S3_REGION'), bucket,
      accessKeyId: need('S3_ACCESS_KEY_ID'), secretAccessKey: need('S3_SECRET_ACCESS_KEY'),
      // Path-style (http://host/bucket/key) is what most self-hosted stores need.
      forcePathStyle: bool('S3_FORCE_PATH_STYLE', endpoint !== null),
    },
  };
}

/** CLAMD_URL: tcp://host:port, unix:///path/to/clamd.sock, or an absolute socket path. */
function parseClamd(raw: string | undefined, problems: string[]): Config['clamd'] {
  if (!raw) return null;
  if (raw.startsWith('/')) return { path: raw };
  const unix = /^unix:\/\/(\/.+)$/.exec(raw);
  if (unix) return { path: unix[1]! };
  const tcp = /^tcp:\/\/([^\s/:]+|\[[0-9a-f:]+\]):(\d{1,5})\/?$/i.exec(raw);
  const port = Number(tcp?.[2]);
  if (!tcp || port < 1 || port > 65535) {
    problems.push(`CLAMD_URL must be tcp://host:port, unix:///path/to/socket or an absolute socket path (got "${raw}")`);
    return null;
  }
  return { host: tcp[1]!.replace(/^\[|\]$/g, ''), port };
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
