// Tests that mount real small disks (tmpfs) need the right to mount. As root they mount
// directly. As an ordinary user the test file runs again inside a new user and mount namespace
// (`unshare --user --map-root-user --mount`), where it is root of its own mounts and of nothing
// else: the test database is reached over TCP as before, files it writes outside its mounts
// belong to the real user, and its test results go to the same runner (stdout is inherited).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Returns when this process may mount. Otherwise runs the test file `fileUrl` again where it may
 * and exits with that run's status.
 */
export function ensureMayMount(fileUrl: string): void {
  if (process.getuid?.() === 0) return;
  const run = spawnSync('unshare', ['--user', '--map-root-user', '--mount', process.execPath, ...process.execArgv, fileURLToPath(fileUrl)], { stdio: 'inherit' });
  if (run.error || run.status === null) {
    throw new Error(`This test mounts small tmpfs disks: as an ordinary user it needs unshare(1) and unprivileged user namespaces (${run.error?.message ?? `signal ${run.signal}`}). Run it as root, or enable them.`);
  }
  process.exit(run.status);
}
