// Request rate limits shared by every app process: fixed-window counters in PostgreSQL
// (migrations/0012), one atomic upsert per hit, the window taken from the database's clock so
// all instances agree. A refused request gets 429 with Retry-After (TooManyRequests, mapped in
// app.tsx). Fixed windows allow up to twice the limit across a window boundary; for abuse
// limits (sign-ups, checkouts) that is an acceptable trade for one statement per request.
import type { MiddlewareHandler } from 'hono';
import type pg from 'pg';
import { TooManyRequests } from '../errors.ts';
import type { AppEnv } from './context.ts';

export interface RateLimit { count: number; windowSeconds: number }

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "10/1h", "30/10m", "5/30s": at most `count` requests per window. Null when malformed. */
export function parseRateLimit(raw: string): RateLimit | null {
  const m = /^(\d{1,7})\/(\d{1,5})([smhd])$/.exec(raw.trim());
  if (!m) return null;
  const count = Number(m[1]);
  const windowSeconds = Number(m[2]) * UNITS[m[3]!]!;
  return count >= 1 && windowSeconds >= 1 && windowSeconds <= 7 * 86_400 ? { count, windowSeconds } : null;
}

async function hit(pool: pg.Pool, bucket: string, key: string, limit: RateLimit) {
  const { rows } = await pool.query<{ hits: number; retry_after: number; window_start: Date }>(
    `INSERT INTO rate_limit_counters AS c (bucket, key, window_start, hits)
     VALUES ($1, $2, to_timestamp(floor(extract(epoch FROM now()) / $3) * $3), 1)
     ON CONFLICT (bucket, key, window_start) DO UPDATE SET hits = c.hits + 1
     RETURNING hits, window_start, ceil(extract(epoch FROM c.window_start + make_interval(secs => $3) - now()))::int AS retry_after`,
    [bucket, key.slice(0, 200), limit.windowSeconds]);
  const row = rows[0]!;
  return { retryAfter: row.hits > limit.count ? Math.max(1, row.retry_after) : null, windowStart: row.window_start };
}

/** Counts one request; returns the seconds until the window resets when it is over the limit. */
export async function hitRateLimit(pool: pg.Pool, bucket: string, key: string, limit: RateLimit): Promise<number | null> {
  return (await hit(pool, bucket, key, limit)).retryAfter;
}

/** Takes back a counted request that turned out not to count (in the window it was counted in). */
async function unhit(pool: pg.Pool, bucket: string, key: string, windowStart: Date) {
  await pool.query(`UPDATE rate_limit_counters SET hits = greatest(hits - 1, 0) WHERE bucket = $1 AND key = $2 AND window_start = $3`,
    [bucket, key.slice(0, 200), windowStart]);
}

/** Deletes windows that started more than 8 days ago (the longest window is 7 days). */
export async function pruneRateLimits(pool: pg.Pool): Promise<number> {
  const { rowCount } = await pool.query(`DELETE FROM rate_limit_counters WHERE window_start < now() - interval '8 days'`);
  return rowCount ?? 0;
}

/**
 * Middleware for one bucket, keyed by the client address (the same key for every instance
 * behind the proxy, with TRUST_PROXY set). Runs after CSRF, so forged posts never count.
 */
export function rateLimit(opts: {
  pool: pg.Pool; bucket: string; limit: RateLimit; message: string;
  /**
   * Only requests whose response passes count (say, sign-ups that created an account). Counted
   * first and taken back after, so concurrent requests cannot slip past the limit together.
   */
  counts?: (res: Response) => boolean;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = `ip:${c.get('clientIp')}`;
    const { retryAfter, windowStart } = await hit(opts.pool, opts.bucket, key, opts.limit);
    if (retryAfter !== null) {
      // A refused request creates nothing, so it is not one of the requests that count: left
      // counted, a burst of concurrent forms would fill the window for everyone behind this address.
      if (opts.counts) await unhit(opts.pool, opts.bucket, key, windowStart);
      c.get('log').warn({ bucket: opts.bucket, ip: c.get('clientIp'), retryAfter }, 'rate limit reached');
      const minutes = Math.ceil(retryAfter / 60);
      throw new TooManyRequests(`${opts.message} Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, retryAfter);
    }
    if (!opts.counts) return next();
    let counted = false;
    try {
      await next();
      counted = opts.counts(c.res);
    } finally {
      if (!counted) await unhit(opts.pool, opts.bucket, key, windowStart);
    }
  };
}
