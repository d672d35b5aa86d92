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
 * A job worker that stays up: graphile-worker (0.17) shuts its runner down for good when the
 * database goes away at the wrong moment (a completion it cannot record is "an inconsistent
 * state"), so a database restart would silently end all background work. When the runner stops
 * without being asked, a new one is started, with backoff, once the database answers again.
 */
export interface JobWorker {
  /** The runner doing the work now (a new one after each restart). */
  readonly runner: Runner;
  /** How many times the runner stopped by itself and was replaced. */
  readonly restarts: number;
  /** Stops taking jobs and waits for running ones (CLIs, benches); servers use stopWorker. */
  stop(): Promise<void>;
}

interface Supervised extends JobWorker {
  runner: Runner;
  restarts: number;
  stopping: boolean;
  restarting: Promise<void> | null;
  /** The worker-pool ids that locked this process's jobs (graphile-worker locks by pool). */
  owners: Set<string>;
  stopRecovery: () => Promise<void>;
}

/** Waits before each attempt to start a replacement runner (the last one repeats). */
const RESTART_DELAYS_MS = [1000, 2000, 4000, 8000, 15_000];

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

/** One graphile-worker runner whose pools prove they are alive for as long as it runs. */
async function launch(opts: WorkerOptions, owners: Set<string>): Promise<Runner> {
  const presence = presenceEvents(opts.pool, opts.log);
  let runner: Runner;
  try {
    runner = await run({
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
  } catch (err) {
    await presence.release();
    throw err;
  }
  runner.events.on('job:start', ({ job }) => { if (job.locked_by) owners.add(job.locked_by); });
  // However it ends (asked to, or by itself in an outage), a stopped runner's pools stop
  // claiming to be alive; otherwise their presence connections would keep reconnecting.
  const release = () => presence.release().then(() => undefined);
  void runner.promise.then(release, release);
  return {
    ...runner,
    async stop(reason?: string) {
      await runner.stop(reason); // running jobs finish and unlock first…
      await release(); // …then this pool stops claiming to be alive
    },
  };
}

export async function startWorker(opts: WorkerOptions): Promise<JobWorker> {
  const owners = new Set<string>();
  const runner = await launch(opts, owners);
  const w: Supervised = {
    runner, restarts: 0, stopping: false, restarting: null, owners,
    // One sweep per worker process, whichever runner is current.
    stopRecovery: startCrashRecovery(opts.pool, opts.log, opts.recovery),
    async stop() {
      w.stopping = true;
      await w.restarting;
      await w.stopRecovery();
      await w.runner.stop();
    },
  };
  supervise(w, opts);
  return w;
}

function supervise(w: Supervised, opts: WorkerOptions) {
  const current = w.runner;
  const ended = (err?: unknown) => {
    if (w.stopping || w.runner !== current) return;
    opts.log.error({ err }, 'the job worker stopped by itself (was the database unreachable?); starting a new one');
    w.restarting = restart(w, opts).finally(() => { w.restarting = null; });
  };
  current.promise.then(() => ended(), ended);
}

async function restart(w: Supervised, opts: WorkerOptions) {
  for (let attempt = 0; !w.stopping; attempt++) {
    await new Promise((r) => setTimeout(r, RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)]));
    if (w.stopping) return;
    try {
      // Jobs the stopped runner still holds (finished, perhaps, with the completion unrecorded)
      // go back to the queue now rather than at the next crash sweep. Handlers are safe to run twice.
      await opts.pool.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [[...w.owners]]);
      const runner = await launch(opts, w.owners);
      if (w.stopping) {
        await runner.stop();
        return;
      }
      w.runner = runner;
      w.restarts += 1;
      supervise(w, opts);
      opts.log.warn({ restarts: w.restarts }, 'job worker running again');
      return;
    } catch (err) {
      opts.log.warn({ err, attempt: attempt + 1 }, 'job worker could not start yet; trying again');
    }
  }
}

/**
 * Graceful stop: no new jobs are taken and running ones may finish for up to graceMs. Jobs
 * still running then are handed back — unlocked with graphile-worker's force_unlock_workers,
 * so any worker picks them up at once instead of waiting hours for the lock to go stale — and
 * their handlers are abandoned when the process exits. Handlers are safe to run twice.
 */
export async function stopWorker(worker: JobWorker, opts: { pool: pg.Pool; graceMs: number; log: Logger }): Promise<'finished' | 'handed back'> {
  const w = worker as Supervised;
  w.stopping = true;
  await w.restarting;
  await w.stopRecovery();
  let timer: NodeJS.Timeout | undefined;
  const stopped = w.runner.stop().then(() => true, (err: unknown) => { opts.log.warn({ err }, 'worker stop reported an error'); return true; });
  const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), opts.graceMs); });
  const finished = await Promise.race([stopped, timedOut]);
  clearTimeout(timer);
  if (finished) return 'finished';
  const owners = [...w.owners];
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
