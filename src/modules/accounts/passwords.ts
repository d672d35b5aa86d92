// Password hashing with argon2id (@node-rs/argon2: the `argon2` package's binary crashes here).
import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
const OPTIONS = { algorithm: 2 /* Algorithm.Argon2id (a const enum, not importable under verbatimModuleSyntax) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false; // a malformed stored hash never authenticates
  }
}

// Verified against when the account does not exist, so both paths take the same time.
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('dummy-password-for-timing-only');
  await verifyPassword(await dummyHash, password);
  return false;
}

/**
 * The same typed password must give the same bytes whatever keyboard or OS produced it
 * (macOS may send "é" decomposed): NFKC, as NIST SP 800-63B recommends.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}
