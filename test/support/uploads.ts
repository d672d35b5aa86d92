// Upload helpers for tests: the JSON API as the uploader script calls it, and a creator with an item.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createItem } from '../../src/modules/catalog/items-service.ts';
import { createProject } from '../../src/modules/catalog/projects-service.ts';
import type { TestApp } from './app.ts';
import { signUpCreator, type TestUser } from './factories.ts';

export async function creatorWithItem(t: TestApp, opts: { tier?: string; type?: 'audio' | 'download' } = {}) {
  const creator = await signUpCreator(t, { tier: opts.tier });
  const project = await createProject(t.deps, creator.viewer, { title: 'Uploads', description: '' });
  const itemId = await createItem(t.deps, creator.viewer, project.id, { type: opts.type ?? 'download', title: 'A thing with files' });
  await creator.client.get(`/dashboard/items/${itemId}/edit?step=details`); // picks up the CSRF token
  return { creator, itemId };
}

/** JSON request with the CSRF header, as uploader.js sends it. */
export async function api(user: TestUser, method: string, path: string, body?: unknown) {
  const res = await user.client.send(path, {
    method,
    headers: { 'x-csrf-token': user.client.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = res.headers.get('content-type')?.includes('json') ? JSON.parse(res.html) as Record<string, any> : {}; // eslint-disable-line @typescript-eslint/no-explicit-any
  return { status: res.status, json };
}

/**
 * PUTs one part where its signed URL points: the app itself (local backend, in-process) or
 * the S3 server (presigned, over the network). Returns the response with the part's ETag.
 */
export async function putPart(t: TestApp, url: string, body: Uint8Array): Promise<Response> {
  const init = { method: 'PUT', body: new Uint8Array(body), headers: { 'content-length': String(body.length) } };
  return url.startsWith('/') ? t.app.request(url, init) : fetch(url, init);
}

/** A whole upload as uploader.js does it: start, every part, complete. Returns the start answer. */
export async function uploadBytes(t: TestApp, user: TestUser, target: Record<string, unknown>, fileName: string, data: Uint8Array, type = '') {
  const start = await api(user, 'POST', '/api/uploads', { fileName, size: data.length, type, ...target });
  if (start.status !== 201) throw new Error(`start failed (${start.status}): ${JSON.stringify(start.json)}`);
  const { id, partSize, partCount } = start.json as { id: string; partSize: number; partCount: number };
  const numbers = Array.from({ length: partCount }, (_, i) => i + 1);
  const { parts } = (await api(user, 'POST', `/api/uploads/${id}/part-urls`, { partNumbers: numbers })).json as { parts: { partNumber: number; url: string }[] };
  const etags: { partNumber: number; etag: string }[] = [];
  for (const p of parts) {
    const res = await putPart(t, p.url, data.subarray((p.partNumber - 1) * partSize, p.partNumber * partSize));
    if (res.status !== 200) throw new Error(`part ${p.partNumber} failed (${res.status}): ${await res.text()}`);
    etags.push({ partNumber: p.partNumber, etag: res.headers.get('etag') ?? '' });
  }
  const done = await api(user, 'POST', `/api/uploads/${id}/complete`, { parts: etags });
  if (done.status !== 200) throw new Error(`complete failed (${done.status}): ${JSON.stringify(done.json)}`);
  return start.json as { id: string; itemId: string | null; name: string };
}

/**
 * A real file through the real pipeline: the resumable upload API (parts PUT to the signed part
 * URLs, in-process for the local backend, over HTTP for S3), then the worker's jobs. Returns
 * the media file id once it is processed (ready, or failed with its reason).
 */
export async function uploadThroughPipeline(t: TestApp, user: TestUser, itemId: string, filePath: string, name = path.basename(filePath)) {
  const { id } = await uploadBytes(t, user, { itemId }, name, await fs.readFile(filePath));
  await t.drainJobs();
  // With a worker running as well (browser journeys, benches), it may hold the job: wait for it.
  for (let i = 0; i < 600; i++) {
    const row = await t.deps.db.selectFrom('media_files').select('state').where('id', '=', id).executeTakeFirst();
    if (row && ['ready', 'failed', 'quarantined'].includes(row.state)) return id;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`media file ${id} was not processed within two minutes`);
}
