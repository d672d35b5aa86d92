// A small browser-like client for app.request(): keeps cookies and finds the page's CSRF
// token. After a form post that redirects it loads the target page, as a browser would (so
// tokens rotated at login stay current), but returns the post's own response to the test.
import type { Hono } from 'hono';

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
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.app.request(path, { ...init, headers: { ...this.headers, ...(cookie ? { cookie } : {}), ...init.headers } });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.clone().text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text) ?? /&quot;X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec(text);
    if (token?.[1]) this.csrf = token[1];
    return Object.assign(res, { html: text });
  }
}
