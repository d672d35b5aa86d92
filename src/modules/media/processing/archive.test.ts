import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { inspectZip, unsafeEntryName } from './archive.ts';
import { processFile } from './index.ts';
import { EICAR, startFakeClamd } from '../../../../test/support/clamd.ts';
import { clamdScan, sha256File } from './scan.ts';
import { inspectTar } from './tar.ts';
import { fixtureEnv } from './testing.ts';

const env = fixtureEnv();

describe('archive inspection (no extraction)', () => {
  it('quarantines a zip bomb by its compression ratio', async () => {
    const r = await processFile({ inputPath: env.fx.zipBomb, workDir: env.work('bomb') });
    assert.equal(r.state, 'quarantined');
    assert.match(r.reason ?? '', /compression ratio 10\d\d× \(limit 100×\)/);
    assert.equal(r.metadata.archive?.totalUncompressed, 20 << 20);
    assert.deepEqual(r.outputs, []);
  });

  it('quarantines ../, absolute, drive-letter and backslash entries', async () => {
    const r = await processFile({ inputPath: env.fx.zipTraversal, workDir: env.work('trav') });
    assert.equal(r.state, 'quarantined');
    assert.deepEqual(r.metadata.archive?.quarantine, [
      'path traversal entry "../../etc/evil.sh"', 'absolute path entry "/etc/cron.d/evil"',
      'drive letter entry "C:\\\\Windows\\\\evil.dll"', 'backslash in entry "a\\\\..\\\\b.txt"',
      'link "docs/link" points outside: path traversal entry "../../../etc/passwd"']);
  });

  it('quarantines a zip in a zip in a zip, found by content', async () => {
    const report = await inspectZip(env.fx.zipNested);
    assert.deepEqual(report.quarantine, ['nested archive beyond one level: middle.zip → inner.zip']);
    assert.equal(report.entries.find((e) => e.name === 'middle.zip')?.nested, 'zip');
  });

  it('accepts one level of nesting and names with emoji, colons and RTL text', async () => {
    const r = await processFile({ inputPath: env.fx.zipFine, workDir: env.work('fine') });
    assert.equal(r.state, 'ready', r.reason);
    assert.deepEqual(r.metadata.archive?.entries.map((e) => e.name),
      ['docs/🎵 notes.txt', 'Track 1: intro.txt', 'שלום/עולם.txt', 'bundle/inner.zip']);
    assert.equal(r.metadata.archive?.entries[3]?.nested, 'zip');
    assert.deepEqual(r.outputs.map((o) => [o.role, o.contentType]), [['download:original', 'application/zip']]);
  });

  it('quarantines too many entries', async () => {
    const r = await processFile({ inputPath: env.fx.zipTraversal, workDir: env.work('many'), archiveLimits: { maxEntries: 3 } });
    assert.equal(r.state, 'quarantined');
    assert.equal(r.reason, 'too many entries: 6 (limit 3)');
  });

  it('tar.gz: traversal and links pointing outside are quarantined', async () => {
    const report = await inspectTar(env.fx.tarTraversal, true);
    assert.equal(report.format, 'tar');
    assert.equal(report.entryCount, 3);
    assert.deepEqual(report.quarantine, ['path traversal entry "../../escape.txt"',
      'link "link" points outside: absolute path entry "/etc/passwd"']);
  });

  it('gzip bomb: inflation stops as soon as the ratio passes the limit', async () => {
    const report = await inspectTar(env.fx.gzipBomb, true);
    assert.match(report.quarantine[0] ?? '', /^compression ratio over 100×/);
    assert.ok(report.totalUncompressed < 20 << 20, 'did not inflate everything');
  });

  it('a truncated zip fails with a reason', async () => {
    const cut = env.work('cut.zip');
    await mkdir(env.work(''), { recursive: true });
    await writeFile(cut, (await readFile(env.fx.zipFine)).subarray(0, 100));
    const r = await processFile({ inputPath: cut, workDir: env.work('cut') });
    assert.equal(r.state, 'failed');
    assert.match(r.reason ?? '', /zip is unreadable: no end of central directory/);
  });

  it('entry name rules', () => {
    assert.equal(unsafeEntryName('a/b/c.txt'), undefined);
    assert.equal(unsafeEntryName('..foo/bar..'), undefined);
    assert.match(unsafeEntryName('a/../../b') ?? '', /traversal/);
    assert.match(unsafeEntryName('a\0b') ?? '', /NUL/);
  });
});

describe('fingerprints and virus scanning', () => {
  it('SHA-256 of any file, streamed, recorded for every kind', async () => {
    const expected = createHash('sha256').update(await readFile(env.fx.video)).digest('hex');
    assert.equal(await sha256File(env.fx.video), expected);
    const r = await processFile({ inputPath: env.fx.textAsFlac, workDir: env.work('other') });
    assert.deepEqual([r.kind, r.state], ['other', 'ready']);
    assert.equal(r.metadata.sha256, createHash('sha256').update(await readFile(env.fx.textAsFlac)).digest('hex'));
  });

  it('clamd: clean, infected (quarantined) and unreachable (thrown for retry)', async () => {
    const clamd = await startFakeClamd();
    const port = clamd.port!;
    try {
      assert.deepEqual(await clamdScan(env.fx.video, { host: '127.0.0.1', port }), { status: 'clean' }, 'a binary file of many chunks');
      const eicar = env.work('eicar.txt');
      await writeFile(eicar, EICAR);
      const r = await processFile({ inputPath: eicar, workDir: env.work('eicar'), clamd: { host: '127.0.0.1', port } });
      assert.deepEqual([r.state, r.reason], ['quarantined', 'virus found: Eicar-Test-Signature']);
    } finally {
      await clamd.close();
    }
    await assert.rejects(processFile({ inputPath: env.fx.smallPng, workDir: env.work('noclam'),
      clamd: { host: '127.0.0.1', port, timeoutMs: 2000 } }), /virus scan unavailable/);
  });
});
