// Signed URLs of the local backend: an HMAC (APP_SECRET) over everything the URL grants —
// purpose, key, expiry, viewer and response overrides — so any app instance with the same
// secret can verify it, and changing any parameter (another key, a later expiry) breaks it.
import { hmac, safeEqual } from '../crypto.ts';

export type SignedPurpose = 'get' | 'put' | 'part';

export interface SignedGrant {
  purpose: SignedPurpose;
  key: string;
  /** Unix seconds. */
  expires: number;
  viewerId?: string;
  downloadName?: string;
  contentType?: string;
  uploadId?: string;
  partNumber?: number;
}

export const STORAGE_PATH = '/storage/';

const PARAM: Record<Exclude<keyof SignedGrant, 'key'>, string> = {
  purpose: 'p', expires: 'exp', viewerId: 'v', downloadName: 'dl', contentType: 'ct', uploadId: 'u', partNumber: 'n',
};

function canonical(g: SignedGrant): string {
  // Newline-separated and in a fixed order; values cannot contain newlines that matter
  // because each is length-prefixed.
  const parts = [g.purpose, g.key, String(g.expires), g.viewerId ?? '', g.downloadName ?? '', g.contentType ?? '', g.uploadId ?? '', g.partNumber === undefined ? '' : String(g.partNumber)];
  return `storage-v1\n${parts.map((p) => `${p.length}:${p}`).join('\n')}`;
}

export function signedPath(secret: string, g: SignedGrant): string {
  const q = new URLSearchParams();
  for (const [field, name] of Object.entries(PARAM) as [keyof typeof PARAM, string][]) {
    const v = g[field];
    if (v !== undefined && v !== '') q.set(name, String(v));
  }
  q.set('sig', hmac(secret, canonical(g)));
  return `${STORAGE_PATH}${g.key.split('/').map(encodeURIComponent).join('/')}?${q}`;
}

export type VerifyResult = { ok: true; grant: SignedGrant } | { ok: false; reason: 'malformed' | 'expired' | 'bad-signature' };

/** Checks a request's path and query against its signature; `nowSeconds` from the caller's clock. */
export function verifySigned(secret: string, key: string, query: URLSearchParams, nowSeconds: number): VerifyResult {
  const purpose = query.get('p');
  const expires = Number(query.get('exp'));
  const sig = query.get('sig');
  if ((purpose !== 'get' && purpose !== 'put' && purpose !== 'part') || !Number.isSafeInteger(expires) || !sig) return { ok: false, reason: 'malformed' };
  const n = query.get('n');
  const grant: SignedGrant = {
    purpose, key, expires,
    viewerId: query.get('v') ?? undefined,
    downloadName: query.get('dl') ?? undefined,
    contentType: query.get('ct') ?? undefined,
    uploadId: query.get('u') ?? undefined,
    partNumber: n === null ? undefined : Number(n),
  };
  if (grant.partNumber !== undefined && !Number.isSafeInteger(grant.partNumber)) return { ok: false, reason: 'malformed' };
  if (!safeEqual(sig, hmac(secret, canonical(grant)))) return { ok: false, reason: 'bad-signature' };
  if (expires < nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, grant };
}
