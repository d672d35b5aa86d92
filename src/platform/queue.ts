// The job queue: graphile-worker on the same PostgreSQL. Jobs are enqueued with
// graphile_worker.add_job() on the caller's executor, so a job exists if and only if the
// transaction that made the state change commits.
import { Logger as GraphileLogger, run, runOnce, type Runner, type TaskList } from 'graphile-worker';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from './log.ts';

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

export async function startWorker(opts: { pool: pg.Pool; tasks: TaskList; crontab?: string; concurrency: number; log: Logger }): Promise<Runner> {
  return run({
    pgPool: opts.pool,
    taskList: opts.tasks,
    crontab: opts.crontab ?? '',
    concurrency: opts.concurrency,
    noHandleSignals: true, // our composition roots own shutdown order
    pollInterval: 1000,
    logger: queueLogger(opts.log),
  });
}

/** Runs every job that is due, then returns: used by tests and one-off CLI commands. */
export async function runDueJobs(opts: { pool: pg.Pool; tasks: TaskList; log: Logger }): Promise<void> {
  await runOnce({ pgPool: opts.pool, taskList: opts.tasks, logger: queueLogger(opts.log) });
}
