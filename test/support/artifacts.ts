// The git-ignored artifacts folder: screenshots of the journeys, logs of real processes.
import fs from 'node:fs';
import path from 'node:path';

export const ARTIFACTS_DIR = path.resolve('artifacts');

/** Saves a process's log under artifacts/logs/<name>.log, to read after a failed run. */
export function saveLog(name: string, text: string) {
  const dir = path.join(ARTIFACTS_DIR, 'logs');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.log`), text);
}
