// Uploads as the uploader script makes them, against real instances: the JSON API on whichever
// instance a call names, the parts PUT where their signed URLs point (the S3 server, or an
// app's /storage/ route on the local backend — on whichever instance the caller chooses).
import { createHash } from 'node:crypto';
import type { WebClient } from '../support/web-client.ts';

export interface Started { id: string; partSize: number; partCount: number; itemId: string | null }
export interface SentPart { partNumber: number; etag: string }

export const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

export async function startUpload(client: WebClient, base: string, target: Record<string, unknown>, fileName: string, size: number): Promise<Started> {
  const res = await client.json(base, 'POST', '/api/uploads', { fileName, size, type: '', ...target });
  if (res.status !== 201) throw new Error(`starting ${fileName} on ${base}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as Started;
}

/** Asks `base` for the part's URL and PUTs the bytes there (`putBase` prefixes app-relative URLs). */
export async function sendPart(client: WebClient, base: string, upload: Started, data: Uint8Array, partNumber: number, putBase = base): Promise<SentPart> {
  const res = await client.json<{ parts: { partNumber: number; url: string }[] }>(base, 'POST', `/api/uploads/${upload.id}/part-urls`, { partNumbers: [partNumber] });
  if (res.status !== 200) throw new Error(`part URL ${partNumber} from ${base}: ${res.status} ${JSON.stringify(res.json)}`);
  const url = res.json.parts[0]!.url;
  const body = data.subarray((partNumber - 1) * upload.partSize, partNumber * upload.partSize);
  const put = await fetch(url.startsWith('/') ? putBase + url : url, { method: 'PUT', body: new Uint8Array(body), headers: { 'content-length': String(body.length) } });
  if (put.status !== 200) throw new Error(`PUT part ${partNumber} to ${url.startsWith('/') ? putBase : 'storage'}: ${put.status} ${await put.text()}`);
  return { partNumber, etag: put.headers.get('etag') ?? '' };
}

export async function completeUpload(client: WebClient, base: string, upload: Started, parts: SentPart[], data: Uint8Array) {
  const res = await client.json(base, 'POST', `/api/uploads/${upload.id}/complete`, { parts, sha256: sha256(data) });
  if (res.status !== 200) throw new Error(`completing on ${base}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as { id: string; state: string };
}

/** A whole upload through one base (the proxy: consecutive calls land on different instances). */
export async function uploadWhole(client: WebClient, base: string, target: Record<string, unknown>, fileName: string, data: Uint8Array) {
  const upload = await startUpload(client, base, target, fileName, data.length);
  const parts: SentPart[] = [];
  for (let n = 1; n <= upload.partCount; n++) parts.push(await sendPart(client, base, upload, data, n));
  await completeUpload(client, base, upload, parts, data);
  return upload;
}
