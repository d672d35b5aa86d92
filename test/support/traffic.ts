// Steady traffic for fault tests: visitor loops that run until stopped, each request recorded
// with when it started and ended, what came back, and whether a failure was our own page.
// Nothing here is retried or hidden: a dropped connection is recorded as one.
import type { HttpSession } from '../../bench/lib.ts';
import { csrfTokenIn, storeCookies } from './cookies.ts';

/** A request that got no answer in this long counts as a hang (the fault tests' only clock: a bound, not a measurement). */
export const REQUEST_TIMEOUT_MS = 60_000;

export interface Sample {
  step: string;
  path: string;
  started: number;
  ended: number;
  status: number | null;
  /** The expected answer came back. */
  ok: boolean;
  /** A failure answered with our error page (or the API's JSON error), not a bare or foreign one. */
  ourPage: boolean;
  retryAfter: string | null;
  error?: string;
  problem?: string;
}

export interface Expect { status: number; location?: RegExp; form?: Record<string, string> }

export class Traffic {
  readonly samples: Sample[] = [];
  private stopped = false;

  stop() { this.stopped = true; }

  /** n loops of `round` until stop(); a round that throws is recorded and the loop goes on. */
  run(n: number, round: (roundNumber: number) => Promise<void>): Promise<void> {
    let next = 0;
    return Promise.all(Array.from({ length: n }, async () => {
      while (!this.stopped) {
        try {
          await round(next++);
        } catch (err) {
          const now = performance.now();
          this.samples.push({ step: 'round', path: '', started: now, ended: now, status: null, ok: false, ourPage: false, retryAfter: null, error: String(err) });
        }
      }
    })).then(() => undefined);
  }

  /** One request through the session (its cookies and CSRF token); returns the response when it was the expected one. */
  async step(session: HttpSession, step: string, path: string, expect: Expect): Promise<Response | null> {
    const started = performance.now();
    const sample: Sample = { step, path, started, ended: started, status: null, ok: false, ourPage: false, retryAfter: null };
    this.samples.push(sample);
    try {
      const res = await fetch(session.base + path, {
        method: expect.form ? 'POST' : 'GET',
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: { ...session.headers, cookie: session.cookieHeader(), ...(expect.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: expect.form ? new URLSearchParams({ _csrf: session.csrf, ...expect.form }) : undefined,
      });
      const body = await res.text();
      sample.ended = performance.now();
      sample.status = res.status;
      sample.retryAfter = res.headers.get('retry-after');
      storeCookies(session.cookies, res.headers);
      if (!expect.form) session.csrf = csrfTokenIn(body) ?? session.csrf;
      const location = res.headers.get('location') ?? '';
      sample.ok = res.status === expect.status && (!expect.location || expect.location.test(location));
      if (!sample.ok) {
        sample.ourPage = isOurErrorAnswer(res, body);
        sample.problem = `${location ? `→ ${location} ` : ''}${body.slice(0, 160).replace(/\s+/g, ' ')}`;
      }
      return sample.ok ? res : null;
    } catch (err) {
      sample.ended = performance.now();
      sample.error = `${(err as Error).name}: ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? '')}`;
      return null;
    }
  }
}

/** Our error page (layout, heading, request reference) or the JSON API's { error } body. */
export function isOurErrorAnswer(res: Response, body: string) {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('application/json')) {
    try {
      return typeof (JSON.parse(body) as { error?: unknown }).error === 'string';
    } catch {
      return false;
    }
  }
  return type.includes('text/html') && body.startsWith('<!DOCTYPE html>') && /class="error-page"/.test(body)
    && (res.status < 500 || /Reference: [0-9a-f-]{36}/.test(body));
}

/** Waits until cond() holds, checking every intervalMs; fails with the label after timeoutMs. */
export async function poll(label: string, cond: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 200) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
