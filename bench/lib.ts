// What every benchmark shares: the figure it reports, judging figures against bench/budgets.ts,
// the one table, and the real parts (an embedded PostgreSQL in a temp dir, the real web and
// worker processes, started as test/support/processes.ts starts every real process).
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createPool } from '../src/platform/db.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/platform/embedded-postgres.ts';
import { createLogger } from '../src/platform/log.ts';
import { migrate } from '../src/platform/migrate.ts';
import { cookieHeader, csrfTokenIn, storeCookies } from '../test/support/cookies.ts';
import { freePort, startNode } from '../test/support/processes.ts';
import { BUDGETS, type Budget, type BudgetKey } from './budgets.ts';

/** One measured figure; its budget (and how to read it) lives in budgets.ts under `budget`. */
export interface Figure {
  budget: BudgetKey;
  value: number;
  /** Measured in the same run, on the same machine; ratio = value / baseline. */
  baseline?: number;
  detail?: string;
}

export interface BenchOptions { smoke: boolean }
export type Bench = (opts: BenchOptions) => Promise<Figure[]>;

export interface Verdict extends Figure { bench: string; spec: Budget; ratio: number | null; pass: boolean }

export function judge(bench: string, f: Figure): Verdict {
  const spec: Budget = BUDGETS[f.budget];
  const ratio = f.baseline !== undefined && f.baseline !== 0 ? f.value / f.baseline : null;
  const subject = spec.on === 'ratio' ? ratio : f.value;
  const ok = subject !== null && Number.isFinite(subject) && compare(subject, spec.op, spec.limit);
  return { ...f, bench, spec, ratio, pass: ok };
}

function compare(x: number, op: Budget['op'], limit: number) {
  if (op === '>=') return x >= limit;
  if (op === '<=') return x <= limit;
  if (op === '<') return x < limit;
  return x === limit;
}

const num = (n: number | undefined, unit: string) => {
  if (n === undefined || !Number.isFinite(n)) return '—';
  const digits = unit === 'req/s' || unit === 'MB/s' ? 0 : unit === '' ? 0 : 1;
  return `${n.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
};
const limitText = (s: Budget) => {
  const op = { '>=': '≥', '<=': '≤', '<': '<', '==': '=' }[s.op];
  // 1/40 reads better than 0.025, but only when the limit is such a fraction (0.7 is not 1/1).
  const inverse = 1 / s.limit;
  const limit = s.limit < 1 && s.limit > 0 && s.on === 'ratio' && Math.abs(inverse - Math.round(inverse)) < 1e-9 ? `1/${Math.round(inverse)}` : String(s.limit);
  return s.on === 'ratio' ? `ratio ${op} ${limit}` : `${op} ${limit}${s.unit ? ` ${s.unit}` : ''}`;
};

/** The one table: figure, value, baseline measured in the same run, ratio, budget, pass/fail. */
export function printTable(verdicts: Verdict[]) {
  const rows = verdicts.map((v) => [
    `${v.bench}: ${v.spec.label}`,
    num(v.value, v.spec.unit),
    v.baseline === undefined ? '—' : `${num(v.baseline, v.spec.unit)}${v.spec.baselineLabel ? ` (${v.spec.baselineLabel})` : ''}`,
    v.ratio === null ? '—' : v.ratio.toFixed(v.ratio < 0.1 ? 3 : 2),
    limitText(v.spec),
    v.pass ? 'PASS' : 'FAIL',
  ]);
  const head = ['figure', 'value', 'baseline (same run)', 'ratio', 'budget', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r));
  for (const v of verdicts.filter((x) => x.detail)) console.log(`  ${v.bench}/${v.budget}: ${v.detail}`);
  const failed = verdicts.filter((v) => !v.pass).length;
  console.log(`\nbudgets: ${verdicts.length - failed} met, ${failed} missed`);
}

/** True when this module is the script node was started with (so a bench can run alone). */
export function isMain(url: string) {
  return !!process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === url;
}

/** `npx tsx bench/<name>.ts [--smoke]`: run one bench, print the table, exit 1 on any FAIL. */
export async function runAlone(name: string, bench: Bench) {
  const figures = await bench({ smoke: process.argv.includes('--smoke') || process.env.BENCH_SMOKE === '1' });
  const verdicts = figures.map((f) => judge(name, f));
  printTable(verdicts);
  process.exit(verdicts.every((v) => v.pass) ? 0 : 1);
}

// ---- measuring ----

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Resident memory of a process (VmRSS), in bytes. */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Samples a process's RSS every `everyMs` until stopped; returns the peak seen. */
export function sampleRss(pid: number, everyMs = 100) {
  let peak = rssOf(pid);
  const timer = setInterval(() => { try { peak = Math.max(peak, rssOf(pid)); } catch { /* exited */ } }, everyMs);
  return { stop: () => { clearInterval(timer); return peak; } };
}

export const MB = 1024 * 1024;

// ---- the real parts ----

export { freePort };

export interface BenchDatabase {
  dir: string; server: EmbeddedPostgres; url: string; stop(): Promise<void>;
  /** Stops the server (a fast shutdown, as a restart does), keeping its files and port. */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port with the same files; resolves once it accepts connections. */
  resume(): Promise<void>;
}

/** An embedded PostgreSQL in a fresh temp dir with one migrated database (as test/run.ts does). */
export async function startDatabase(name: string, logLevel = 'warn'): Promise<BenchDatabase> {
  const log = createLogger(logLevel);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `makenot-bench-${name}-`));
  fs.chmodSync(dir, 0o755); // as root, the postgres user must be able to reach it
  const port = await freePort();
  const dataDir = path.join(dir, 'pg');
  let server = await startEmbeddedPostgres({ dataDir, port, log });
  try {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = server.url.replace(/\/postgres$/, `/${name}`);
    const pool = createPool(url, 1);
    await migrate(pool, log);
    await pool.end();
    let halted = false;
    return {
      dir, url, get server() { return server; },
      async stop() { if (!halted) await server.stop().catch(() => {}); fs.rmSync(dir, { recursive: true, force: true }); },
      async halt() { if (!halted) { halted = true; await server.stop(); } },
      async resume() { if (halted) { server = await startEmbeddedPostgres({ dataDir, port, log }); halted = false; } },
    };
  } catch (err) {
    await server.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface WebProcess {
  base: string; pid: number; child: ChildProcess;
  /** Everything the process wrote so far (JSON log lines). */
  output(): string;
  stop(): Promise<void>;
}

/** How long a process may take to say it is ready (the demo seed included) on a busy machine. */
const READY_TIMEOUT_MS = 600_000;

/** The real web process (src/main.ts, as `npm start` runs it) on its own port; its log in <db.dir>/logs. */
export async function startWeb(db: Pick<BenchDatabase, 'url' | 'dir'>, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<WebProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const web = startNode(path.join(db.dir, 'logs'), `web-${port}`, 'src/main.ts', {
    APP_ENV: 'development', DATABASE_URL: db.url, DATA_DIR: path.join(db.dir, 'data'), PORT: String(port), BASE_URL: base,
    RUN_WORKER: 'false', SEED_DEMO: 'false', LOG_LEVEL: 'warn', STORAGE_BACKEND: 'local', ...env,
  }, nodeArgs);
  await web.waitForLog('is running at', READY_TIMEOUT_MS);
  // The demo content is seeded after the server listens (so a first start answers at once);
  // callers that use it need it there.
  if ((env.SEED_DEMO ?? 'false') === 'true') await web.waitForLog('Demo account:', READY_TIMEOUT_MS);
  return { base, pid: web.child.pid!, child: web.child, output: web.log, stop: () => web.stop() };
}

export interface WorkerProcess { pid: number; child: ChildProcess; output(): string; stop(): Promise<void> }

/** The real worker process (src/worker.ts, as `npm run worker` runs it); LOG_LEVEL info so it says when it runs. */
export async function startWorkerProcess(db: Pick<BenchDatabase, 'url' | 'dir'>, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const worker = startNode(path.join(db.dir, 'logs'), `worker-${Date.now()}`, 'src/worker.ts', {
    APP_ENV: 'development', DATABASE_URL: db.url, DATA_DIR: path.join(db.dir, 'data'), SEED_DEMO: 'false', LOG_LEVEL: 'info', STORAGE_BACKEND: 'local', ...env,
  });
  await worker.waitForLog('worker running', READY_TIMEOUT_MS);
  return { pid: worker.child.pid!, child: worker.child, output: worker.log, stop: () => worker.stop() };
}

/** A browser-like HTTP session against a running web process: cookies and the page's CSRF token. */
export class HttpSession {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly base: string, readonly headers: Record<string, string> = {}) {}

  cookieHeader() { return cookieHeader(this.cookies); }

  async send(p: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
    const go = () => fetch(this.base + p, { ...init, redirect: 'manual', headers: { ...this.headers, ...init.headers, cookie: this.cookieHeader() } });
    // A pooled connection the server closed while idle (keep-alive timeout, e.g. while a bench
    // generated its input) fails before anything is processed: try once more on a fresh one.
    const res = await go().catch((err: { cause?: { code?: string } }) => { if (err.cause?.code === 'UND_ERR_SOCKET') return go(); throw err; });
    storeCookies(this.cookies, res.headers);
    return res;
  }

  /** GET a page, keep its CSRF token, return its HTML. */
  async page(p: string) {
    const res = await this.send(p);
    const html = await res.text();
    this.csrf = csrfTokenIn(html) ?? this.csrf;
    return { status: res.status, html, res };
  }

  form(p: string, fields: Record<string, string>) {
    return this.send(p, { method: 'POST', body: new URLSearchParams({ _csrf: this.csrf, ...fields }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
}
