// The media module's object key layout, in one place. Keys hold ids only (never file names:
// those are user text with emoji, slashes and right-to-left marks).
export const incomingKey = (creatorId: string, fileId: string) => `incoming/${creatorId}/${fileId}`;
export const originalKey = (creatorId: string, fileId: string) => `media/${creatorId}/${fileId}/original`;
export const derivativeKey = (creatorId: string, fileId: string, kind: string) => `media/${creatorId}/${fileId}/${kind}`;
/** Everything stored for one file (its original and every derivative) lives under this prefix. */
export const fileKeyPrefix = (creatorId: string, fileId: string) => `media/${creatorId}/${fileId}/`;

/** The file id inside one of this module's keys (public image URLs name the file, not the key). */
export function fileIdOfKey(key: string): string | null {
  const m = /^media\/[0-9a-f-]{36}\/([0-9a-f-]{36})\//.exec(key);
  return m?.[1] ?? null;
}
