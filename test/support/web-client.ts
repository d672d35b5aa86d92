// A browser-like HTTP client for real servers that is not tied to one address: one cookie jar
// and CSRF token, and every request names the instance it goes to (app A, app B, or the proxy
// in front of both), so a test can sign in on one instance and carry on on another.
import { cookieHeader, csrfTokenIn, storeCookies } from './cookies.ts';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The request id the app logged this request under (X-Request-Id). */
  requestId: string | null;
  location: string | null;
}

export class WebClient {
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly headers: Record<string, string> = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' }) {}

  async send(base: string, path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Answer> {
    const cookie = cookieHeader(this.cookies);
    const res = await fetch(base + path, {
      ...init, redirect: 'manual', signal: AbortSignal.timeout(60_000),
      headers: { ...this.headers, ...(cookie ? { cookie } : {}), ...init.headers },
    });
    storeCookies(this.cookies, res.headers);
    const text = await res.text();
    this.csrf = csrfTokenIn(text) ?? this.csrf;
    return { status: res.status, headers: res.headers, text, requestId: res.headers.get('x-request-id'), location: res.headers.get('location') };
  }

  get(base: string, path: string) {
    return this.send(base, path);
  }

  /** A form post with the CSRF token of the last page seen (from whichever instance served it). */
  form(base: string, path: string, fields: Record<string, string>) {
    return this.send(base, path, {
      method: 'POST', body: new URLSearchParams({ _csrf: this.csrf, ...fields }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** JSON with the CSRF header, as the uploader and the player send it. */
  async json<T = Record<string, any>>(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: T; requestId: string | null }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await this.send(base, path, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'x-csrf-token': this.csrf, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    });
    return { status: res.status, json: (res.headers.get('content-type')?.includes('json') ? JSON.parse(res.text) : {}) as T, requestId: res.requestId };
  }
}
