// Per-job scratch directories for processing. Removed in the job's `finally`; a worker that was
// killed (SIGKILL, OOM, power) never gets there, so each worker sweeps at start the directories
// of processes that no longer exist. The owning process id is in the name, so a sweep never
// touches the directory of another worker still running on the same machine.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../platform/log.ts';

const PREFIX = 'media-';
/** Directories without a live owner that are older than this are left to nobody: removed. */
const ORPHAN_AGE_MS = 6 * 60 * 60 * 1000;

export function makeScratchDir(fileId: string, root = os.tmpdir()): Promise<string> {
  return fs.mkdtemp(path.join(root, `${PREFIX}${process.pid}-${fileId}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Removes scratch directories whose process is gone. Returns the names removed. */
export async function sweepStaleScratch(log: Logger, root = os.tmpdir(), now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory() || !e.name.startsWith(PREFIX)) continue;
    const pid = /^media-(\d+)-[0-9a-f-]{36}-/.exec(e.name)?.[1];
    const full = path.join(root, e.name);
    let stale = pid !== undefined && Number(pid) !== process.pid && !alive(Number(pid));
    if (pid === undefined && /^media-[0-9a-f-]{36}-/.test(e.name)) {
      // Named before owners were recorded: only by age.
      const st = await fs.stat(full).catch(() => null);
      stale = !!st && now - st.mtimeMs > ORPHAN_AGE_MS;
    }
    if (!stale) continue;
    await fs.rm(full, { recursive: true, force: true }).then(() => removed.push(e.name), (err: unknown) => log.warn({ err, dir: full }, 'could not remove a stale scratch directory'));
  }
  if (removed.length) log.info({ removed }, 'removed scratch directories left by workers that died');
  return removed;
}
