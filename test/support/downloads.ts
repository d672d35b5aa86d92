// Checking what a browser downloaded: zips read back with Info-ZIP's unzip (an independent
// reader, not our own zip writer), and objects read straight from the store to compare with.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { TestApp } from './app.ts';

const UNZIP_ENV = { ...process.env, LC_ALL: 'C.UTF-8' };

export interface ZipListing { name: string; size: number; sha256: string }

/** Every entry of a zip with its uncompressed size and the hash of its bytes; throws if unzip finds it damaged. */
export function readZip(file: string): ZipListing[] {
  execFileSync('unzip', ['-tq', file], { env: UNZIP_ENV }); // CRC of every entry
  const names = execFileSync('unzip', ['-Z1', file], { env: UNZIP_ENV }).toString('utf8').split('\n').filter(Boolean);
  return names.filter((n) => !n.endsWith('/')).map((name) => {
    // unzip treats [ ] * ? in a name as a pattern: escape them to extract exactly this entry.
    const bytes = execFileSync('unzip', ['-p', file, name.replace(/[[\]*?]/g, '\\$&')], { env: UNZIP_ENV, maxBuffer: 256 * 1024 * 1024 });
    return { name, size: bytes.length, sha256: sha256(bytes) };
  });
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** An object's bytes as the store holds them. */
export async function storedObject(t: TestApp, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await t.deps.store.get(key)).body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** An item's (only) ready file's rendition (or its original, kind 'original'): object key and size as recorded. */
export async function rendition(t: TestApp, itemId: string, kind: string) {
  const file = await t.deps.db.selectFrom('media_files').select(['id', 'object_key', 'bytes']).where('item_id', '=', itemId).where('purpose', '=', 'item').where('state', '=', 'ready')
    .executeTakeFirstOrThrow();
  if (kind === 'original') return { fileId: file.id, key: file.object_key!, bytes: Number(file.bytes) };
  const d = await t.deps.db.selectFrom('media_derivatives').select(['object_key', 'bytes']).where('media_file_id', '=', file.id).where('kind', '=', kind)
    .executeTakeFirstOrThrow();
  return { fileId: file.id, key: d.object_key, bytes: Number(d.bytes) };
}
