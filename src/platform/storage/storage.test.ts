// One contract, two backends: the local filesystem store (signed URLs served by the app's
// /storage route) and the S3 store against a real S3 protocol server that checks SigV4.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { startS3, type TestS3 } from '../../../test/support/s3.ts';
import { parseConfig } from '../config.ts';
import { createStore, InvalidPart, LocalStore, NotSupported, ObjectNotFound, RangeNotSatisfiable, S3Store, storageRoutes, UploadNotFound, type ObjectStore } from './index.ts';

const SECRET = 'storage-contract-test-secret-0123456789';
const MiB = 1024 * 1024;

interface Backend { store: ObjectStore; fetch(url: string, init?: RequestInit): Promise<Response>; close(): Promise<void> }

async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const backends: Record<string, () => Promise<Backend>> = {
  local: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'makenot-store-'));
    const config = parseConfig({ APP_ENV: 'test', DATA_DIR: dir, APP_SECRET: SECRET });
    const store = createStore(config);
    assert.ok(store instanceof LocalStore);
    const app = storageRoutes({ store, secret: SECRET, now: () => new Date() });
    return { store, fetch: async (url, init) => app.request(url, init), close: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  },
  s3: async () => {
    const s3: TestS3 = await startS3();
    const store = createStore(parseConfig({ APP_ENV: 'test', APP_SECRET: SECRET, ...s3.env }));
    assert.ok(store instanceof S3Store);
    return { store, fetch: (url, init) => fetch(url, init), close: async () => { (store as S3Store).destroy(); await s3.close(); } };
  },
};

for (const [name, open] of Object.entries(backends)) {
  describe(`object store contract: ${name}`, () => {
    let b: Backend;
    let store: ObjectStore;
    before(async () => { b = await open(); store = b.store; });
    after(() => b.close());

    test('put, head, get, delete; missing keys are clear', async () => {
      const body = Buffer.from('hello, storage 🎧');
      await store.put('t/one.txt', body, { contentType: 'text/plain; charset=utf-8' });
      const head = await store.head('t/one.txt');
      assert.equal(head?.size, body.length);
      assert.equal(head?.contentType, 'text/plain; charset=utf-8');
      assert.ok(head?.etag);
      const got = await store.get('t/one.txt');
      assert.equal(got.size, body.length);
      assert.deepEqual(await readAll(got.body), body);
      await store.delete('t/one.txt');
      await store.delete('t/one.txt'); // idempotent
      assert.equal(await store.head('t/one.txt'), null);
      await assert.rejects(store.get('t/one.txt'), ObjectNotFound);
      assert.equal(await store.ping(), true);
    });

    test('streams in, byte ranges out, list by prefix, server-side copy', async () => {
      const data = randomBytes(300_000);
      await store.put('r/data.bin', Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), { contentLength: data.length });
      const mid = await store.get('r/data.bin', { range: { start: 10, end: 19 } });
      assert.equal(mid.contentLength, 10);
      assert.deepEqual(mid.range, { start: 10, end: 19 });
      assert.deepEqual(await readAll(mid.body), data.subarray(10, 20));
      const tail = await store.get('r/data.bin', { range: { start: 299_990 } });
      assert.deepEqual(await readAll(tail.body), data.subarray(299_990));
      await assert.rejects(store.get('r/data.bin', { range: { start: 300_000 } }), RangeNotSatisfiable);

      await store.put('r/other.bin', Buffer.from('x'));
      await store.put('rx/not-me.bin', Buffer.from('y'));
      await store.copy('r/data.bin', 'r/copy/data.bin');
      const listed = (await store.list('r/')).map((o) => o.key).sort();
      assert.deepEqual(listed, ['r/copy/data.bin', 'r/data.bin', 'r/other.bin']);
      assert.deepEqual(await readAll((await store.get('r/copy/data.bin')).body), data);
    });

    test('presigned GET: Range/206, ETag/304, download name; tampered and expired URLs are refused', async () => {
      const data = randomBytes(5000);
      await store.put('p/song.bin', data, { contentType: 'audio/ogg' });
      const url = await store.presignGet('p/song.bin', { expiresInSeconds: 60, downloadName: 'Track 01: intro.ogg' });
      const whole = await b.fetch(url);
      assert.equal(whole.status, 200);
      assert.deepEqual(Buffer.from(await whole.arrayBuffer()), data);
      assert.equal(whole.headers.get('content-disposition'), 'attachment; filename="Track 01: intro.ogg"');
      const etag = whole.headers.get('etag')!;
      const part = await b.fetch(url, { headers: { range: 'bytes=100-199' } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), 'bytes 100-199/5000');
      assert.deepEqual(Buffer.from(await part.arrayBuffer()), data.subarray(100, 200));
      const cached = await b.fetch(url, { headers: { 'if-none-match': etag } });
      assert.equal(cached.status, 304);

      await store.put('p/secret.bin', Buffer.from('not yours'));
      const otherKey = url.replace('p/song.bin', 'p/secret.bin');
      assert.equal((await b.fetch(otherKey)).status, 403, 'a signature for one key does not open another');
      const forged = url.replace(/(sig|X-Amz-Signature)=([0-9a-zA-Z_-])/, (_m, k: string, c: string) => `${k}=${c === 'a' ? 'b' : 'a'}`);
      assert.notEqual(forged, url);
      assert.equal((await b.fetch(forged)).status, 403, 'a forged signature is refused');
      const short = await store.presignGet('p/song.bin', { expiresInSeconds: 1 });
      await new Promise((r) => setTimeout(r, 2100));
      assert.equal((await b.fetch(short)).status, 403, 'an expired URL is refused');
    });

    test('presigned PUT stores the body under exactly that key', async () => {
      const url = await store.presignPut('u/put.txt', { expiresInSeconds: 60 });
      const res = await b.fetch(url, { method: 'PUT', body: 'uploaded directly', headers: { 'content-length': '17' } });
      assert.equal(res.status, 200);
      assert.equal((await readAll((await store.get('u/put.txt')).body)).toString(), 'uploaded directly');
    });

    test('multipart: presigned and direct parts, completed in order', async () => {
      const partSize = 5 * MiB; // S3's minimum for every part but the last
      const data = randomBytes(partSize + 1234);
      const id = await store.createMultipart('m/big.bin', { partSize, contentType: 'application/zip' });
      const url = await store.presignPart('m/big.bin', id, 1, { expiresInSeconds: 60 });
      const put = await b.fetch(url, { method: 'PUT', body: data.subarray(0, partSize), headers: { 'content-length': String(partSize) } });
      assert.equal(put.status, 200);
      const etag1 = put.headers.get('etag')!;
      assert.ok(etag1);
      const p2 = await store.uploadPart('m/big.bin', id, 2, Readable.from([data.subarray(partSize)]), 1234);
      const done = await store.completeMultipart('m/big.bin', id, [{ partNumber: 1, etag: etag1 }, { partNumber: 2, etag: p2.etag }]);
      assert.equal(done.size, data.length);
      const head = await store.head('m/big.bin');
      assert.equal(head?.size, data.length);
      assert.deepEqual(await readAll((await store.get('m/big.bin')).body), data);
    });

    if (name === 'local') {
      // s3rver mis-signs the apostrophe that RFC 6266's filename* needs; AWS signs it fine.
      test('a non-ASCII download name is sent exactly (RFC 6266 filename*)', async () => {
        await store.put('p/named.bin', Buffer.from('x'));
        const res = await b.fetch(await store.presignGet('p/named.bin', { expiresInSeconds: 60, downloadName: 'Zoë: 🎧 مرحبا.ogg' }));
        assert.match(res.headers.get('content-disposition') ?? '', /filename\*=UTF-8''Zo%C3%AB%3A%20%F0%9F%8E%A7%20%D9%85/);
        assert.match(res.headers.get('content-security-policy') ?? '', /sandbox/, 'uploaded bytes never run as our pages');
      });
      test('multipart: parts are listed for resuming, bad completions refused, abort removes everything', async () => {
        const id = await store.createMultipart('m/resume.bin', { partSize: 1000 });
        const p1 = await store.uploadPart('m/resume.bin', id, 1, Readable.from([randomBytes(1000)]), 1000);
        await store.uploadPart('m/resume.bin', id, 3, Readable.from([randomBytes(10)]), 10);
        assert.deepEqual((await store.listParts('m/resume.bin', id)).map((p) => [p.partNumber, p.size]), [[1, 1000], [3, 10]]);
        await assert.rejects(store.uploadPart('m/resume.bin', id, 2, Readable.from([randomBytes(1001)]), 1001), InvalidPart);
        await assert.rejects(store.uploadPart('m/resume.bin', id, 2, Readable.from([randomBytes(999)]), 1000), InvalidPart, 'a short body is not a part');
        await assert.rejects(store.completeMultipart('m/resume.bin', id, [{ partNumber: 1, etag: p1.etag }, { partNumber: 3, etag: 'x' }]), InvalidPart);
        await store.abortMultipart('m/resume.bin', id);
        await store.abortMultipart('m/resume.bin', id); // idempotent
        await assert.rejects(store.listParts('m/resume.bin', id), UploadNotFound);
        assert.equal(await store.head('m/resume.bin'), null);
      });
    } else {
      // @20minutes/s3rver implements neither ListParts nor AbortMultipartUpload; AWS, MinIO,
      // Garage and Ceph do. Here we check the store's refusal surfaces instead of being hidden.
      test('multipart: the test server\'s missing ListParts/Abort are reported, not swallowed', async () => {
        const id = await store.createMultipart('m/unsupported.bin', { partSize: 5 * MiB });
        await assert.rejects(store.listParts('m/unsupported.bin', id), NotSupported);
        await assert.rejects(store.abortMultipart('m/unsupported.bin', id), NotSupported);
      });
    }
  });
}
