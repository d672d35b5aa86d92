// The object store every module uses: one small interface, two backends (local filesystem,
// any S3-compatible service) chosen by config in createStore(), never by callers.
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  contentType: string;
  lastModified: Date;
}

export interface ByteRange {
  start: number;
  /** Inclusive; omitted = to the end. */
  end?: number;
}

export interface GetResult {
  body: Readable;
  /** Bytes in this response (the range's length when a range was asked for). */
  contentLength: number;
  /** The whole object's size. */
  size: number;
  etag: string;
  contentType: string;
  /** Present when a range was served: the inclusive byte positions. */
  range?: { start: number; end: number };
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
  size: number;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Served as Content-Disposition: attachment; filename=… */
  downloadName?: string;
  contentType?: string;
  /** Binds a signed URL to the account it was issued to (local backend: part of the HMAC). */
  viewerId?: string;
}

export interface ObjectStore {
  readonly kind: 'local' | 's3';
  /**
   * Origin (scheme://host[:port]) browsers must be allowed to talk to for signed URLs, or null
   * when signed URLs are served by the app itself (same origin).
   */
  readonly browserOrigin: string | null;
  put(key: string, body: Readable | Uint8Array, opts?: { contentType?: string; contentLength?: number }): Promise<{ etag: string; size: number }>;
  /** Throws ObjectNotFound for a missing key, RangeNotSatisfiable for a range past the end. */
  get(key: string, opts?: { range?: ByteRange }): Promise<GetResult>;
  head(key: string): Promise<ObjectInfo | null>;
  /** Idempotent: deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Server-side copy (no bytes through this process where the backend allows it). */
  copy(fromKey: string, toKey: string): Promise<void>;
  presignGet(key: string, opts: PresignGetOptions): Promise<string>;
  presignPut(key: string, opts: { expiresInSeconds: number; contentType?: string }): Promise<string>;

  // Multipart (resumable) uploads. Every part but the last is exactly partSize bytes.
  /**
   * `size`, when known, lets a store with a disk it can see (the local backend) refuse at once
   * with WriteRefused when the whole upload cannot fit, before any byte is sent.
   */
  createMultipart(key: string, opts: { contentType?: string; partSize: number; size?: number }): Promise<string>;
  presignPart(key: string, uploadId: string, partNumber: number, opts: { expiresInSeconds: number }): Promise<string>;
  /** Uploads one part through this process (the local backend's part URLs end up here). */
  uploadPart(key: string, uploadId: string, partNumber: number, body: Readable, contentLength: number): Promise<UploadedPart>;
  listParts(key: string, uploadId: string): Promise<UploadedPart[]>;
  completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<{ etag: string; size: number }>;
  abortMultipart(key: string, uploadId: string): Promise<void>;

  /** Cheap reachability probe for /readyz. */
  ping(): Promise<boolean>;
}

export class ObjectNotFound extends Error {
  constructor(readonly key: string) { super(`No object at ${key}`); }
}

export class RangeNotSatisfiable extends Error {
  constructor(readonly size: number) { super('Range not satisfiable'); }
}

export class UploadNotFound extends Error {
  constructor(readonly uploadId: string) { super(`No multipart upload ${uploadId}`); }
}

/** The store does not implement this operation (e.g. a test server without ListParts). */
export class NotSupported extends Error {}

/** A part or completion that breaks the multipart rules (wrong size, missing part, bad ETag). */
export class InvalidPart extends Error {}

/**
 * Storage would not keep the bytes of a write. `full` when it said why: no space or quota left
 * (ENOSPC/EDQUOT from the local disk; 507 or a storage-full code from an S3 store). Otherwise an
 * S3 store answered the write with a server error and no reason; some stores answer a full disk
 * that way (a bare 500 InternalError), so callers say it may be full or briefly unavailable.
 * Whatever the write was, nothing of it is visible under its key afterwards on the local
 * backend; on S3 the store's own write rules apply (callers delete keys that were theirs alone).
 */
export class WriteRefused extends Error {
  /** `detail`: a few words for people ("no space left on the storage disk", "storage answered 500 InternalError"). */
  constructor(readonly full: boolean, readonly detail: string, options?: { cause?: unknown }) {
    super(full ? `Storage is full: ${detail}` : `Storage refused the write: ${detail}`, options);
    this.name = 'WriteRefused';
  }
}

export const MAX_PARTS = 10_000;

/**
 * How much an upload's streams (request → byte counter → file) may hold in flight. With Node's
 * 16 KiB default each 64 KiB chunk from the socket waited for its disk write before the next
 * was read; 1 MiB lets reading and writing overlap (a 1 GiB upload: 2.7 s of parts → 1.7–2.1 s
 * on a 2-core machine), a few MiB per upload at most.
 */
export const STREAM_BUFFER_BYTES = 1024 * 1024;

/**
 * Keys are ours (built by one function per module), but we still refuse anything that could
 * escape a directory or confuse a URL: no empty, dot or dot-dot segments, no backslashes or
 * control characters.
 */
export function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 900
    || key.split('/').some((s) => s === '' || s === '.' || s === '..' || s.startsWith('.'))
    || /[\\\u0000-\u001f\u007f]/.test(key)) {
    throw new Error(`Invalid object key: ${JSON.stringify(key).slice(0, 100)}`);
  }
  return key;
}
