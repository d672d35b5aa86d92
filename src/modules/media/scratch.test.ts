// Scratch directories of killed workers are swept at worker start, and only theirs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../../platform/log.ts';
import { sweepStaleScratch } from './scratch.ts';

test('stale scratch directories are removed only when their process is gone', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'makenot-scratch-'));
  try {
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid; // exited already
    const id = randomUUID();
    const names = {
      dead: `media-${dead}-${id}-aaaa`, mine: `media-${process.pid}-${id}-bbbb`, init: `media-1-${id}-cccc`,
      oldLegacy: `media-${id}-dddd`, newLegacy: `media-${randomUUID()}-eeee`, other: 'media-notes',
    };
    for (const n of Object.values(names)) mkdirSync(path.join(root, n, 'work'), { recursive: true });
    const longAgo = new Date(Date.now() - 7 * 3600 * 1000);
    utimesSync(path.join(root, names.oldLegacy), longAgo, longAgo);
    const removed = await sweepStaleScratch(createLogger('silent'), root);
    assert.deepEqual(removed.sort(), [names.dead, names.oldLegacy].sort());
    assert.deepEqual(readdirSync(root).sort(), [names.init, names.mine, names.newLegacy, names.other].sort());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
