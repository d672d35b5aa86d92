// Sizes and timings of resumable uploads.
export const MIB = 1024 * 1024;
/** S3 needs parts of at least 5 MiB (except the last) and at most 10 000 of them. */
export const MIN_PART_SIZE = 8 * MIB;
export const MAX_PART_COUNT = 10_000;
/** How long an upload may sit unfinished before the cleanup job aborts it. */
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
/** Part URLs are short-lived; the uploader asks for fresh ones as it goes. */
export const PART_URL_TTL_SECONDS = 60 * 60;
export const PART_URLS_PER_REQUEST = 100;

export function partSizeFor(size: number): number {
  const needed = Math.ceil(size / MAX_PART_COUNT);
  return Math.max(MIN_PART_SIZE, Math.ceil(needed / MIB) * MIB);
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return i === 0 ? `${n} bytes` : `${v >= 100 ? Math.round(v) : Number(v.toFixed(1))} ${units[i]}`;
}
