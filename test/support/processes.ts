// Real processes for tests and benchmarks (the web and worker entry points, Caddy): each one's
// stdout and stderr go to its own log file; readiness is what the process says or serves (a log
// line, /readyz), never a fixed wait; on failure every log's tail can be printed and the whole
// logs saved under artifacts/logs/. bench/lib.ts starts its web and worker processes with these.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { saveLog } from './artifacts.ts';

export interface Proc {
  name: string;
  logFile: string;
  child: ChildProcess;
  /** Everything the process wrote so far. */
  log(): string;
  /** Its JSON log lines, parsed (other output skipped). */
  jsonLines(): Record<string, unknown>[];
  running(): boolean;
  /** Resolves once its log contains `text`; rejects if it exits first or time runs out. */
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM (a graceful shutdown), then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** How often readiness is looked at: a poll interval, not a wait for anything to happen. */
const POLL_MS = 100;

/** Starts `command`, its output appended to <logDir>/<name>.log. */
export function startProcess(logDir: string, name: string, command: string, args: string[], env: Record<string, string>): Proc {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd); // the child holds its own copy
  const log = () => fs.readFileSync(logFile, 'utf8');
  const running = () => child.exitCode === null && child.signalCode === null;
  const proc: Proc = {
    name, logFile, child, log, running,
    jsonLines: () => log().split('\n').filter((l) => l.startsWith('{')).flatMap((l) => {
      try { return [JSON.parse(l) as Record<string, unknown>]; } catch { return []; }
    }),
    waitForLog: (text, timeoutMs = 120_000) => until(`${name}: "${text}" in its log`, proc, timeoutMs, async () => log().includes(text)),
    async stop(graceMs = 30_000) {
      if (!running()) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return proc;
}

/** A project entry point under tsx, as `npm start` / `npm run worker` run it. */
export function startNode(logDir: string, name: string, entry: string, env: Record<string, string>, nodeArgs: string[] = []): Proc {
  return startProcess(logDir, name, process.execPath, [...nodeArgs, '--import', 'tsx', entry], env);
}

/** Several processes that start, report and stop together (the scale-out cluster). */
export class ProcessGroup {
  readonly procs: Proc[] = [];
  constructor(readonly dir: string) {}

  spawn(name: string, command: string, args: string[], env: Record<string, string>): Proc {
    const proc = startProcess(this.dir, name, command, args, env);
    this.procs.push(proc);
    return proc;
  }

  node(name: string, entry: string, env: Record<string, string>): Proc {
    const proc = startNode(this.dir, name, entry, env);
    this.procs.push(proc);
    return proc;
  }

  /** Resolves once GET <base>/readyz answers 200 with the database and storage up. */
  async waitForReady(proc: Proc | null, base: string, timeoutMs = 120_000) {
    await until(`${proc?.name ?? base}: /readyz`, proc, timeoutMs, async () => {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
      if (!res) return false;
      const body = await res.json().catch(() => null) as { status?: string; storage?: string } | null;
      return res.status === 200 && body?.status === 'ready' && body.storage === 'up';
    });
  }

  /** The last lines of every log, for a failure report. */
  tails(lines = 60): string {
    return this.procs.map((p) => {
      const all = fs.existsSync(p.logFile) ? p.log().trimEnd().split('\n') : [];
      const state = p.running() ? 'running' : `exited (${p.child.exitCode ?? p.child.signalCode})`;
      const shown = all.slice(-lines).map((l) => (l.length > 600 ? `${l.slice(0, 600)}…` : l));
      return `----- ${p.name} (${state}), last ${shown.length} of ${all.length} lines, all in ${p.logFile} -----\n${shown.join('\n')}`;
    }).join('\n');
  }

  /** Copies every log to artifacts/logs/<prefix>-<name>.log. */
  save(prefix: string) {
    for (const p of this.procs) if (fs.existsSync(p.logFile)) saveLog(`${prefix}-${p.name}`, p.log());
  }

  /** Stops each in reverse start order (so the proxy goes first). */
  async stopAll(graceMs = 30_000) {
    for (const p of [...this.procs].reverse()) await p.stop(graceMs);
  }
}

async function until(what: string, proc: Proc | null, timeoutMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (proc && !proc.running()) throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode}) while waiting for ${what}:\n${proc.log().slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Polls `check` until it returns a value other than undefined/false; throws after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await check();
    if (got !== undefined && got !== false) return got;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A free loopback port. */
export const freePort = async () => (await freePorts(1))[0]!;

/** Free loopback ports, all held until every one is known (so none is handed out twice). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => resolve(srv));
    srv.on('error', reject);
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
