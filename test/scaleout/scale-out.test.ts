// Scale-out (issue 7): two app processes and two workers on one PostgreSQL and one S3 server,
// behind Caddy with deploy/Caddyfile.scaleout (round-robin), all real processes (cluster.ts).
// Each test drives real flows with requests split between the instances on purpose — signed
// in on A, carried on on B — or through the proxy, which alternates them by itself. The tests
// share the cluster and run in order; each process's log is printed if one fails.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { S3Store } from '../../src/platform/storage/index.ts';
import { checkoutKey } from '../support/commerce.ts';
import { eventually } from '../support/processes.ts';
import { WebClient } from '../support/web-client.ts';
import { startCluster, type Cluster } from './cluster.ts';
import { completeUpload, sendPart, sha256, startUpload, uploadWhole } from './uploads.ts';

let k: Cluster;
const PASSWORD = 'a long enough password';
const MiB = 1024 * 1024;

before(async () => { k = await startCluster(); });
after(async () => {
  if (!k) return;
  k.group.save('scaleout');
  await k.close();
});

/** Runs a test body; if it fails, the last lines of every process's log go with the error. */
const guarded = (fn: (t: TestContext) => Promise<void>) => async (t: TestContext) => {
  try {
    await fn(t);
  } catch (err) {
    console.error(`\nscale-out test failed; process logs (whole logs in artifacts/logs/scaleout-*.log):\n${k.group.tails()}`);
    throw err;
  }
};

/** Which app instance logged a request id (each logs one line per request). */
function servedBy(requestIds: (string | null)[]) {
  const logs = { a: k.apps.a.log(), b: k.apps.b.log() };
  return requestIds.map((id) => (id && logs.a.includes(`"requestId":"${id}"`) ? 'a' : id && logs.b.includes(`"requestId":"${id}"`) ? 'b' : '?'));
}

async function signUp(base: string, username: string) {
  const client = new WebClient();
  await client.get(base, '/signup');
  const res = await client.form(base, '/signup', { username, email: `${username}@example.com`, password: PASSWORD });
  assert.equal(res.status, 303, res.text.slice(0, 500));
  await client.get(base, '/account'); // the CSRF token of the new session (rotated at sign-up)
  return client;
}

/** The one message the SMTP server received for an address (sent by one of the workers). */
const mailTo = (address: string, subject: RegExp) => eventually(`mail to ${address}`, async () =>
  k.smtp.messages.find((m) => m.to.includes(address) && subject.test(m.subject)));

const linkIn = (text: string, path: string) => {
  const m = new RegExp(`${k.proxy.replace(/[.:/]/g, '\\$&')}(${path}[^\\s]*)`).exec(text);
  assert.ok(m, `a ${path} link to the proxy's address in:\n${text}`);
  return m[1]!;
};

/** The URL with the first character of its signature changed (to another one, always). */
const forgeSignature = (url: string) => url.replace(/sig=(.)/, (_, ch: string) => `sig=${ch === 'A' ? 'B' : 'A'}`);

const creator = { client: null as unknown as WebClient, username: 'so_creator', projectId: '', videoItemId: '', zipItemId: '', filesItemId: '' };

describe('scale-out: two apps and two workers behind Caddy, one PostgreSQL, one S3', () => {
  test('a session made through one app works through the other, CSRF-protected posts and flash messages included', guarded(async () => {
    const c = await signUp(k.a, creator.username);
    creator.client = c;
    const account = await c.get(k.b, '/account');
    assert.equal(account.status, 200, 'B knows the session A made');
    assert.match(account.text, new RegExp(creator.username));
    // A token from A's page, posted to B: same cookie, same secret, accepted.
    const onboarded = await c.form(k.b, '/creator/start', { tier: 'everything', currency: 'EUR' });
    assert.equal(onboarded.status, 303, onboarded.text.slice(0, 500));
    assert.equal(onboarded.location, '/dashboard');
    const dashboard = await c.get(k.a, '/dashboard');
    assert.equal(dashboard.status, 200, 'A sees the creator B made');
    assert.match(dashboard.text, /You are a creator now/, 'the flash message B signed is shown by A');

    // The verification mail (sent by a worker) links to the proxy; confirmed on B, seen by A.
    const mail = await mailTo(`${creator.username}@example.com`, /confirm|welcome/i);
    const verify = linkIn(mail.text, '/verify-email');
    assert.equal((await c.get(k.b, verify)).status, 200);
    const confirmed = await c.form(k.b, verify, {});
    assert.match(confirmed.text, /Email confirmed/);
    const user = await k.db.selectFrom('users').select('email_verified_at').where('username', '=', creator.username).executeTakeFirstOrThrow();
    assert.ok(user.email_verified_at);

    // Logging out on B ends the session on A too.
    const other = new WebClient();
    await other.get(k.a, '/login');
    assert.equal((await other.form(k.a, '/login', { identifier: creator.username, password: PASSWORD })).status, 303);
    await other.get(k.a, '/account');
    assert.equal((await other.form(k.b, '/logout', {})).status, 303);
    const gone = await other.get(k.a, '/account');
    assert.equal(gone.status, 303);
    assert.match(gone.location ?? '', /^\/login/);

    // Failed logins count on every instance: five spread over A and B lock the account on both.
    await signUp(k.a, 'so_locked');
    const guesser = new WebClient();
    await guesser.get(k.a, '/login');
    for (let i = 0; i < 5; i++) {
      const res = await guesser.form(i % 2 ? k.b : k.a, '/login', { identifier: 'so_locked', password: `wrong password ${i}` });
      assert.equal(res.status, 422, `failure ${i + 1} is a plain refusal`);
    }
    for (const base of [k.a, k.b]) {
      const res = await guesser.form(base, '/login', { identifier: 'so_locked', password: PASSWORD });
      assert.equal(res.status, 429, `locked out on ${base === k.a ? 'A' : 'B'} too, even with the right password`);
      assert.ok(res.headers.get('retry-after'));
    }

    // Through the proxy: the session holds whichever instance answers, and both do.
    const ids: (string | null)[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await c.get(k.proxy, '/account');
      assert.equal(res.status, 200);
      assert.match(res.text, new RegExp(creator.username));
      ids.push(res.requestId);
    }
    // Nothing else goes through the proxy meanwhile, so round-robin alternates strictly. An
    // instance writes its request line when the response has gone, so the last one may reach
    // its log file a moment after the client has the answer.
    const by = await eventually('every answer in one of the two instances\' logs', async () => {
      const now = servedBy(ids);
      return !now.includes('?') && now;
    }, 10_000);
    assert.ok(by.every((x, i) => i === 0 || x !== by[i - 1]), `the instances alternate: ${by.join(' ')}`);
  }));

  test('every job runs exactly once: a burst of uploads and emails through the proxy, taken by two workers', guarded(async (t) => {
    const c = creator.client;
    await c.get(k.proxy, '/dashboard/projects/new');
    const project = await c.form(k.proxy, '/dashboard/projects/new', { step: 'review', go: 'publish', title: 'Night Drive', description: 'Four tracks and a making-of.' });
    assert.equal(project.status, 303, project.text.slice(0, 500));
    creator.projectId = /\/dashboard\/projects\/([0-9a-f-]{36})/.exec(project.location ?? '')![1]!;
    const newItem = async (type: string, title: string) => {
      const res = await c.form(k.proxy, `/dashboard/projects/${creator.projectId}/items/new`, { type, title });
      assert.equal(res.status, 303, res.text.slice(0, 500));
      return /\/dashboard\/items\/([0-9a-f-]{36})/.exec(res.location ?? '')![1]!;
    };
    creator.videoItemId = await newItem('video', 'Making of');
    creator.zipItemId = await newItem('download', 'Sample pack');
    creator.filesItemId = await newItem('download', 'Field recordings');

    // Seven files of four kinds, started together, and ten sign-ups (ten emails) meanwhile.
    const media = (name: string) => new Uint8Array(fs.readFileSync(`demo/media/${name}`));
    const tracks = ['01-night-drive.mp3', '02-cafe-melancolie.ogg', '03-rain-on-the-window.flac', '04-last-stop-spoken.opus'];
    const fans = Array.from({ length: 10 }, (_, i) => `so_fan_${i}`);
    await Promise.all([
      ...tracks.map((name) => uploadWhole(c, k.proxy, { target: 'track', projectId: creator.projectId, albumBase: 0 }, name, media(name))),
      uploadWhole(c, k.proxy, { target: 'project_cover', projectId: creator.projectId }, 'cover.jpg', media('cover.jpg')),
      uploadWhole(c, k.proxy, { itemId: creator.videoItemId }, 'making-of-night-drive.mp4', media('making-of-night-drive.mp4')),
      uploadWhole(c, k.proxy, { itemId: creator.zipItemId }, 'sample-pack.zip', media('sample-pack.zip')),
      ...fans.map((name) => signUp(k.proxy, name)),
    ]);

    const files = await eventually('all seven files processed', async () => {
      const rows = await k.db.selectFrom('media_files').select(['id', 'state', 'state_reason', 'kind', 'original_name']).execute();
      return rows.length === 7 && rows.every((r) => ['ready', 'failed', 'quarantined'].includes(r.state)) ? rows : undefined;
    });
    assert.deepEqual(files.filter((f) => f.state !== 'ready'), [], 'every file is ready');
    assert.deepEqual(files.map((f) => f.kind).sort(), ['archive', 'audio', 'audio', 'audio', 'audio', 'image', 'video']);
    for (const fan of fans) await mailTo(`${fan}@example.com`, /confirm|welcome/i);
    const perWorker = jobsDone();
    t.diagnostic(`jobs so far: worker 1 ran ${perWorker[0].length}, worker 2 ran ${perWorker[1].length}`);
    assert.ok(perWorker[0].length > 0 && perWorker[1].length > 0, 'both workers took jobs from the burst');
    // The rest of the exactly-once accounting is the last test's, over every job of the run.
  }));

  test('an upload started on one app is resumed and completed on the other, and processes to ready', guarded(async () => {
    const c = creator.client;
    const data = new Uint8Array(randomBytes(8 * MiB + 1_500_000));
    const upload = await startUpload(c, k.a, { itemId: creator.filesItemId }, 'field-recordings.bin', data.length);
    assert.equal(upload.partCount, 2);
    const first = await sendPart(c, k.a, upload, data, 1);

    // B picks the upload up: the same session, from the database.
    const status = await c.json(k.b, 'GET', `/api/uploads/${upload.id}`);
    assert.equal(status.status, 200);
    assert.equal(status.json.state, 'uploading');
    assert.equal(status.json.partSize, upload.partSize);
    assert.equal(status.json.partCount, 2);
    // Stores with ListParts report part 1 here; s3rver has none and reports nothing, which the
    // uploader answers by keeping the ETags it already has. Never anything that was not sent:
    for (const p of status.json.parts as { partNumber: number; etag: string }[]) assert.deepEqual({ partNumber: p.partNumber, etag: p.etag }, first);
    const second = await sendPart(c, k.b, upload, data, 2);
    assert.deepEqual(await completeUpload(c, k.b, upload, [first, second], data), { id: upload.id, state: 'uploaded' });

    const file = await eventually('the resumed upload processed', async () => {
      const row = await k.db.selectFrom('media_files').select(['state', 'state_reason', 'sha256', 'bytes']).where('id', '=', upload.id).executeTakeFirst();
      return row && ['ready', 'failed', 'quarantined'].includes(row.state) ? row : undefined;
    });
    assert.equal(file.state, 'ready', file.state_reason ?? '');
    assert.equal(file.sha256, sha256(data), 'the bytes of both parts, in order');
    // The owner downloads it through the proxy: a store URL with exactly those bytes.
    const download = await c.get(k.proxy, `/download/${upload.id}/original`);
    assert.equal(download.status, 302, download.text.slice(0, 300));
    const got = new Uint8Array(await (await fetch(download.location!)).arrayBuffer());
    assert.equal(sha256(got), sha256(data));
  }));

  test('signed URLs issued by one app are honoured by the other: receipt links, stream and download URLs', guarded(async (t) => {
    const c = creator.client;
    // A track for sale, priced and published on alternating instances.
    const track = await k.db.selectFrom('items').innerJoin('media_files', 'media_files.item_id', 'items.id')
      .select(['items.id as itemId', 'items.title', 'media_files.id as fileId'])
      .where('items.project_id', '=', creator.projectId).where('items.type', '=', 'audio').orderBy('items.position').executeTakeFirstOrThrow();
    await c.get(k.a, `/dashboard/items/${track.itemId}/edit?step=pricing`);
    assert.equal((await c.form(k.b, `/dashboard/items/${track.itemId}/edit?step=pricing`, { price_kind: 'fixed', price_amount: '2.50' })).status, 303);
    assert.equal((await c.form(k.a, `/dashboard/items/${track.itemId}/edit?step=ai`, { ai_use: 'handmade' })).status, 303);
    assert.equal((await c.form(k.b, `/dashboard/items/${track.itemId}/publish`, {})).status, 303);

    // A guest starts the checkout on A and pays on B's test checkout page.
    const guest = new WebClient();
    const email = 'so_guest@example.com';
    assert.equal((await guest.get(k.a, `/i/${track.itemId}`)).status, 200);
    const checkout = await guest.form(k.a, `/i/${track.itemId}/checkout`, { checkout_key: checkoutKey(), email });
    assert.equal(checkout.status, 303, checkout.text.slice(0, 500));
    assert.match(checkout.location ?? '', /^\/checkout\/test\//);
    assert.equal((await guest.get(k.b, checkout.location!)).status, 200);
    const paid = await guest.form(k.b, checkout.location!, { outcome: 'pay' });
    assert.equal(paid.status, 303);
    assert.match(paid.location ?? '', /^\/library\/orders\//);

    // The receipt link (HMAC with APP_SECRET) from the email a worker sent: any instance honours it.
    const receipt = linkIn((await mailTo(email, /receipt/i)).text, '/library/orders/');
    for (const base of [k.a, k.b, k.proxy]) {
      const page = await new WebClient().get(base, receipt); // no cookies: the link alone
      assert.equal(page.status, 200, `the receipt link on ${base}`);
      assert.ok(page.text.includes(track.title));
    }
    const forged = forgeSignature(receipt);
    assert.equal((await new WebClient().get(k.b, forged)).status, 404, 'a changed signature is refused');

    // Streaming with the receipt: B issues the URL, the store honours it; A refreshes the same play.
    const q = new URL(receipt, k.proxy).searchParams;
    const orderId = /\/library\/orders\/([0-9a-f-]{36})/.exec(receipt)![1]!;
    const withReceipt = `receipt=${orderId}&exp=${q.get('exp')}&sig=${q.get('sig')}`;
    const stream = await guest.json(k.b, 'GET', `/api/play/${track.fileId}?${withReceipt}`);
    assert.equal(stream.status, 200, JSON.stringify(stream.json));
    assert.equal(stream.json.mode, 'full');
    const ranged = await fetch(stream.json.url, { headers: { range: 'bytes=0-1023' } });
    assert.equal(ranged.status, 206);
    assert.equal((await ranged.arrayBuffer()).byteLength, 1024);
    const refreshed = await guest.json(k.a, 'GET', `/api/play/${track.fileId}?play=${stream.json.playId}&${withReceipt}`);
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.json.playId, stream.json.playId, 'A continues the play B started (not a new play)');
    const plays = await k.db.selectFrom('plays').select('id').where('media_file_id', '=', track.fileId).execute();
    assert.equal(plays.length, 1);

    // A download link from A, fetched from the store: the rendition's bytes, as an attachment.
    const download = await guest.get(k.a, `/download/${track.fileId}/mp3-320?${withReceipt}`);
    assert.equal(download.status, 302, download.text.slice(0, 300));
    const file = await fetch(download.location!);
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-disposition') ?? '', /^attachment/);
    const rendition = await k.db.selectFrom('media_derivatives').select('bytes').where('media_file_id', '=', track.fileId).where('kind', '=', 'download-mp3-320').executeTakeFirstOrThrow();
    assert.equal((await file.arrayBuffer()).byteLength, Number(rendition.bytes));
    t.diagnostic(`receipt link, stream URL and download URL crossed instances for order ${orderId}`);
  }));

  test('local storage backend: storage URLs signed by one app are served by the other, and uploads resume across them', guarded(async () => {
    // C and D share APP_SECRET and DATA_DIR; C runs the worker.
    const c = new WebClient();
    await c.get(k.c, '/signup');
    assert.equal((await c.form(k.c, '/signup', { username: 'so_local', email: 'so_local@example.com', password: PASSWORD })).status, 303);
    await c.get(k.d, '/creator/start');
    assert.equal((await c.form(k.d, '/creator/start', { tier: 'everything', currency: 'EUR' })).status, 303);
    await c.get(k.c, '/dashboard/projects/new');
    const project = await c.form(k.c, '/dashboard/projects/new', { step: 'review', go: 'publish', title: 'Tapes', description: '' });
    const projectId = /\/dashboard\/projects\/([0-9a-f-]{36})/.exec(project.location ?? '')![1]!;
    const item = await c.form(k.d, `/dashboard/projects/${projectId}/items/new`, { type: 'download', title: 'Tape one' });
    const itemId = /\/dashboard\/items\/([0-9a-f-]{36})/.exec(item.location ?? '')![1]!;

    const data = new Uint8Array(randomBytes(8 * MiB + 700_000));
    const upload = await startUpload(c, k.c, { itemId }, 'tape-one.bin', data.length);
    // Part 1: its URL signed by C, PUT to D. Then D lists it (from the shared files) and signs
    // part 2, which goes to C. D completes.
    const first = await sendPart(c, k.c, upload, data, 1, k.d);
    const status = await c.json(k.d, 'GET', `/api/uploads/${upload.id}`);
    assert.deepEqual(status.json.parts.map((p: { partNumber: number; etag: string }) => ({ partNumber: p.partNumber, etag: p.etag })), [first], 'D sees the part sent through D with C\'s URL');
    const second = await sendPart(c, k.d, upload, data, 2, k.c);
    await completeUpload(c, k.d, upload, [first, second], data);
    const file = await eventually('the local upload processed by C\'s worker', async () => {
      const row = await k.localDb.selectFrom('media_files').select(['state', 'state_reason', 'sha256']).where('id', '=', upload.id).executeTakeFirst();
      return row && ['ready', 'failed', 'quarantined'].includes(row.state) ? row : undefined;
    });
    assert.equal(file.state, 'ready', file.state_reason ?? '');
    assert.equal(file.sha256, sha256(data));

    // A download URL signed by D, served by C (whole and ranged); a changed signature is refused.
    const download = await c.get(k.d, `/download/${upload.id}/original`);
    assert.equal(download.status, 302);
    assert.match(download.location ?? '', /^\/storage\/.*sig=/);
    const whole = await fetch(k.c + download.location!);
    assert.equal(whole.status, 200);
    assert.equal(sha256(new Uint8Array(await whole.arrayBuffer())), sha256(data));
    const ranged = await fetch(k.c + download.location!, { headers: { range: 'bytes=100-199' } });
    assert.equal(ranged.status, 206);
    assert.deepEqual(new Uint8Array(await ranged.arrayBuffer()), data.subarray(100, 200));
    const forged = forgeSignature(download.location!);
    assert.equal((await fetch(k.c + forged)).status, 403);
  }));

  test('every job of the run ran exactly once, none failed, and each effect happened once', guarded(async (t) => {
    // Nothing due is left in the queue (jobs waiting for a later time, if any, are not due).
    await eventually('the queue drained', async () => {
      const { rows } = await sqlRows<{ n: number }>(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE run_at <= now()`);
      return rows[0]!.n === 0;
    });
    const { rows: retried } = await sqlRows(`SELECT task_identifier, attempts, last_error FROM graphile_worker.jobs WHERE attempts > 0`);
    assert.deepEqual(retried, [], 'no job is waiting for a retry');

    const [one, two] = jobsDone();
    const all = [...one, ...two];
    const failed = k.workers.flatMap((w) => w.jsonLines().filter((l) => String(l.msg).startsWith('job failed')));
    assert.deepEqual(failed.map((l) => `${l.task} ${l.jobId}`), [], 'no job failed');
    const runs = new Map<string, number>();
    for (const j of all) runs.set(j.jobId, (runs.get(j.jobId) ?? 0) + 1);
    assert.deepEqual([...runs].filter(([, n]) => n > 1), [], 'no job ran twice (on one worker or across both)');
    assert.deepEqual(all.filter((j) => j.attempt !== 1).map((j) => `${j.task} ${j.jobId} attempt ${j.attempt}`), [], 'each ran at its first attempt');
    assert.ok(one.length > 0 && two.length > 0, 'both workers worked');

    // Effects, counted where they land. Processing: one run per file, one job per file.
    const files = await k.db.selectFrom('media_files').select('id').execute();
    const { rows: processing } = await sqlRows<{ id: string }>('SELECT media_file_id AS id FROM scaleout_processing_runs');
    assert.equal(processing.length, files.length, 'each file went into processing exactly once');
    assert.deepEqual(new Set(processing.map((p) => p.id)), new Set(files.map((f) => f.id)));
    assert.equal(all.filter((j) => j.task === 'media_process').length, files.length);
    // Mail: one SMTP delivery per outbox row, every row sent.
    const outbox = await k.db.selectFrom('mail_outbox').select(['to_address', 'status']).execute();
    assert.deepEqual(outbox.filter((m) => m.status !== 'sent'), []);
    assert.equal(all.filter((j) => j.task === 'mail_send').length, outbox.length);
    const sentTo = k.smtp.messages.flatMap((m) => m.to).sort();
    assert.deepEqual(sentTo, outbox.map((m) => m.to_address.toLowerCase()).sort(), 'the SMTP server got each outbox row once');
    // Storage: exactly the objects the database names; nothing left in incoming/.
    const named = await k.db.selectFrom('media_files').select('object_key as key').where('object_key', 'is not', null)
      .union(k.db.selectFrom('media_derivatives').select('object_key as key')).execute();
    const stored = await listBucket();
    assert.deepEqual(stored.filter((key) => key.startsWith('incoming/')), [], 'no upload left half-way');
    assert.deepEqual(stored.filter((key) => key.startsWith('media/')).sort(), named.map((r) => r.key!).sort(), 'no orphaned or duplicate objects');

    // Nothing became a 500 on any instance.
    const unhandled = [k.apps.a, k.apps.b].flatMap((p) => p.jsonLines().filter((l) => l.msg === 'unhandled error'));
    assert.deepEqual(unhandled, []);
    const tasks = new Map<string, number>();
    for (const j of all) tasks.set(j.task, (tasks.get(j.task) ?? 0) + 1);
    t.diagnostic(`${all.length} jobs, each once: worker 1 ran ${one.length}, worker 2 ran ${two.length}; by task: ${[...tasks].map(([k2, n]) => `${k2} ${n}`).join(', ')}; ${outbox.length} mails, ${files.length} files`);
  }));
});

interface JobRun { jobId: string; task: string; attempt: number }

/** The "job done" lines of each worker's log (src/jobs.ts writes one per finished job). */
function jobsDone(): [JobRun[], JobRun[]] {
  const of = (i: 0 | 1) => k.workers[i].jsonLines().filter((l) => l.msg === 'job done')
    .map((l) => ({ jobId: String(l.jobId), task: String(l.task), attempt: Number(l.attempt) }));
  return [of(0), of(1)];
}

const sqlRows = <T = Record<string, unknown>>(text: string) => sql.raw<T>(text).execute(k.db);

async function listBucket(): Promise<string[]> {
  const env = k.s3.env;
  const store = new S3Store({ endpoint: env.S3_ENDPOINT!, region: env.S3_REGION!, bucket: env.S3_BUCKET!, accessKeyId: env.S3_ACCESS_KEY_ID!, secretAccessKey: env.S3_SECRET_ACCESS_KEY!, forcePathStyle: true });
  return (await store.list('')).map((o) => o.key);
}
