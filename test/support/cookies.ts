// The cookie jar and CSRF token every browser-like test client keeps (TestClient for
// app.request(), WebClient and HttpSession for real servers, the traffic generator): one
// reading of Set-Cookie and of the page's token for all of them.

/** The Cookie header for a jar. */
export const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** Applies a response's Set-Cookie lines to the jar: set, replaced, or removed when expired or emptied. */
export function storeCookies(jar: Map<string, string>, headers: Headers) {
  for (const line of headers.getSetCookie()) {
    const [pair = '', ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attrs.some((a) => /max-age=0/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
    if (expired || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

/** The CSRF token a page carries: its forms' hidden field, or the hx-headers of htmx pages. */
export function csrfTokenIn(html: string): string | undefined {
  return (/name="_csrf" value="([^"]+)"/.exec(html) ?? /&quot;X-CSRF-Token&quot;:&quot;([^&]+)&quot;/.exec(html))?.[1];
}
