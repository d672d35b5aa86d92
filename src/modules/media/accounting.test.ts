// Storage accounting with derivatives (held back at start, checked when processing ends, shown
// on the dashboard), the optional ClamAV scan, checksum mismatches, and deletes that purge
// stored objects through a job (so a storage outage never blocks them).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { EICAR, startFakeClamd, type FakeClamd } from '../../../test/support/clamd.ts';
import type { TestUser } from '../../../test/support/factories.ts';
import { startS3, type TestS3 } from '../../../test/support/s3.ts';
import { api, creatorWithItem, putPart, uploadBytes } from '../../../test/support/uploads.ts';
import { parseConfig } from '../../platform/config.ts';
import { createStore } from '../../platform/storage/index.ts';
import { createItem, deleteItems } from '../catalog/items-service.ts';
import { runPurges } from './purge.ts';
import { storageUsed } from './uploads-service.ts';

const mp3 = (seconds: number) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
  '-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3', 'pipe:1']);

async function tinyTier(t: TestApp, user: TestUser, total: number) {
  await t.deps.db.insertInto('creator_tiers').values({ code: `t${total}`, name: 'Tiny', per_file_bytes: 9_000_000, total_bytes: total, position: 90 })
    .onConflict((oc) => oc.column('code').doNothing()).execute();
  await t.deps.db.updateTable('creators').set({ tier: `t${total}` }).where('user_id', '=', user.viewer.id).execute();
}
const row = (t: TestApp, id: string) => t.deps.db.selectFrom('media_files').selectAll().where('id', '=', id).executeTakeFirst();

describe('storage accounting', () => {
  let t: TestApp;
  before(async () => { t = await createTestApp(); });
  after(() => t.close());

  test('audio holds back twice its size for renditions at start; downloads do not', async () => {
    const { creator, itemId } = await creatorWithItem(t, { type: 'audio' });
    const project = (await t.deps.db.selectFrom('items').select('project_id').where('id', '=', itemId).executeTakeFirstOrThrow()).project_id;
    const downloadId = await createItem(t.deps, creator.viewer, project, { type: 'download', title: 'Stems' });
    await tinyTier(t, creator, 10_000_000);
    const refused = await api(creator, 'POST', '/api/uploads', { fileName: 'long.flac', size: 4_000_000, itemId });
    assert.equal(refused.status, 413);
    assert.match(refused.json.error, /4 MB file \(plus 8 MB held back for its streaming and download formats\): you use 0 bytes of your tier's 10 MB/);
    assert.equal((await api(creator, 'POST', '/api/uploads', { fileName: 'stems.zip', size: 4_000_000, itemId: downloadId })).status, 201, 'a download holds nothing back');
    assert.equal((await api(creator, 'POST', '/api/uploads', { fileName: 'short.flac', size: 2_000_000, itemId })).status, 201);
    assert.equal(await storageUsed(t.deps, creator.viewer.id), 10_000_000, 'uploads and their reservations count until processed');
  });

  test('derivatives that do not fit fail the file with the reason, store nothing, and Reprocess works after an upgrade', async () => {
    const { creator, itemId } = await creatorWithItem(t, { type: 'audio' });
    const data = mp3(20); // 64 kb/s: its 320k, V0, AAC, Opus and streaming copies are many times bigger
    await tinyTier(t, creator, data.length * 3 + 1000); // room for the file and its 2× reservation only
    const up = await uploadBytes(t, creator, { itemId }, 'tone.mp3', data);
    await t.drainJobs();
    const r = (await row(t, up.id))!;
    assert.equal(r.state, 'failed');
    assert.match(r.state_reason ?? '', /^Processing made [\d.]+ (KB|MB) of streaming and download formats, which would take you to [\d.]+ MB of your tier's [\d.]+ KB\. Delete some files or choose a bigger tier, then press Reprocess\.$/);
    assert.equal(r.reserved_bytes, 0, 'the reservation is released');
    assert.deepEqual((await t.deps.store.list(`media/${creator.viewer.id}/${up.id}/`)).map((o) => o.key), [r.object_key], 'only the original is stored');
    assert.equal(await storageUsed(t.deps, creator.viewer.id), data.length);

    await t.deps.db.updateTable('creators').set({ tier: 'small_files' }).where('user_id', '=', creator.viewer.id).execute();
    const res = await creator.client.post(`/dashboard/media/${up.id}/reprocess`, {});
    assert.equal(res.status, 303);
    await t.drainJobs();
    assert.equal((await row(t, up.id))!.state, 'ready');
    const derived = await t.deps.db.selectFrom('media_derivatives').select('bytes').where('media_file_id', '=', up.id).execute();
    assert.equal(await storageUsed(t.deps, creator.viewer.id), data.length + derived.reduce((s, d) => s + d.bytes, 0));

    const dash = await creator.client.get('/dashboard');
    assert.match(dash.html, /Storage: <strong>[\d.]+ (KB|MB)<\/strong> of 250 GB used/);
    assert.match(dash.html, /<meter[^>]+aria-label="Storage used"/);
  });

  test('a checksum that does not match fails the file and deletes the incoming object', async () => {
    const { creator, itemId } = await creatorWithItem(t);
    const start = await api(creator, 'POST', '/api/uploads', { fileName: 'notes.txt', size: 5, itemId });
    const [p] = (await api(creator, 'POST', `/api/uploads/${start.json.id}/part-urls`, { partNumbers: [1] })).json.parts;
    await putPart(t, p.url, Buffer.from('hello'));
    await api(creator, 'POST', `/api/uploads/${start.json.id}/complete`, { sha256: 'a'.repeat(64) });
    await t.drainJobs();
    const r = (await row(t, start.json.id))!;
    assert.equal(r.state, 'failed');
    assert.match(r.state_reason ?? '', /checksum does not match/);
    assert.equal(await t.deps.store.head(r.incoming_key), null, 'the incoming object is gone');
    assert.deepEqual(await t.deps.store.list(`media/${creator.viewer.id}/${r.id}/`), [], 'nothing was moved to its final place');
  });
});

describe('virus scanning with CLAMD_URL', () => {
  for (const transport of ['tcp', 'unix'] as const) {
    test(`${transport}: infected files are quarantined, clean ones ready`, async () => {
      const socketPath = path.join(os.tmpdir(), `makenot-clamd-${process.pid}.sock`);
      const clamd: FakeClamd = await startFakeClamd(transport === 'unix' ? { socketPath } : {});
      const t = await createTestApp({ CLAMD_URL: transport === 'unix' ? `unix://${socketPath}` : `tcp://127.0.0.1:${clamd.port}` });
      try {
        const { creator, itemId } = await creatorWithItem(t);
        const bad = await uploadBytes(t, creator, { itemId }, 'readme.txt', Buffer.from(`harmless text ${EICAR}`));
        const good = await uploadBytes(t, creator, { itemId }, 'notes.txt', Buffer.from('just notes'));
        await t.drainJobs();
        const b = (await row(t, bad.id))!;
        assert.deepEqual([b.state, b.state_reason], ['quarantined', 'virus found: Eicar-Test-Signature']);
        const g = (await row(t, good.id))!;
        assert.equal(g.state, 'ready');
        assert.deepEqual((g.metadata as { scan?: unknown }).scan, { status: 'clean' });
        assert.equal(clamd.scans, 2);
        const page = await creator.client.get(`/dashboard/items/${itemId}/edit?step=details`);
        assert.match(page.html, /Quarantined/);
      } finally {
        await t.close();
        await clamd.close();
      }
    });
  }
});

describe('deletes purge stored objects through a job', () => {
  let s3: TestS3;
  let t: TestApp;
  before(async () => { s3 = await startS3(); t = await createTestApp(s3.env); });
  after(async () => { await t.close(); await s3.close(); });

  test('deleting an item queues its objects; a storage outage delays the purge, never the delete', async () => {
    const { creator, itemId } = await creatorWithItem(t, { type: 'audio' });
    const up = await uploadBytes(t, creator, { itemId }, 'tone.mp3', mp3(2));
    await t.drainJobs();
    const prefix = `media/${creator.viewer.id}/${up.id}/`;
    assert.ok((await t.deps.store.list(prefix)).length > 3);

    assert.equal(await deleteItems(t.deps, creator.viewer, [itemId]), 1, 'the delete itself does not touch storage');
    assert.equal(await row(t, up.id), undefined);
    const queued = await t.deps.db.selectFrom('media_purges').selectAll().execute();
    assert.deepEqual(queued.map((q) => q.media_file_id), [up.id]);

    // Storage unreachable: the purge fails (so the job retries) and keeps its queue entry.
    const down = { ...t.deps, store: createStore(parseConfig({ ...s3.env, S3_ENDPOINT: 'http://127.0.0.1:9' })) };
    await assert.rejects(runPurges(down), /purge\(s\) failed/);
    const waiting = await t.deps.db.selectFrom('media_purges').selectAll().executeTakeFirstOrThrow();
    assert.equal(waiting.attempts, 1);
    assert.ok(waiting.last_error);

    await t.drainJobs(); // the job the trigger queued, with storage back
    assert.deepEqual(await t.deps.store.list(prefix), []);
    assert.deepEqual(await t.deps.db.selectFrom('media_purges').selectAll().execute(), []);
  });

  test('one file deleted from the item page; a file still processing cannot be', async () => {
    const { creator, itemId } = await creatorWithItem(t);
    const keep = await uploadBytes(t, creator, { itemId }, 'keep.txt', Buffer.from('keep'));
    const drop = await uploadBytes(t, creator, { itemId }, 'drop.txt', Buffer.from('drop'));
    const busy = await api(creator, 'POST', '/api/uploads', { fileName: 'busy.bin', size: 10, itemId });
    await t.drainJobs();
    const refused = await creator.client.post(`/dashboard/media/${busy.json.id}/delete`, {});
    assert.equal(refused.status, 409);
    // Without JavaScript: first a confirmation page, and nothing is deleted yet.
    const ask = await creator.client.post(`/dashboard/media/${drop.id}/delete`, {});
    assert.equal(ask.status, 200);
    assert.match(ask.html, /Delete <bdi>drop\.txt<\/bdi>\?/);
    assert.match(ask.html, /cannot be undone/);
    assert.match(ask.html, /name="confirm" value="yes"/);
    assert.ok(await t.deps.db.selectFrom('media_files').select('id').where('id', '=', drop.id).executeTakeFirst(), 'still there');
    // The list's form asks with hx-confirm and sends confirm=yes through hx-vals; without it, the page above.
    const list = await creator.client.get(`/dashboard/items/${itemId}/edit?step=details`);
    assert.match(list.html, /hx-confirm="Delete drop\.txt and everything made from it\?" hx-vals="{&quot;confirm&quot;: &quot;yes&quot;}"/);
    assert.doesNotMatch(list.html, new RegExp(`action="/dashboard/media/${drop.id}/delete"[^>]*>\\s*<input[^>]*name="_csrf"[^>]*/>\\s*<input[^>]*name="confirm"`), 'no confirm field for the no-JS form');
    const res = await creator.client.post(`/dashboard/media/${drop.id}/delete`, { confirm: 'yes' }, { 'hx-request': 'true' });
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.html, /drop\.txt/);
    assert.match(res.html, /keep\.txt/);
    await t.drainJobs();
    assert.deepEqual(await t.deps.store.list(`media/${creator.viewer.id}/${drop.id}/`), []);
    assert.equal((await t.deps.store.list(`media/${creator.viewer.id}/${keep.id}/`)).length, 1);
  });
});
