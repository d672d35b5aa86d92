// Getting jobs of crashed workers back quickly. graphile-worker 0.17 frees a job locked by a
// worker that died (SIGKILL, OOM, power loss) only when the lock is 4 hours old, and it keeps no
// registry of live workers (no heartbeat table). So each worker pool proves it is alive with a
// PostgreSQL session-level advisory lock keyed by its pool id (the jobs' locked_by), held on
// its own connection for as long as the process lives: the database releases it the moment
// the process or its connection dies. A sweep (at worker start and every few seconds after)
// tries that lock for every pool holding jobs; if it can be taken, nobody holds it, the pool is
// dead, and force_unlock_workers() returns its jobs to the queue (attempts already counted, so
// a job that kills its worker every time still runs out of attempts).
// Several live workers are safe: each holds its own lock, and a live pool's jobs are never
// touched. See docs/decisions/0010-crashed-worker-recovery.md.
import pg from 'pg';
import type { Logger } from './log.ts';

/** First key of the two-key advisory locks: "a worker pool is alive". */
export const PRESENCE_LOCK_NAMESPACE = 727_002;

/** Jobs locked this recently are never swept: a new pool takes its lock within milliseconds. */
export const DEFAULT_GRACE_MS = 15_000;
export const DEFAULT_SWEEP_MS = 15_000;

/** Holds the presence lock of one pool id on a dedicated connection; reconnects if it drops. */
export class PoolPresence {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  readonly ready: Promise<void>;

  constructor(private readonly connection: pg.ClientConfig, readonly poolId: string, private readonly log: Logger) {
    this.ready = this.hold();
  }

  private async hold(): Promise<void> {
    const client = new pg.Client({ ...this.connection, application_name: `makenot worker ${this.poolId}` });
    client.on('error', (err) => {
      // Without the lock, a sweep elsewhere may rerun this pool's jobs (handlers are idempotent).
      this.log.warn({ err, poolId: this.poolId }, 'worker presence connection lost; reconnecting');
      this.client = null;
      void client.end().catch(() => {});
      if (!this.stopped) this.retry = setTimeout(() => void this.hold().catch(() => {}), 2000);
    });
    try {
      await client.connect();
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [PRESENCE_LOCK_NAMESPACE, this.poolId]);
      if (this.stopped) await client.end();
      else this.client = client;
    } catch (err) {
      await client.end().catch(() => {});
      this.log.warn({ err, poolId: this.poolId }, 'could not take the worker presence lock; retrying');
      if (!this.stopped) this.retry = setTimeout(() => void this.hold().catch(() => {}), 2000);
    }
  }

  async release() {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.ready.catch(() => {});
    await this.client?.end().catch(() => {});
    this.client = null;
  }
}

/**
 * Unlocks the jobs of every pool that holds locks older than `graceMs` but whose presence lock
 * is free (its process is gone). Returns the pool ids it recovered.
 */
export async function recoverCrashedJobs(pool: pg.Pool, log: Logger, graceMs = DEFAULT_GRACE_MS): Promise<string[]> {
  const client = await pool.connect();
  const recovered: string[] = [];
  try {
    const { rows } = await client.query<{ locked_by: string; jobs: number }>(
      `SELECT locked_by, count(*)::int AS jobs FROM graphile_worker._private_jobs
        WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1::float8 / 1000)
        GROUP BY locked_by`, [graceMs]);
    for (const { locked_by: poolId, jobs } of rows) {
      const { rows: [got] } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS free', [PRESENCE_LOCK_NAMESPACE, poolId]);
      if (!got?.free) continue; // alive: its process holds the lock
      try {
        await client.query('SELECT graphile_worker.force_unlock_workers(ARRAY[$1]::text[])', [poolId]);
        recovered.push(poolId);
        log.warn({ poolId, jobs }, 'released the jobs of a worker that died; they will run again');
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [PRESENCE_LOCK_NAMESPACE, poolId]);
      }
    }
  } finally {
    client.release();
  }
  return recovered;
}

/** Runs recoverCrashedJobs now and every `everyMs`; returns a stop function. */
export function startCrashRecovery(pool: pg.Pool, log: Logger, opts: { graceMs?: number; everyMs?: number } = {}) {
  let running: Promise<unknown> = Promise.resolve();
  const sweep = () => {
    running = recoverCrashedJobs(pool, log, opts.graceMs).catch((err: unknown) => log.warn({ err }, 'crashed-job sweep failed; will try again'));
  };
  sweep();
  const timer = setInterval(sweep, opts.everyMs ?? DEFAULT_SWEEP_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
