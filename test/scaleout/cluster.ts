// The scale-out topology, as real processes on this machine:
//
//   Caddy (deploy/Caddyfile.scaleout, round-robin) ─┬─ app A (src/main.ts, RUN_WORKER=false)
//                                                   └─ app B (src/main.ts, RUN_WORKER=false)
//   worker 1, worker 2 (src/worker.ts)
//   one PostgreSQL database (the test run's server), one S3 server (s3rver), one SMTP server
//
// Every instance has its own DATA_DIR: with S3 storage nothing on local disk is shared. They
// share what production instances must share: APP_SECRET, DATABASE_URL and the storage settings.
//
// Beside it, a pair for the local storage backend (files under DATA_DIR, signed by the app):
// app C (web with its worker inside, as `npm start`) and app D (web only), on their own database
// and one shared DATA_DIR — what two instances on one machine (or a shared filesystem) look like.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/deps.ts';
import { createKysely, createPool } from '../../src/platform/db.ts';
import { createTestDatabase } from '../support/db.ts';
import { freePorts, ProcessGroup, type Proc } from '../support/processes.ts';
import { startS3, type TestS3 } from '../support/s3.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp.ts';

export interface Cluster {
  dir: string;
  group: ProcessGroup;
  /** Bases: the proxy, the S3 pair behind it, and the local-storage pair. */
  proxy: string; a: string; b: string; c: string; d: string;
  apps: { a: Proc; b: Proc; c: Proc; d: Proc };
  workers: [Proc, Proc];
  /** The S3 cluster's database and the local pair's. */
  db: Kysely<Database>;
  localDb: Kysely<Database>;
  s3: TestS3;
  smtp: SmtpSink;
  close(): Promise<void>;
}

const base = (port: number) => `http://127.0.0.1:${port}`;

export async function startCluster(): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'makenot-scaleout-'));
  const group = new ProcessGroup(path.join(dir, 'logs'));
  const [database, localDatabase, s3, smtp, ports] = await Promise.all([
    createTestDatabase(), createTestDatabase(), startS3('makenot-scaleout'), startSmtpSink(), freePorts(6),
  ]);
  const [portA, portB, portC, portD, proxyPort, adminPort] = ports as [number, number, number, number, number, number];
  const db = createKysely<Database>(createPool(database.url, 4));
  const localDb = createKysely<Database>(createPool(localDatabase.url, 2));
  const proxy = base(proxyPort);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await group.stopAll();
    await Promise.allSettled([db.destroy(), localDb.destroy(), s3.close(), smtp.close()]);
    await Promise.allSettled([database.drop(), localDatabase.drop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await recordProcessingRuns(db);
    // What every instance of a deployment shares. The secret is new each run: nothing may
    // depend on a value other than the one these processes were given.
    const shared = {
      APP_ENV: 'development', APP_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'info', SEED_DEMO: 'false',
      SIGNUP_RATE_LIMIT: '100000/1h', CHECKOUT_RATE_LIMIT: '100000/1h', SHUTDOWN_GRACE_SECONDS: '10',
    };
    const s3Side = { ...shared, ...s3.env, DATABASE_URL: database.url, BASE_URL: proxy, TRUST_PROXY: 'true', SMTP_URL: smtp.url };
    const own = (name: string) => ({ DATA_DIR: path.join(dir, `data-${name}`) });
    const apps = {
      a: group.node('app-a', 'src/main.ts', { ...s3Side, ...own('a'), PORT: String(portA), RUN_WORKER: 'false' }),
      b: group.node('app-b', 'src/main.ts', { ...s3Side, ...own('b'), PORT: String(portB), RUN_WORKER: 'false' }),
      c: null as unknown as Proc,
      d: null as unknown as Proc,
    };
    const workers: [Proc, Proc] = [
      group.node('worker-1', 'src/worker.ts', { ...s3Side, ...own('w1'), WORKER_CONCURRENCY: '2' }),
      group.node('worker-2', 'src/worker.ts', { ...s3Side, ...own('w2'), WORKER_CONCURRENCY: '2' }),
    ];
    const localSide = { ...shared, STORAGE_BACKEND: 'local', DATABASE_URL: localDatabase.url, DATA_DIR: path.join(dir, 'data-local-shared'), BASE_URL: base(portC) };
    apps.c = group.node('app-c-local', 'src/main.ts', { ...localSide, PORT: String(portC), RUN_WORKER: 'true' });
    apps.d = group.node('app-d-local', 'src/main.ts', { ...localSide, PORT: String(portD), RUN_WORKER: 'false' });

    await Promise.all([
      group.waitForReady(apps.a, base(portA)), group.waitForReady(apps.b, base(portB)),
      group.waitForReady(apps.c, base(portC)), group.waitForReady(apps.d, base(portD)),
      ...workers.map((w) => w.waitForLog('"msg":"worker running"')),
    ]);
    // The proxy last, so its first health checks find both instances up.
    const caddyHome = path.join(dir, 'caddy');
    const caddy = group.spawn('caddy', 'caddy', ['run', '--adapter', 'caddyfile', '--config', path.resolve('deploy/Caddyfile.scaleout')], {
      APP_A: `127.0.0.1:${portA}`, APP_B: `127.0.0.1:${portB}`, PROXY_PORT: String(proxyPort), CADDY_ADMIN: `127.0.0.1:${adminPort}`,
      HOME: caddyHome, XDG_DATA_HOME: path.join(caddyHome, 'data'), XDG_CONFIG_HOME: path.join(caddyHome, 'config'),
    });
    await group.waitForReady(caddy, proxy);
    return { dir, group, proxy, a: base(portA), b: base(portB), c: base(portC), d: base(portD), apps, workers, db, localDb, s3, smtp, close };
  } catch (err) {
    const tails = group.tails();
    await close();
    throw new Error(`${(err as Error).message}\n${tails}`);
  }
}

/**
 * Every time a file is put into 'processing' (the first thing a media_process run does), a row
 * here: a job that ran twice, on one worker or two, leaves two. Test-only, in this test's own
 * database, observing the table from outside; the application code is untouched.
 */
async function recordProcessingRuns(db: Kysely<Database>) {
  await sql`CREATE TABLE scaleout_processing_runs (media_file_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`.execute(db);
  await sql`CREATE FUNCTION scaleout_note_processing() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO scaleout_processing_runs (media_file_id) VALUES (NEW.id); RETURN NEW; END $$`.execute(db);
  await sql`CREATE TRIGGER scaleout_note_processing AFTER UPDATE OF state ON media_files
    FOR EACH ROW WHEN (NEW.state = 'processing') EXECUTE FUNCTION scaleout_note_processing()`.execute(db);
}
