// The boot check says which ffmpeg runs and what it lacks, and never stops the start.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { reportCodecs } from './codecs.ts';

function capture() {
  const lines: { level: number; msg: string; missing?: string[] }[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(JSON.parse(String(chunk))); cb(); } });
  return { log: pino({ level: 'info' }, stream), lines };
}

test('the system ffmpeg: one info line, nothing missing', async () => {
  const { log, lines } = capture();
  const report = await reportCodecs(log);
  assert.equal(report?.ok, true);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!.msg, /using the system ffmpeg; every codec processing needs is there/);
});

test('an ffmpeg build without libopus and libx264 is named as such, as a warning', async () => {
  // A real ffmpeg behind a wrapper whose build "lacks" two encoders (as some distributions' do).
  const dir = mkdtempSync(path.join(os.tmpdir(), 'makenot-ffmpeg-'));
  try {
    const wrapper = path.join(dir, 'ffmpeg');
    writeFileSync(wrapper, '#!/bin/sh\nif [ "$2" = "-encoders" ]; then exec ffmpeg "$@" | grep -v -e libopus -e libx264; exit; fi\nexec ffmpeg "$@"\n');
    chmodSync(wrapper, 0o755);
    const { log, lines } = capture();
    const report = await reportCodecs(log, { ffmpeg: wrapper, ffprobe: 'ffprobe', source: 'explicit' });
    assert.deepEqual(report?.missing, ['encoder libopus', 'encoder libx264']);
    assert.equal(lines[0]!.level, 40);
    assert.match(lines[0]!.msg, /lacks encoder libopus, encoder libx264; uploads that need them will fail with the reason/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no ffmpeg at all: an error line, and the start goes on', async () => {
  const { log, lines } = capture();
  const report = await reportCodecs(log, { ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe', source: 'explicit' });
  assert.equal(report, null);
  assert.equal(lines[0]!.level, 50);
  assert.match(lines[0]!.msg, /no working ffmpeg\/ffprobe found/);
});
