// Resumable uploads through the real app, run once per storage backend (the local filesystem,
// and a real S3 protocol server that checks SigV4): start, part URLs, parts, resume, complete →
// processing job → ready; limits, ownership, wrong sizes, abort, cleanup, reprocess, a real
// audio file. Where the backends differ by capability (s3rver implements neither ListParts nor
// AbortMultipartUpload, as some S3-compatible stores don't), the test says which behaviour it
// expects; the contract for the creator is the same.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { startS3, type TestS3 } from '../../../test/support/s3.ts';
import { api, creatorWithItem, putPart } from '../../../test/support/uploads.ts';
import type { TestUser } from '../../../test/support/factories.ts';
import { enqueueJob } from '../../platform/queue.ts';
import { UploadNotFound, NotSupported } from '../../platform/storage/index.ts';
import { storageUsed, UPLOADS_CLEANUP_JOB } from './uploads-service.ts';

const MiB = 1024 * 1024;

for (const backend of ['local', 's3'] as const) {
  describe(`uploads on the ${backend} backend`, () => {
    let t: TestApp;
    let s3: TestS3 | undefined;
    before(async () => {
      s3 = backend === 's3' ? await startS3() : undefined;
      t = await createTestApp(s3?.env ?? {});
    });
    after(async () => {
      await t.close();
      await s3?.close();
    });
    /** s3rver has no ListParts and no AbortMultipartUpload. */
    const listsParts = backend === 'local';

    async function jobCount(fileId: string) {
      const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE payload->>'fileId' = ${fileId}`.execute(t.deps.db);
      return r.rows[0]!.n;
    }
    async function sendPart(url: string, body: Uint8Array) {
      const res = await putPart(t, url, body);
      assert.equal(res.status, 200, await res.text());
      return res.headers.get('etag') ?? '';
    }
    /** Complete as the uploader does: with the ETags it collected (stores without ListParts need them). */
    const complete = (user: TestUser, id: string, etags: string[]) =>
      api(user, 'POST', `/api/uploads/${id}/complete`, { parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })) });
    async function oneShot(user: TestUser, itemId: string, name: string, data: Uint8Array) {
      const s = await api(user, 'POST', '/api/uploads', { fileName: name, size: data.length, itemId });
      assert.equal(s.status, 201, JSON.stringify(s.json));
      const [p] = (await api(user, 'POST', `/api/uploads/${s.json.id}/part-urls`, { partNumbers: [1] })).json.parts;
      const etag = await sendPart(p.url, data);
      assert.equal((await complete(user, s.json.id, [etag])).status, 200);
      return s.json.id as string;
    }

    test('start → part URLs → parts (one resumed) → complete → processed to ready with its SHA-256', async () => {
      assert.equal(t.deps.store.kind, backend);
      const { creator, itemId } = await creatorWithItem(t, { tier: 'big_files' });
      const data = randomBytes(8 * MiB + 100);
      const start = await api(creator, 'POST', '/api/uploads', { fileName: 'album/01 Intro: 🎧 مرحبا\u202e.flac', size: data.length, type: 'audio/flac', itemId });
      assert.equal(start.status, 201, JSON.stringify(start.json));
      const { id, partSize, partCount } = start.json;
      assert.equal(start.json.name, '01 Intro: 🎧 مرحبا.flac', 'folder path and bidi override removed; emoji, colon, RTL kept');
      assert.equal(partCount, 2);

      const urls = await api(creator, 'POST', `/api/uploads/${id}/part-urls`, { partNumbers: [1, 2] });
      assert.equal(urls.status, 200);
      const [u1, u2] = urls.json.parts as { partNumber: number; url: string; size: number }[];
      assert.equal(u2!.size, 100);
      if (backend === 's3') assert.ok(u1!.url.startsWith(s3!.endpoint), 'parts go straight to storage');
      // Part 2 first, then the "reload": the status lists what storage already holds (or, on a
      // store without ListParts, nothing: the uploader then sends every part again).
      const e2 = await sendPart(u2!.url, data.subarray(partSize));
      const status = await api(creator, 'GET', `/api/uploads/${id}`);
      assert.deepEqual(status.json.parts.map((p: { partNumber: number }) => p.partNumber), listsParts ? [2] : []);
      const early = await complete(creator, id, [e2]);
      assert.equal(early.status, 409);
      assert.match(early.json.error, listsParts ? /part 1 still to send/ : /send all 2 parts/);
      const e1 = await sendPart(u1!.url, data.subarray(0, partSize));

      const done = await complete(creator, id, [e1, e2]);
      assert.equal(done.status, 200, JSON.stringify(done.json));
      assert.equal(done.json.state, 'uploaded');
      assert.equal(await jobCount(id), 1, 'processing is queued with the state change');
      assert.equal((await complete(creator, id, [e1, e2])).json.state, 'uploaded', 'a repeated complete changes nothing');

      await t.drainJobs();
      const row = await t.deps.db.selectFrom('media_files').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.state, 'ready');
      assert.equal(row.bytes, data.length);
      assert.equal(row.sha256, createHash('sha256').update(data).digest('hex'));
      assert.equal(await t.deps.store.head(row.incoming_key), null, 'the incoming object is removed');
      const stored = await t.deps.store.list(`media/${creator.viewer.id}/${id}/`);
      assert.deepEqual(stored.map((o) => [o.key, o.size]), [[row.object_key, data.length]]);
      assert.equal(await t.deps.db.selectFrom('upload_sessions').select('media_file_id').where('media_file_id', '=', id).executeTakeFirst(), undefined);

      // Running the job again (a retry after a crash) changes nothing and duplicates nothing.
      await t.deps.db.updateTable('media_files').set({ state: 'uploaded' }).where('id', '=', id).execute();
      await enqueueJob(t.deps.db, 'media_process', { fileId: id });
      await t.drainJobs();
      const again = await t.deps.db.selectFrom('media_files').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(again.state, 'ready');
      assert.equal(again.sha256, row.sha256);
      assert.equal((await t.deps.store.list(`media/${creator.viewer.id}/`)).length, 1);

      const page = await creator.client.get(`/dashboard/items/${itemId}/edit?step=details`);
      assert.match(page.html, /01 Intro: 🎧 مرحبا\.flac/);
      assert.match(page.html, /badge-media-ready/);
      assert.match(page.html, /src="\/static\/uploader.js"/);
    });

    test('the API needs the CSRF header and a creator session', async () => {
      const { creator, itemId } = await creatorWithItem(t);
      const noToken = await creator.client.send('/api/uploads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fileName: 'a', size: 1, itemId }) });
      assert.equal(noToken.status, 403);
      const anonymous = await t.app.request('/api/uploads/00000000-0000-0000-0000-000000000000');
      assert.equal(anonymous.status, 401);
      assert.equal(await t.deps.db.selectFrom('media_files').select('id').where('item_id', '=', itemId).executeTakeFirst(), undefined);
    });

    test('tier limits: per file and total storage answer 413 naming the limit, and store nothing', async () => {
      const { creator, itemId } = await creatorWithItem(t); // basic: 10 MB per file
      const big = await api(creator, 'POST', '/api/uploads', { fileName: 'big.wav', size: 10_000_001, type: 'audio/wav', itemId });
      assert.equal(big.status, 413);
      assert.match(big.json.error, /up to 10 MB each/);
      const empty = await api(creator, 'POST', '/api/uploads', { fileName: 'empty.mp3', size: 0, itemId });
      assert.equal(empty.status, 422);
      assert.match(empty.json.error, /empty/);
      assert.equal((await t.deps.db.selectFrom('media_files').select('id').where('creator_id', '=', creator.viewer.id).execute()).length, 0);
      assert.deepEqual(await t.deps.store.list(`incoming/${creator.viewer.id}/`), []);

      // Total storage: tier envelopes are data, so this test's database gets a small one.
      await t.deps.db.insertInto('creator_tiers').values({ code: 'tiny_test', name: 'Tiny', per_file_bytes: 9_000_000, total_bytes: 20_000_000, position: 99 })
        .onConflict((oc) => oc.column('code').doNothing()).execute();
      await t.deps.db.updateTable('creators').set({ tier: 'tiny_test' }).where('user_id', '=', creator.viewer.id).execute();
      for (const n of [1, 2]) assert.equal((await api(creator, 'POST', '/api/uploads', { fileName: `${n}.bin`, size: 9_000_000, itemId })).status, 201);
      const full = await api(creator, 'POST', '/api/uploads', { fileName: '3.bin', size: 2_000_001, itemId });
      assert.equal(full.status, 413);
      assert.match(full.json.error, /Not enough storage left.*you use 18 MB of your tier's 20 MB total/);
    });

    test("another creator's item or upload is a 404, never a 403", async () => {
      const { itemId } = await creatorWithItem(t);
      const { creator: other, itemId: otherItem } = await creatorWithItem(t);
      const res = await api(other, 'POST', '/api/uploads', { fileName: 'x.bin', size: 10, itemId });
      assert.equal(res.status, 404);
      const mine = await api(other, 'POST', '/api/uploads', { fileName: 'x.bin', size: 10, itemId: otherItem });
      const { creator: third } = await creatorWithItem(t);
      for (const [method, path, body] of [['GET', `/api/uploads/${mine.json.id}`], ['POST', `/api/uploads/${mine.json.id}/part-urls`, { partNumbers: [1] }],
        ['POST', `/api/uploads/${mine.json.id}/complete`, {}], ['DELETE', `/api/uploads/${mine.json.id}`]] as const) {
        assert.equal((await api(third, method, path, body)).status, 404, `${method} ${path}`);
      }
    });

    test('a wrong total size is refused and nothing is processed', async () => {
      const { creator, itemId } = await creatorWithItem(t);
      const start = await api(creator, 'POST', '/api/uploads', { fileName: 'short.zip', size: 1000, itemId });
      const [part] = (await api(creator, 'POST', `/api/uploads/${start.json.id}/part-urls`, { partNumbers: [1] })).json.parts;
      const etag = await sendPart(part.url, randomBytes(999));
      const res = await complete(creator, start.json.id, [etag]);
      assert.equal(res.status, 422);
      assert.match(res.json.error, /add up to 999 bytes, not the 1 KB/);
      assert.equal(await jobCount(start.json.id), 0);
      assert.deepEqual(await t.deps.store.list(`incoming/${creator.viewer.id}/`), [], 'no object left in storage');
      const row = await t.deps.db.selectFrom('media_files').selectAll().where('id', '=', start.json.id).executeTakeFirst();
      if (listsParts) {
        // The parts were checked before assembling: the session stays, and sending the part
        // again with the right bytes completes the upload.
        assert.deepEqual([row?.state, row?.bytes], ['uploading', null]);
        const again = await sendPart(part.url, randomBytes(1000));
        assert.equal((await complete(creator, start.json.id, [again])).status, 200);
      } else {
        // Only the assembled object's size could be checked: the upload is discarded whole.
        assert.equal(row, undefined);
      }
    });

    test('abort removes the session (and its parts where the store can); abandoned sessions are cleaned up by the job', async () => {
      const { creator, itemId } = await creatorWithItem(t);
      const a = await api(creator, 'POST', '/api/uploads', { fileName: 'a.bin', size: 500, itemId });
      const [pa] = (await api(creator, 'POST', `/api/uploads/${a.json.id}/part-urls`, { partNumbers: [1] })).json.parts;
      await sendPart(pa.url, randomBytes(500));
      const aborted = await api(creator, 'DELETE', `/api/uploads/${a.json.id}`);
      assert.equal(aborted.status, 200);
      assert.equal(await t.deps.db.selectFrom('media_files').select('id').where('id', '=', a.json.id).executeTakeFirst(), undefined);
      assert.equal((await api(creator, 'GET', `/api/uploads/${a.json.id}`)).status, 404);
      if (listsParts) assert.equal((await putPart(t, pa.url, randomBytes(500))).status, 404, 'parts of an aborted upload are refused');

      const b = await api(creator, 'POST', '/api/uploads', { fileName: 'b.bin', size: 500, itemId });
      const [pb] = (await api(creator, 'POST', `/api/uploads/${b.json.id}/part-urls`, { partNumbers: [1] })).json.parts;
      await sendPart(pb.url, randomBytes(100));
      const row = await t.deps.db.selectFrom('media_files as f').innerJoin('upload_sessions as s', 's.media_file_id', 'f.id')
        .select(['f.incoming_key', 's.upload_id']).where('f.id', '=', b.json.id).executeTakeFirstOrThrow();
      await t.deps.db.updateTable('upload_sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('media_file_id', '=', b.json.id).execute();
      const fresh = await api(creator, 'POST', '/api/uploads', { fileName: 'c.bin', size: 500, itemId });
      await enqueueJob(t.deps.db, UPLOADS_CLEANUP_JOB, {});
      await t.drainJobs();
      assert.equal(await t.deps.db.selectFrom('media_files').select('id').where('id', '=', b.json.id).executeTakeFirst(), undefined);
      await assert.rejects(t.deps.store.listParts(row.incoming_key, row.upload_id), listsParts ? UploadNotFound : NotSupported);
      assert.equal((await api(creator, 'GET', `/api/uploads/${fresh.json.id}`)).json.state, 'uploading', 'live sessions are kept');
    });

    test('a failed file can be reprocessed from the dashboard', async () => {
      const { creator, itemId } = await creatorWithItem(t);
      const id = await oneShot(creator, itemId, 'r.bin', randomBytes(10));
      await t.drainJobs();
      await t.deps.db.updateTable('media_files').set({ state: 'failed', state_reason: 'The decoder gave up.' }).where('id', '=', id).execute();
      const list = await creator.client.get(`/dashboard/items/${itemId}/files`);
      assert.match(list.html, /The decoder gave up\./);
      assert.match(list.html, /hx-trigger="media-changed from:body"/, 'no polling once every file is final');
      const res = await creator.client.post(`/dashboard/media/${id}/reprocess`, {}, { 'hx-request': 'true' });
      assert.equal(res.status, 200);
      assert.match(res.html, /every 2s/, 'polls while the file is queued');
      await t.drainJobs();
      assert.equal((await t.deps.db.selectFrom('media_files').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state, 'ready');
    });

    test('readyz reports storage', async () => {
      const res = await t.app.request('/readyz');
      assert.deepEqual(await res.json(), { status: 'ready', database: 'up', storage: 'up' });
    });

    test('a real audio file is processed: derivatives stored under the key layout and counted as storage', async () => {
      const { creator, itemId } = await creatorWithItem(t, { type: 'audio' });
      const wav = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-f', 'wav', 'pipe:1']);
      const id = await oneShot(creator, itemId, 'tone.mp3', wav);
      await t.drainJobs();
      const row = await t.deps.db.selectFrom('media_files').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.state, 'ready', row.state_reason ?? '');
      assert.equal(row.kind, 'audio', 'identified by content, not by the .mp3 name');
      const derived = await t.deps.db.selectFrom('media_derivatives').selectAll().where('media_file_id', '=', id).execute();
      assert.ok(derived.length > 0);
      for (const d of derived) {
        assert.ok(d.object_key.startsWith(`media/${creator.viewer.id}/${id}/`));
        assert.equal((await t.deps.store.head(d.object_key))?.size, d.bytes);
      }
      assert.equal(await storageUsed(t.deps, creator.viewer.id), wav.length + derived.reduce((sum, d) => sum + d.bytes, 0));
    });
  });
}
