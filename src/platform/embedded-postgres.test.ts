// The PostgreSQL programs' execute bits, as a user who does not own them (as npm installs them
// for another user): already executable means no chmod at all; not executable is a clear error.
// Run in a child process as an ordinary user (nobody, when the tests run as root), on system
// files that user does not own, so a chmod would really be refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const moduleUrl = new URL('./embedded-postgres.ts', import.meta.url).href;
const cwd = fileURLToPath(new URL('../..', import.meta.url));

/** Calls ensureExecutable(files) as a user other than the files' owner; the error message, or null. */
function ensureAsOtherUser(files: string[]): string | null {
  const script = `import(${JSON.stringify(moduleUrl)}).then((m) => { m.ensureExecutable(${JSON.stringify(files)}, { byOthers: false }); console.log('OK'); })`
    + `.catch((e) => { console.log('ERR ' + e.message); })`;
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd, encoding: 'utf8', ...asNobody, env: { ...process.env, HOME: '/tmp' } });
  const out = r.stdout.trim().split('\n').pop() ?? '';
  assert.ok(out === 'OK' || out.startsWith('ERR '), `child ran: ${r.stdout}${r.stderr}`);
  return out === 'OK' ? null : out.slice(4);
}

test('executable programs owned by someone else are used as they are (no chmod, no EPERM)', () => {
  const sh = fs.realpathSync('/bin/sh');
  const mode = fs.statSync(sh).mode;
  assert.equal(fs.statSync(sh).uid, 0, 'a file owned by root');
  assert.equal(ensureAsOtherUser([sh]), null);
  assert.equal(fs.statSync(sh).mode, mode);
});

test('a program that is not executable and cannot be fixed is a clear error', () => {
  const file = '/etc/passwd'; // owned by root, mode 644: readable, not executable, not ours to chmod
  assert.equal(fs.statSync(file).mode & 0o111, 0);
  const error = ensureAsOtherUser([file]);
  assert.match(error ?? '', /The PostgreSQL program \/etc\/passwd is not executable \(mode 644\) and this user may not change that \(EPERM\)/);
  assert.match(error ?? '', /chmod a\+rx \/etc\/passwd/);
  assert.match(error ?? '', /DATABASE_URL/);
});
