// tar, tar.gz and plain .gz inspected as a stream: headers are parsed as they pass, entry data
// is skipped (only its first bytes are looked at, to recognise nested archives), and gzip output
// is counted as it inflates, so a gzip bomb is stopped as soon as it crosses the ratio limit
// instead of being expanded.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { DEFAULT_LIMITS, unsafeEntryName, type ArchiveLimits, type ArchiveReport } from './archive.ts';
import { sniff } from './identify.ts';

const octal = (b: Buffer) => {
  if ((b[0] ?? 0) & 0x80) { // GNU base-256 for sizes over 8 GiB
    let n = 0;
    for (let i = 1; i < b.length; i++) n = n * 256 + (b[i] ?? 0);
    return n;
  }
  return Number.parseInt(b.toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
};
const str = (b: Buffer) => b.toString('utf8').replace(/\0.*$/s, '');

class Stop extends Error {}

export async function inspectTar(path: string, gzipped: boolean, limits: ArchiveLimits = DEFAULT_LIMITS): Promise<ArchiveReport> {
  const fileBytes = (await stat(path)).size;
  const report: ArchiveReport = { format: gzipped ? 'gzip' : 'tar', entryCount: 0, entries: [], totalUncompressed: 0,
    compressedBytes: fileBytes, encrypted: false, quarantine: [] };
  const q = (why: string) => { if (report.quarantine.length < 20) report.quarantine.push(why); };

  let streamed = 0;
  let pending: Buffer = Buffer.alloc(0);
  let skip = 0; // data bytes of the current entry still to pass
  let headFor: { name: string; got: Buffer[]; bytes: number } | undefined;
  let longName: string | undefined;
  let isTar: boolean | undefined;
  let zeroBlocks = 0;

  const header = (h: Buffer) => {
    if (h.every((x) => x === 0)) { zeroBlocks++; return; }
    const type = String.fromCharCode(h[156] ?? 48);
    const size = octal(h.subarray(124, 136));
    const prefix = h.subarray(257, 262).toString('latin1') === 'ustar' ? str(h.subarray(345, 500)) : '';
    let name = longName ?? (prefix ? `${prefix}/${str(h.subarray(0, 100))}` : str(h.subarray(0, 100)));
    longName = undefined;
    skip = Math.ceil(size / 512) * 512;
    if (type === 'L' || type === 'x') { // GNU long name / pax header: the next entry's real name
      headFor = { name: type, got: [], bytes: Math.min(size, 65_536) };
      return;
    }
    report.entryCount++;
    if (report.entryCount > limits.maxEntries) { q(`too many entries: over ${limits.maxEntries}`); throw new Stop(); }
    const unsafe = unsafeEntryName(name);
    if (unsafe) q(unsafe);
    if (type === '1' || type === '2') {
      const target = str(h.subarray(157, 257));
      const bad = unsafeEntryName(target);
      if (bad) q(`link ${JSON.stringify(name)} points outside: ${bad}`);
    }
    report.totalUncompressed += size;
    if (report.entries.length < 1000) report.entries.push({ name, compressedBytes: size, uncompressedBytes: size, directory: type === '5' });
    if (size > 0 && (type === '0' || type === '\0' || type === '7')) headFor = { name, got: [], bytes: Math.min(size, 512) };
    name = '';
  };

  const dataHead = (h: { name: string; got: Buffer[] }) => {
    const data = Buffer.concat(h.got);
    if (h.name === 'L') { longName = str(data); return; }
    if (h.name === 'x') {
      const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (m?.[1]) longName = m[1];
      return;
    }
    const nested = sniff(data.length >= 12 ? data : Buffer.alloc(12));
    if (nested?.kind === 'archive') {
      const entry = report.entries.find((e) => e.name === h.name);
      if (entry) entry.nested = nested.format;
    }
  };

  const feed = (chunk: Buffer) => {
    let buf: Buffer = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    if (isTar === undefined) {
      if (buf.length < 512) { pending = buf; return; }
      isTar = buf.subarray(257, 262).toString('latin1') === 'ustar';
      if (isTar) report.format = 'tar';
    }
    if (!isTar) { pending = Buffer.alloc(0); return; }
    while (buf.length > 0 && zeroBlocks < 2) {
      if (skip > 0) {
        const n = Math.min(skip, buf.length);
        if (headFor) {
          const want = headFor.bytes - headFor.got.reduce((a, b) => a + b.length, 0);
          headFor.got.push(buf.subarray(0, Math.min(n, want)));
          if (want <= n) { dataHead(headFor); headFor = undefined; }
        }
        skip -= n;
        buf = buf.subarray(n);
        continue;
      }
      if (buf.length < 512) break;
      header(buf.subarray(0, 512));
      buf = buf.subarray(512);
    }
    pending = Buffer.from(buf);
  };

  const input = createReadStream(path);
  const source = gzipped ? input.pipe(createGunzip()) : input;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      streamed += chunk.length;
      if (gzipped && streamed > limits.ratioFloorBytes && streamed > limits.maxRatio * fileBytes) {
        q(`compression ratio over ${limits.maxRatio}× (stopped after ${streamed} bytes from ${fileBytes})`);
        throw new Stop();
      }
      feed(chunk);
    }
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
  } finally {
    input.destroy();
  }
  if (!isTar) { // a plain .gz: one compressed file
    report.entryCount = 1;
    report.totalUncompressed = streamed;
  }
  return report;
}
