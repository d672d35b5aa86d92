// Archive inspection without extraction. A zip is read from its central directory (names, sizes,
// methods), each entry's first bytes are inflated to recognise nested archives by content, and
// a nested zip is opened in memory (bounded) to see whether it nests again. Nothing is written
// to disk, so a hostile archive cannot place files anywhere.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { constants, inflateRawSync } from 'node:zlib';
import { sniff } from './identify.ts';

export interface ArchiveLimits {
  maxEntries: number;
  maxRatio: number;
  /** Ratios are only judged above this many uncompressed bytes (a small run of zeros is harmless). */
  ratioFloorBytes: number;
  maxTotalBytes: number;
  /** Largest nested zip opened in memory to look one level further. */
  maxNestedBytes: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxEntries: 10_000, maxRatio: 100, ratioFloorBytes: 1 << 20, maxTotalBytes: 64 * 2 ** 30, maxNestedBytes: 64 << 20,
};

export interface ArchiveEntry {
  name: string;
  compressedBytes: number;
  uncompressedBytes: number;
  directory: boolean;
  /** Format of a nested archive recognised by its bytes, e.g. 'zip'. */
  nested?: string;
}

export interface ArchiveReport {
  format: 'zip' | 'tar' | 'gzip';
  entryCount: number;
  entries: ArchiveEntry[]; // the first 1 000, for display
  totalUncompressed: number;
  compressedBytes: number;
  encrypted: boolean;
  /** Empty when the archive is acceptable; otherwise why it is quarantined. */
  quarantine: string[];
}

interface Source { size: number; read(pos: number, len: number): Promise<Buffer> }

const bufferSource = (b: Buffer): Source => ({
  size: b.length, read: async (pos, len) => b.subarray(pos, Math.min(b.length, pos + len)),
});

function fileSource(fh: FileHandle, size: number): Source {
  return {
    size,
    read: async (pos, len) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(len, size - pos)));
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      return buf.subarray(0, bytesRead);
    },
  };
}

const show = (name: string) => JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name);

/** Why an entry name would escape the extraction folder, or undefined when it is safe. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.includes('\0')) return `entry name with a NUL byte ${show(name)}`;
  if (name.startsWith('/')) return `absolute path entry ${show(name)}`;
  if (/^[A-Za-z]:/.test(name)) return `drive letter entry ${show(name)}`;
  if (name.includes('\\')) return `backslash in entry ${show(name)}`;
  if (name.split('/').includes('..')) return `path traversal entry ${show(name)}`;
  return undefined;
}

class ZipFormatError extends Error {}

async function centralDirectory(src: Source): Promise<{ count: number; offset: number; size: number }> {
  const tailLen = Math.min(src.size, 65_557);
  const tail = await src.read(src.size - tailLen, tailLen);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === 0x06054b50) { at = i; break; }
  if (at < 0) throw new ZipFormatError('no end of central directory: truncated or not a zip');
  let count = tail.readUInt16LE(at + 10);
  let size = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const loc = at - 20; // Zip64 end-of-central-directory locator sits right before
    if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw new ZipFormatError('broken zip64 locator');
    const rec = await src.read(Number(tail.readBigUInt64LE(loc + 8)), 56);
    if (rec.length < 56 || rec.readUInt32LE(0) !== 0x06064b50) throw new ZipFormatError('broken zip64 record');
    count = Number(rec.readBigUInt64LE(32));
    size = Number(rec.readBigUInt64LE(40));
    offset = Number(rec.readBigUInt64LE(48));
  }
  if (offset + size > src.size) throw new ZipFormatError('central directory beyond the end of the file: truncated');
  return { count, offset, size };
}

interface RawEntry extends ArchiveEntry { method: number; localOffset: number; encrypted: boolean; symlink: boolean }

function parseEntries(cd: Buffer, limit: number): RawEntry[] {
  const out: RawEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.length && out.length < limit) {
    if (cd.readUInt32LE(p) !== 0x02014b50) throw new ZipFormatError('corrupt central directory');
    const flags = cd.readUInt16LE(p + 8);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let csize = cd.readUInt32LE(p + 20);
    let usize = cd.readUInt32LE(p + 24);
    let localOffset = cd.readUInt32LE(p + 42);
    const rawName = cd.subarray(p + 46, p + 46 + nameLen);
    // Bit 11: UTF-8 names. Older tools used CP437; latin1 is close enough to judge the path.
    const name = rawName.toString(flags & 0x800 ? 'utf8' : 'latin1');
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) { // Zip64 extended information carries the real sizes
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (usize === 0xffffffff) { usize = Number(cd.readBigUInt64LE(q)); q += 8; }
        if (csize === 0xffffffff) { csize = Number(cd.readBigUInt64LE(q)); q += 8; }
        if (localOffset === 0xffffffff) localOffset = Number(cd.readBigUInt64LE(q));
      }
      e += 4 + len;
    }
    // Made on Unix (high byte 3): the high 16 bits of the external attributes are st_mode.
    const unixMode = cd.readUInt8(p + 5) === 3 ? cd.readUInt32LE(p + 38) >>> 16 : 0;
    out.push({ name, compressedBytes: csize, uncompressedBytes: usize, directory: name.endsWith('/'),
      method: cd.readUInt16LE(p + 10), localOffset, encrypted: (flags & 1) === 1,
      symlink: (unixMode & 0o170000) === 0o120000 });
    p = extraEnd + commentLen;
  }
  return out;
}

async function entryData(src: Source, e: RawEntry, maxCompressed: number): Promise<Buffer> {
  const local = await src.read(e.localOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) return Buffer.alloc(0);
  const start = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  return src.read(start, Math.min(e.compressedBytes, maxCompressed));
}

/** The first bytes of an entry, decompressed as far as they go (enough to recognise a format). */
async function entryHead(src: Source, e: RawEntry): Promise<Buffer> {
  if (e.encrypted || e.uncompressedBytes < 12) return Buffer.alloc(0);
  const data = await entryData(src, e, 16_384);
  if (e.method === 0) return data;
  if (e.method !== 8) return Buffer.alloc(0); // bzip2/lzma/zstd: not recognised by content
  try {
    return inflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 65_536 });
  } catch {
    return Buffer.alloc(0);
  }
}

async function inspectZipSource(src: Source, limits: ArchiveLimits, depth: number, label: string): Promise<ArchiveReport> {
  const report: ArchiveReport = { format: 'zip', entryCount: 0, entries: [], totalUncompressed: 0,
    compressedBytes: src.size, encrypted: false, quarantine: [] };
  const q = (why: string) => { if (report.quarantine.length < 20) report.quarantine.push(why); };
  const dir = await centralDirectory(src);
  report.entryCount = dir.count;
  if (dir.count > limits.maxEntries) {
    q(`too many entries: ${dir.count} (limit ${limits.maxEntries})`);
    return report;
  }
  const entries = parseEntries(await src.read(dir.offset, dir.size), limits.maxEntries);
  for (const e of entries) {
    report.totalUncompressed += e.uncompressedBytes;
    report.encrypted ||= e.encrypted;
    const unsafe = unsafeEntryName(e.name);
    if (unsafe) q(`${label}${unsafe}`);
    if (e.uncompressedBytes > limits.ratioFloorBytes && e.uncompressedBytes > limits.maxRatio * Math.max(1, e.compressedBytes)) {
      q(`${label}entry ${show(e.name)} expands ${Math.round(e.uncompressedBytes / Math.max(1, e.compressedBytes))}× ` +
        `(limit ${limits.maxRatio}×)`);
    }
    if (e.symlink) { // extracting a link that points outside lets later entries write through it
      const target = (await entryHead(src, { ...e, uncompressedBytes: Math.max(e.uncompressedBytes, 12) })).toString('utf8');
      const bad = unsafeEntryName(target.slice(0, e.uncompressedBytes));
      if (bad) q(`${label}link ${show(e.name)} points outside: ${bad}`);
    } else if (!e.directory) {
      const nested = sniff(await entryHead(src, e));
      if (nested?.kind === 'archive') {
        e.nested = nested.format;
        if (depth >= 1) q(`nested archive beyond one level: ${label}${e.name}`);
        else if (nested.format === 'zip' && e.compressedBytes <= limits.maxNestedBytes &&
          e.uncompressedBytes <= limits.maxNestedBytes && (e.method === 0 || e.method === 8)) {
          const raw = await entryData(src, e, limits.maxNestedBytes);
          try {
            const inner = e.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: limits.maxNestedBytes });
            const sub = await inspectZipSource(bufferSource(inner), limits, depth + 1, `${label}${e.name} → `);
            sub.quarantine.forEach(q);
          } catch (err) {
            q(`nested archive ${show(e.name)} could not be inspected: ${(err as Error).message}`);
          }
        }
      }
    }
    if (report.entries.length < 1000) {
      report.entries.push({ name: e.name, compressedBytes: e.compressedBytes, uncompressedBytes: e.uncompressedBytes,
        directory: e.directory, ...(e.nested ? { nested: e.nested } : {}) });
    }
  }
  if (report.totalUncompressed > limits.ratioFloorBytes && report.totalUncompressed > limits.maxRatio * src.size) {
    q(`${label}compression ratio ${Math.round(report.totalUncompressed / src.size)}× (limit ${limits.maxRatio}×)`);
  }
  if (report.totalUncompressed > limits.maxTotalBytes) {
    q(`${label}expands to ${report.totalUncompressed} bytes (limit ${limits.maxTotalBytes})`);
  }
  return report;
}

export class ArchiveUnreadableError extends Error {}

export async function inspectZip(path: string, limits: ArchiveLimits = DEFAULT_LIMITS): Promise<ArchiveReport> {
  const fh = await open(path, 'r');
  try {
    return await inspectZipSource(fileSource(fh, (await stat(path)).size), limits, 0, '');
  } catch (err) {
    if (err instanceof ZipFormatError || err instanceof RangeError) throw new ArchiveUnreadableError(`the zip is unreadable: ${err.message}`, { cause: err });
    throw err;
  } finally {
    await fh.close();
  }
}
