// The job queue: graphile-worker on the same PostgreSQL. Jobs are enqueued with
// graphile_worker.add_job() on the caller's executor, so a job exists if and only if the
// transaction that made the state change commits.
import { EventEmitter } from 'node:events';
import { Logger as GraphileLogger, run, runOnce, type Runner, type TaskList, type WorkerEvents } from 'graphile-worker';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from './log.ts';
import { PoolPresence, startCrashRecovery } from './queue-recovery.ts';

/** Payloads are ids and small scalars only; handlers re-read state. */
export type JobPayload = Record<string, string | number | boolean | null>;

export interface EnqueueOptions {
  /** Same key replaces a pending job instead of adding a second one. */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

// Any Kysely or Transaction, whatever its table types: add_job lives in graphile's own schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function enqueueJob(db: Kysely<any>, task: string, payload: JobPayload, opts: EnqueueOptions = {}) {
  await sql`SELECT graphile_worker.add_job(
      ${task}, ${JSON.stringify(payload)}::json,
      job_key => ${opts.jobKey ?? null}::text,
      run_at => ${opts.runAt ?? null}::timestamptz,
      max_attempts => ${opts.maxAttempts ?? 10}::int)`.execute(db);
}

export function queueLogger(log: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const l = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    log[l]({ queue: { ...scope, ...meta } }, message);
  });
}

const FLUSH_ON_STOP = { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } };

// The worker-pool ids that lock this process's jobs (graphile-worker locks by pool), to hand
// running jobs back at shutdown.
const lockOwners = new WeakMap<Runner, Set<string>>();

export interface WorkerOptions {
  pool: pg.Pool;
  tasks: TaskList;
  crontab?: string;
  concurrency: number;
  log: Logger;
  /** Crashed-worker recovery (see queue-recovery.ts); tests shorten these. */
  recovery?: { graceMs?: number; everyMs?: number };
}

/**
 * Events that hold a presence lock for every worker pool graphile-worker creates in this
 * process (so other processes can tell it is alive), and a release for when it stops.
 */
function presenceEvents(pool: pg.Pool, log: Logger) {
  const events = new EventEmitter() as WorkerEvents;
  const held: PoolPresence[] = [];
  events.on('pool:create', ({ workerPool }) => { held.push(new PoolPresence(pool.options, workerPool.id, log)); });
  return { events, release: () => Promise.all(held.map((p) => p.release())) };
}

export async function startWorker(opts: WorkerOptions): Promise<Runner> {
  const presence = presenceEvents(opts.pool, opts.log);
  const runner = await run({
    pgPool: opts.pool,
    taskList: opts.tasks,
    crontab: opts.crontab ?? '',
    concurrency: opts.concurrency,
    noHandleSignals: true, // our composition roots own shutdown order
    pollInterval: 1000,
    logger: queueLogger(opts.log),
    // Batched (delay 0) rather than direct completion writes: shutdown then waits for the
    // last "job done" write instead of resolving with it still in flight (which would leave a
    // finished job locked, to run again hours later).
    preset: FLUSH_ON_STOP,
    events: presence.events,
  });
  const stopRecovery = startCrashRecovery(opts.pool, opts.log, opts.recovery);
  const wrapped: Runner = {
    ...runner,
    async stop(reason?: string) {
      await stopRecovery();
      await runner.stop(reason); // running jobs finish and unlock first…
      await presence.release(); // …then this pool stops claiming to be alive
    },
  };
  const owners = new Set<string>();
  runner.events.on('job:start', ({ job }) => { if (job.locked_by) owners.add(job.locked_by); });
  lockOwners.set(wrapped, owners);
  return wrapped;
}

/**
 * Graceful stop: no new jobs are taken and running ones may finish for up to graceMs. Jobs
 * still running then are handed back — unlocked with graphile-worker's force_unlock_workers,
 * so any worker picks them up at once instead of waiting hours for the lock to go stale — and
 * their handlers are abandoned when the process exits. Handlers are safe to run twice.
 */
export async function stopWorker(runner: Runner, opts: { pool: pg.Pool; graceMs: number; log: Logger }): Promise<'finished' | 'handed back'> {
  let timer: NodeJS.Timeout | undefined;
  const stopped = runner.stop().then(() => true, (err: unknown) => { opts.log.warn({ err }, 'worker stop reported an error'); return true; });
  const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), opts.graceMs); });
  const finished = await Promise.race([stopped, timedOut]);
  clearTimeout(timer);
  if (finished) return 'finished';
  const owners = [...(lockOwners.get(runner) ?? [])];
  const { rows } = await opts.pool.query<{ id: string }>('SELECT id FROM graphile_worker.jobs WHERE locked_by = ANY($1::text[])', [owners]);
  await opts.pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [owners]);
  opts.log.warn({ graceMs: opts.graceMs, jobs: rows.map((r) => r.id) }, 'running jobs did not finish in time: handed back to the queue');
  return 'handed back';
}

/** Runs every job that is due, then returns: used by tests and one-off CLI commands. */
export async function runDueJobs(opts: { pool: pg.Pool; tasks: TaskList; log: Logger }): Promise<void> {
  const presence = presenceEvents(opts.pool, opts.log);
  try {
    await runOnce({ pgPool: opts.pool, taskList: opts.tasks, logger: queueLogger(opts.log), preset: FLUSH_ON_STOP, events: presence.events });
  } finally {
    await presence.release();
  }
}
