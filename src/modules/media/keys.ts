// The media module's object key layout, in one place. Keys hold ids only (never file names:
// those are user text with emoji, slashes and right-to-left marks).
export const incomingKey = (creatorId: string, fileId: string) => `incoming/${creatorId}/${fileId}`;
export const originalKey = (creatorId: string, fileId: string) => `media/${creatorId}/${fileId}/original`;
export const derivativeKey = (creatorId: string, fileId: string, kind: string) => `media/${creatorId}/${fileId}/${kind}`;
