// Whether object storage answers, cached for a few seconds per store so that pages asking on
// every request cost one probe per interval, not one per request. Streams and downloads check
// this before they hand out a signed URL: presigning never touches the store, so without it a
// visitor would get a link that silently fails while storage is down.
import type { ObjectStore } from './types.ts';

const UP_TTL_MS = 5_000;
const DOWN_TTL_MS = 2_000; // retry sooner while down, so recovery shows quickly

interface Probe { checkedAt: number; up: boolean; pending: Promise<boolean> | null }
const probes = new WeakMap<ObjectStore, Probe>();

export async function storageAvailable(store: ObjectStore, now = Date.now()): Promise<boolean> {
  let probe = probes.get(store);
  if (!probe) {
    probe = { checkedAt: -Infinity, up: true, pending: null };
    probes.set(store, probe);
  }
  if (now - probe.checkedAt < (probe.up ? UP_TTL_MS : DOWN_TTL_MS)) return probe.up;
  if (probe.pending) return probe.pending;
  const p = probe;
  const pending = store.ping().catch(() => false).then((up) => {
    p.up = up;
    p.checkedAt = Date.now();
    p.pending = null;
    return up;
  });
  p.pending = pending;
  return pending;
}

/** Forget the cached answer (after an operation saw storage fail, or in tests). */
export function forgetStorageStatus(store: ObjectStore): void {
  probes.delete(store);
}
