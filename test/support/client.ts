// A small browser-like client for app.request(): keeps cookies and finds the page's CSRF
// token. After a form post that redirects it loads the target page, as a browser would (so
// tokens rotated at login stay current), but returns the post's own response to the test.
import type { Hono } from 'hono';
import { cookieHeader, csrfTokenIn, storeCookies } from './cookies.ts';

export class TestClient {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(private app: Hono<any>, private headers: Record<string, string> = {}) {} // eslint-disable-line @typescript-eslint/no-explicit-any

  async get(path: string, headers: Record<string, string> = {}) {
    return this.send(path, { method: 'GET', headers });
  }

  /** Posts a form with the CSRF token of the last page seen, unless the body sets _csrf itself. */
  async post(path: string, form: Record<string, string> = {}, headers: Record<string, string> = {}) {
    const body = new URLSearchParams({ _csrf: this.csrf, ...form });
    const res = await this.send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
    const location = res.headers.get('location');
    const followed = res.status >= 300 && res.status < 400 && location?.startsWith('/') ? await this.get(location) : null;
    return Object.assign(res, { followed });
  }

  async send(path: string, init: RequestInit & { headers?: Record<string, string> }) {
    const cookie = cookieHeader(this.cookies);
    const res = await this.app.request(path, { ...init, headers: { ...this.headers, ...(cookie ? { cookie } : {}), ...init.headers } });
    storeCookies(this.cookies, res.headers);
    const text = await res.clone().text();
    this.csrf = csrfTokenIn(text) ?? this.csrf;
    return Object.assign(res, { html: text });
  }
}
