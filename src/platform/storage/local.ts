// Local filesystem backend (the embedded default): objects under <root>/objects/<key>, their
// content type beside them under <root>/meta, multipart uploads under <root>/multipart/<id>.
// Every write goes to a temporary file first and is renamed into place, so readers never
// see half an object. Parts are written straight into one file at their offset (every part
// but the last has the session's part size), so completing an upload is a rename, not a copy.
// A write the disk refuses (ENOSPC, EDQUOT) throws WriteRefused and leaves no temporary file
// behind; a part cut short stays unlisted, and its bytes are reused by the part's retry or
// freed with the upload (see docs/decisions/0012).
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { signedPath } from './signing.ts';
import {
  checkKey, InvalidPart, MAX_PARTS, ObjectNotFound, RangeNotSatisfiable, STREAM_BUFFER_BYTES, UploadNotFound, WriteRefused,
  type ByteRange, type GetResult, type ObjectInfo, type ObjectStore, type UploadedPart,
} from './types.ts';

const DEFAULT_TYPE = 'application/octet-stream';

interface UploadInfo { key: string; partSize: number; contentType: string }

export class LocalStore implements ObjectStore {
  readonly kind = 'local' as const;
  readonly browserOrigin = null;
  private readonly objects: string;
  private readonly meta: string;
  private readonly multipart: string;
  private readonly tmp: string;

  constructor(private readonly root: string, private readonly secret: string, private readonly now: () => Date = () => new Date()) {
    this.objects = path.join(root, 'objects');
    this.meta = path.join(root, 'meta');
    this.multipart = path.join(root, 'multipart');
    this.tmp = path.join(root, 'tmp');
  }

  private objectPath(key: string) { return path.join(this.objects, ...checkKey(key).split('/')); }
  private metaPath(key: string) { return `${path.join(this.meta, ...checkKey(key).split('/'))}.json`; }
  private uploadDir(uploadId: string) {
    if (!/^[\w-]{20,64}$/.test(uploadId)) throw new UploadNotFound(uploadId);
    return path.join(this.multipart, uploadId);
  }
  private async tmpFile() {
    await fs.mkdir(this.tmp, { recursive: true });
    return path.join(this.tmp, randomBytes(12).toString('hex'));
  }
  private async place(tmp: string, key: string, contentType: string) {
    const target = this.objectPath(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.mkdir(path.dirname(this.metaPath(key)), { recursive: true });
    // Renamed into place too: a full disk must not leave a truncated content-type file.
    const meta = `${tmp}.meta`;
    try {
      await fs.writeFile(meta, JSON.stringify({ contentType }));
      await fs.rename(meta, this.metaPath(key));
    } catch (err) {
      await fs.rm(meta, { force: true });
      throw err;
    }
    await fs.rename(tmp, target);
  }

  async put(key: string, body: Readable | Uint8Array, opts: { contentType?: string; contentLength?: number } = {}) {
    const tmp = await this.tmpFile().catch((err: unknown) => { throw refusal(err); });
    try {
      const counter = byteCounter();
      await pipeline(body instanceof Uint8Array ? Readable.from([body]) : body, counter, createWriteStream(tmp, { highWaterMark: STREAM_BUFFER_BYTES }));
      if (opts.contentLength !== undefined && counter.bytes !== opts.contentLength) {
        throw new InvalidPart(`Expected ${opts.contentLength} bytes, received ${counter.bytes}`);
      }
      await this.place(tmp, key, opts.contentType ?? DEFAULT_TYPE);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw refusal(err);
    }
    const info = (await this.head(key))!;
    return { etag: info.etag, size: info.size };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const stat = await fs.stat(this.objectPath(key)).catch(() => null);
    if (!stat?.isFile()) return null;
    const meta = await fs.readFile(this.metaPath(key), 'utf8').then((s) => JSON.parse(s) as { contentType?: string }).catch(() => ({}) as { contentType?: string });
    // Size and modification time identify a version: every write replaces the file by rename.
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs * 1000).toString(16)}-${stat.ino.toString(16)}"`;
    return { key, size: stat.size, etag, contentType: meta.contentType ?? DEFAULT_TYPE, lastModified: stat.mtime };
  }

  async get(key: string, opts: { range?: ByteRange } = {}): Promise<GetResult> {
    const info = await this.head(key);
    if (!info) throw new ObjectNotFound(key);
    let range: { start: number; end: number } | undefined;
    if (opts.range) {
      if (opts.range.start >= info.size) throw new RangeNotSatisfiable(info.size);
      range = { start: opts.range.start, end: Math.min(opts.range.end ?? info.size - 1, info.size - 1) };
    }
    const body = createReadStream(this.objectPath(key), range ? { start: range.start, end: range.end } : {});
    const contentLength = range ? range.end - range.start + 1 : info.size;
    return { body, contentLength, size: info.size, etag: info.etag, contentType: info.contentType, range };
  }

  async delete(key: string) {
    await fs.rm(this.objectPath(key), { force: true });
    await fs.rm(this.metaPath(key), { force: true });
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    // Walk only the deepest directory the prefix names, then filter by the full prefix.
    const dirKey = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = dirKey ? path.join(this.objects, ...checkKey(dirKey).split('/')) : this.objects;
    const keys: string[] = [];
    const walk = async (dir: string, rel: string) => {
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const k = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(path.join(dir, e.name), k);
        else if (k.startsWith(prefix)) keys.push(k);
      }
    };
    await walk(start, dirKey);
    const infos = await Promise.all(keys.sort().map((k) => this.head(k)));
    return infos.filter((i): i is ObjectInfo => i !== null);
  }

  async copy(fromKey: string, toKey: string) {
    const info = await this.head(fromKey);
    if (!info) throw new ObjectNotFound(fromKey);
    const tmp = await this.tmpFile().catch((err: unknown) => { throw refusal(err); });
    try {
      await fs.copyFile(this.objectPath(fromKey), tmp); // copy_file_range / reflink where supported
      await this.place(tmp, toKey, info.contentType);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw refusal(err);
    }
  }

  async presignGet(key: string, opts: { expiresInSeconds: number; downloadName?: string; contentType?: string; viewerId?: string }) {
    return signedPath(this.secret, { purpose: 'get', key: checkKey(key), expires: this.expiry(opts.expiresInSeconds), ...pickDefined(opts) });
  }

  async presignPut(key: string, opts: { expiresInSeconds: number; contentType?: string }) {
    return signedPath(this.secret, { purpose: 'put', key: checkKey(key), expires: this.expiry(opts.expiresInSeconds), contentType: opts.contentType });
  }

  private expiry(seconds: number) { return Math.floor(this.now().getTime() / 1000) + seconds; }

  async createMultipart(key: string, opts: { contentType?: string; partSize: number; size?: number }) {
    checkKey(key);
    const uploadId = randomBytes(18).toString('base64url');
    const dir = this.uploadDir(uploadId);
    try {
      await fs.mkdir(path.join(dir, 'parts'), { recursive: true });
      if (opts.size !== undefined) {
        // Parts fill a sparse file, so the whole size must still be free on this disk. Other
        // writes can take the room later: the parts' own writes stay the real check.
        const free = await this.freeBytes();
        if (free < opts.size) throw new WriteRefused(true, `${opts.size} bytes needed, ${free} free on the storage disk`);
      }
      await fs.writeFile(path.join(dir, 'data'), '');
      const info: UploadInfo = { key, partSize: opts.partSize, contentType: opts.contentType ?? DEFAULT_TYPE };
      await fs.writeFile(path.join(dir, 'info.json'), JSON.stringify(info));
    } catch (err) {
      await fs.rm(dir, { recursive: true, force: true });
      throw refusal(err);
    }
    return uploadId;
  }

  /** Bytes an unprivileged writer may still use on the storage disk. */
  private async freeBytes() {
    const s = await fs.statfs(this.root);
    return s.bavail * s.bsize;
  }

  private async uploadInfo(key: string, uploadId: string): Promise<UploadInfo> {
    const raw = await fs.readFile(path.join(this.uploadDir(uploadId), 'info.json'), 'utf8').catch(() => null);
    const info = raw ? (JSON.parse(raw) as UploadInfo) : null;
    if (!info || info.key !== key) throw new UploadNotFound(uploadId);
    return info;
  }

  async presignPart(key: string, uploadId: string, partNumber: number, opts: { expiresInSeconds: number }) {
    return signedPath(this.secret, { purpose: 'part', key: checkKey(key), expires: this.expiry(opts.expiresInSeconds), uploadId, partNumber });
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Readable, contentLength: number): Promise<UploadedPart> {
    const info = await this.uploadInfo(key, uploadId);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) throw new InvalidPart(`Part numbers run from 1 to ${MAX_PARTS}`);
    if (!Number.isInteger(contentLength) || contentLength < 0 || contentLength > info.partSize) {
      throw new InvalidPart(`A part is at most ${info.partSize} bytes`);
    }
    const dir = this.uploadDir(uploadId);
    const counter = byteCounter(contentLength);
    // Streams straight into the assembled file at this part's offset: nothing is buffered.
    // Bytes of a part cut short (a full disk, a dropped connection) stay unlisted; the part's
    // retry writes over them. They are not punched out: a retry of the same part may already
    // be writing there (see docs/decisions/0012).
    await pipeline(body, counter, createWriteStream(path.join(dir, 'data'), { flags: 'r+', start: (partNumber - 1) * info.partSize, highWaterMark: STREAM_BUFFER_BYTES }))
      .catch((err: unknown) => { throw refusal(err); });
    if (counter.bytes !== contentLength) throw new InvalidPart(`Expected ${contentLength} bytes, received ${counter.bytes}`);
    const part: UploadedPart = { partNumber, size: contentLength, etag: `"${randomBytes(12).toString('hex')}"` };
    // Recorded only after the bytes are on disk, so a listed part is always a complete part.
    const tmp = await this.tmpFile().catch((err: unknown) => { throw refusal(err); });
    try {
      await fs.writeFile(tmp, JSON.stringify(part));
      await fs.rename(tmp, path.join(dir, 'parts', String(partNumber)));
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw refusal(err);
    }
    return part;
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    await this.uploadInfo(key, uploadId);
    const dir = path.join(this.uploadDir(uploadId), 'parts');
    const names = await fs.readdir(dir);
    const parts = await Promise.all(names.map(async (n) => JSON.parse(await fs.readFile(path.join(dir, n), 'utf8')) as UploadedPart));
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]) {
    const info = await this.uploadInfo(key, uploadId);
    const stored = new Map((await this.listParts(key, uploadId)).map((p) => [p.partNumber, p]));
    if (parts.length === 0) throw new InvalidPart('An upload needs at least one part');
    let total = 0;
    parts.forEach((p, i) => {
      const s = stored.get(p.partNumber);
      if (p.partNumber !== i + 1 || !s || s.etag !== p.etag) throw new InvalidPart(`Part ${i + 1} is missing or has changed`);
      if (i < parts.length - 1 && s.size !== info.partSize) throw new InvalidPart(`Part ${p.partNumber} is smaller than the part size`);
      total += s.size;
    });
    const dir = this.uploadDir(uploadId);
    try {
      await fs.truncate(path.join(dir, 'data'), total); // drops bytes of any later, unlisted parts
      await this.place(path.join(dir, 'data'), key, info.contentType);
    } catch (err) {
      throw refusal(err); // the upload and its parts are still there: completing again works
    }
    await fs.rm(dir, { recursive: true, force: true });
    const head = (await this.head(key))!;
    return { etag: head.etag, size: head.size };
  }

  async abortMultipart(_key: string, uploadId: string) {
    await fs.rm(this.uploadDir(uploadId), { recursive: true, force: true });
  }

  async ping() {
    try {
      await fs.mkdir(this.tmp, { recursive: true });
      await fs.access(this.tmp, fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }
}

/** A disk that has no room (or quota) left, as WriteRefused; any other error as it is. */
function refusal(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') return new WriteRefused(true, 'no space left on the storage disk', { cause: err });
  if (code === 'EDQUOT') return new WriteRefused(true, 'the storage disk quota is used up', { cause: err });
  return err;
}

/** Counts bytes passing through; with a limit, fails as soon as more arrive than declared. */
function byteCounter(limit?: number) {
  const t = new Transform({
    highWaterMark: STREAM_BUFFER_BYTES,
    transform(chunk: Buffer, _enc, cb) {
      t.bytes += chunk.length;
      if (limit !== undefined && t.bytes > limit) cb(new InvalidPart(`More than the declared ${limit} bytes were sent`));
      else cb(null, chunk);
    },
  }) as Transform & { bytes: number };
  t.bytes = 0;
  return t;
}

function pickDefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'expiresInSeconds')) as Partial<T>;
}
