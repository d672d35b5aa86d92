// Any S3-compatible store (AWS, MinIO, Garage, Ceph, R2…) through the official SDK. Presigned
// URLs are the store's own (SigV4), so browsers upload parts and stream media straight from it.
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand,
  DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, ListPartsCommand,
  PutObjectCommand, S3Client, S3ServiceException, UploadPartCommand, UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import {
  checkKey, InvalidPart, NotSupported, ObjectNotFound, RangeNotSatisfiable, UploadNotFound, WriteRefused,
  type ByteRange, type GetResult, type ObjectInfo, type ObjectStore, type PresignGetOptions, type UploadedPart,
} from './types.ts';

export interface S3Settings {
  endpoint: string | null;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

const COPY_LIMIT = 5 * 1024 ** 3; // CopyObject's own limit; larger objects copy part by part
const COPY_PART = 1024 ** 3;

export class S3Store implements ObjectStore {
  readonly kind = 's3' as const;
  readonly browserOrigin: string | null;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(s: S3Settings) {
    this.bucket = s.bucket;
    this.client = new S3Client({
      region: s.region,
      endpoint: s.endpoint ?? undefined,
      forcePathStyle: s.forcePathStyle,
      credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
      // Checksums only where the API demands them: many S3-compatible stores reject the newer
      // flexible-checksum headers, and presigned part URLs must not require one from browsers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
    // Bucket-level requests (list, head) go to "/bucket", not "/bucket/": both mean the same to
    // AWS, but some S3-compatible servers sign the canonical path without the slash and refuse
    // the request (seen with s3rver). Runs before signing, so the signature covers the result.
    this.client.middlewareStack.add((next) => async (args) => {
      const req = args.request as { path?: string };
      if (s.forcePathStyle && req?.path === `/${s.bucket}/`) req.path = `/${s.bucket}`;
      return next(args);
    }, { step: 'build', name: 'bucketPathWithoutSlash' });
    this.browserOrigin = s.endpoint ? new URL(s.endpoint).origin : `https://${s.bucket}.s3.${s.region}.amazonaws.com`;
  }

  async put(key: string, body: Readable | Uint8Array, opts: { contentType?: string; contentLength?: number } = {}) {
    checkKey(key);
    try {
      return await this.putObject(key, body, opts);
    } catch (err) {
      throw writeRefusal(err);
    }
  }

  private async putObject(key: string, body: Readable | Uint8Array, opts: { contentType?: string; contentLength?: number }) {
    if (body instanceof Uint8Array || opts.contentLength !== undefined) {
      const out = await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: opts.contentType, ContentLength: opts.contentLength ?? (body as Uint8Array).length }));
      return { etag: out.ETag ?? '', size: opts.contentLength ?? (body as Uint8Array).length };
    }
    // Unknown length: lib-storage splits the stream into parts (bounded memory).
    const out = await new Upload({ client: this.client, params: { Bucket: this.bucket, Key: key, Body: body, ContentType: opts.contentType } }).done();
    const head = await this.head(key);
    return { etag: out.ETag ?? head?.etag ?? '', size: head?.size ?? 0 };
  }

  async get(key: string, opts: { range?: ByteRange } = {}): Promise<GetResult> {
    const r = opts.range;
    try {
      const out = await this.client.send(new GetObjectCommand({
        Bucket: this.bucket, Key: checkKey(key), Range: r ? `bytes=${r.start}-${r.end ?? ''}` : undefined,
      }));
      const total = out.ContentRange ? Number(/\/(\d+)$/.exec(out.ContentRange)?.[1]) : Number(out.ContentLength);
      const m = out.ContentRange ? /bytes (\d+)-(\d+)\//.exec(out.ContentRange) : null;
      return {
        body: out.Body as Readable, contentLength: Number(out.ContentLength), size: total, etag: out.ETag ?? '',
        contentType: out.ContentType ?? 'application/octet-stream', range: m ? { start: Number(m[1]), end: Number(m[2]) } : undefined,
      };
    } catch (err) {
      if (isStatus(err, 404)) throw new ObjectNotFound(key);
      if (isStatus(err, 416)) throw new RangeNotSatisfiable((await this.head(key))?.size ?? 0);
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
      return { key, size: Number(out.ContentLength), etag: out.ETag ?? '', contentType: out.ContentType ?? 'application/octet-stream', lastModified: out.LastModified ?? new Date(0) };
    } catch (err) {
      if (isStatus(err, 404)) return null;
      throw err;
    }
  }

  async delete(key: string) {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        out.push({ key: o.Key!, size: Number(o.Size), etag: o.ETag ?? '', contentType: 'application/octet-stream', lastModified: o.LastModified ?? new Date(0) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async copy(fromKey: string, toKey: string) {
    const info = await this.head(fromKey);
    if (!info) throw new ObjectNotFound(fromKey);
    const source = `${this.bucket}/${checkKey(fromKey).split('/').map(encodeURIComponent).join('/')}`;
    if (info.size <= COPY_LIMIT) {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: checkKey(toKey), CopySource: source, ContentType: info.contentType, MetadataDirective: 'REPLACE' }))
        .catch((err: unknown) => { throw writeRefusal(err); });
      return;
    }
    const uploadId = await this.createMultipart(toKey, { contentType: info.contentType, partSize: COPY_PART });
    try {
      const parts: { partNumber: number; etag: string }[] = [];
      for (let start = 0, n = 1; start < info.size; start += COPY_PART, n++) {
        const end = Math.min(start + COPY_PART, info.size) - 1;
        const out = await this.client.send(new UploadPartCopyCommand({ Bucket: this.bucket, Key: toKey, UploadId: uploadId, PartNumber: n, CopySource: source, CopySourceRange: `bytes=${start}-${end}` }))
          .catch((err: unknown) => { throw writeRefusal(err); });
        parts.push({ partNumber: n, etag: out.CopyPartResult?.ETag ?? '' });
      }
      await this.completeMultipart(toKey, uploadId, parts);
    } catch (err) {
      await this.abortMultipart(toKey, uploadId).catch(() => {});
      throw err;
    }
  }

  async presignGet(key: string, opts: PresignGetOptions) {
    // The viewer is not part of an S3 signature; short expiries bound what a shared URL gives.
    return getSignedUrl(this.client, new GetObjectCommand({
      Bucket: this.bucket, Key: checkKey(key), ResponseContentType: opts.contentType,
      ResponseContentDisposition: opts.downloadName ? contentDisposition(opts.downloadName) : undefined,
    }), { expiresIn: opts.expiresInSeconds });
  }

  async presignPut(key: string, opts: { expiresInSeconds: number; contentType?: string }) {
    return getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: checkKey(key), ContentType: opts.contentType }), { expiresIn: opts.expiresInSeconds });
  }

  async createMultipart(key: string, opts: { contentType?: string; partSize: number; size?: number }) {
    // The store's free space is not visible through S3: its parts' and completion's answers tell.
    const out = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: checkKey(key), ContentType: opts.contentType }))
      .catch((err: unknown) => { throw writeRefusal(err); });
    return out.UploadId!;
  }

  async presignPart(key: string, uploadId: string, partNumber: number, opts: { expiresInSeconds: number }) {
    return getSignedUrl(this.client, new UploadPartCommand({ Bucket: this.bucket, Key: checkKey(key), UploadId: uploadId, PartNumber: partNumber }), { expiresIn: opts.expiresInSeconds });
  }

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Readable, contentLength: number): Promise<UploadedPart> {
    try {
      const out = await this.client.send(new UploadPartCommand({ Bucket: this.bucket, Key: checkKey(key), UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: contentLength }));
      return { partNumber, etag: out.ETag ?? '', size: contentLength };
    } catch (err) {
      if (isStatus(err, 404)) throw new UploadNotFound(uploadId);
      throw writeRefusal(err);
    }
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    const parts: UploadedPart[] = [];
    let marker: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListPartsCommand({ Bucket: this.bucket, Key: checkKey(key), UploadId: uploadId, PartNumberMarker: marker }));
        for (const p of page.Parts ?? []) parts.push({ partNumber: p.PartNumber!, etag: p.ETag ?? '', size: Number(p.Size) });
        marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
      } while (marker);
    } catch (err) {
      if (isStatus(err, 404)) throw new UploadNotFound(uploadId);
      if (isStatus(err, 405) || isStatus(err, 501)) throw new NotSupported(`This S3 store does not implement ListParts: ${(err as Error).message}`);
      throw err;
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]) {
    try {
      const out = await this.client.send(new CompleteMultipartUploadCommand({
        Bucket: this.bucket, Key: checkKey(key), UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }));
      const head = await this.head(key);
      return { etag: out.ETag ?? head?.etag ?? '', size: head?.size ?? 0 };
    } catch (err) {
      if (isStatus(err, 404)) throw new UploadNotFound(uploadId);
      if (isStatus(err, 400)) throw new InvalidPart((err as Error).message);
      throw writeRefusal(err);
    }
  }

  async abortMultipart(key: string, uploadId: string) {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: checkKey(key), UploadId: uploadId }));
    } catch (err) {
      if (isStatus(err, 405) || isStatus(err, 501)) throw new NotSupported(`This S3 store does not implement AbortMultipartUpload: ${(err as Error).message}`);
      if (!isStatus(err, 404)) throw err; // already gone: aborting is idempotent
    }
  }

  async ping() {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: AbortSignal.timeout(2000) });
      return true;
    } catch {
      return false;
    }
  }

  destroy() { this.client.destroy(); }
}

function statusOf(err: unknown): number | undefined {
  return err instanceof S3ServiceException ? err.$metadata.httpStatusCode : (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isStatus(err: unknown, status: number): boolean {
  return statusOf(err) === status;
}

/** Error codes S3-compatible stores answer a write with when they have no room left. */
const FULL_CODES = new Set(['XMinioStorageFull', 'InsufficientStorage', 'QuotaExceeded', 'XMinioAdminBucketQuotaExceeded']);

/**
 * The store's answer to a write, as WriteRefused when it is a refusal: full when the store says
 * so (507, a storage-full code, or a message naming the full disk, as MinIO's 500s do), or any
 * other server error. Client errors and unreachable stores pass through unchanged.
 */
function writeRefusal(err: unknown): unknown {
  const status = statusOf(err);
  if (status === undefined) return err;
  const code = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  const detail = `storage answered ${status}${code && code !== 'Error' ? ` ${code}` : ''}`.slice(0, 120);
  if (status === 507 || FULL_CODES.has(code) || /no space left|storage (is )?full|disk (is )?full|quota exceeded/i.test(message)) {
    return new WriteRefused(true, detail, { cause: err });
  }
  return status >= 500 ? new WriteRefused(false, detail, { cause: err }) : err;
}

/** RFC 6266: an ASCII name, plus the exact UTF-8 name when it is not plain ASCII. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  if (ascii === name) return `attachment; filename="${ascii}"`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
