// The playback module's object key layout, in one place (ids and hashes only, never names).
export const zipKey = (projectId: string, contentHash: string) => `zips/${projectId}/${contentHash}.zip`;
