// Account settings: who you are, and every device signed in, each revocable.
import type { Viewer } from '../../../platform/http/context.ts';
import { CsrfField } from '../../../ui/form.tsx';

export interface SessionRow { id: string; user_agent: string; ip: string; created_at: Date; last_seen_at: Date }

export function AccountPage(p: { viewer: Viewer; sessions: SessionRow[]; csrfToken: string }) {
  const others = p.sessions.filter((s) => s.id !== p.viewer.sessionId).length;
  return (
    <section>
      <h1>Your account</h1>
      <div class="card">
        <p><strong>{p.viewer.displayName}</strong> <span class="muted">@{p.viewer.username}</span></p>
        <p>{p.viewer.email} {p.viewer.emailVerified ? <span class="badge">confirmed</span> : <span class="badge">not confirmed yet</span>}</p>
        <p class="muted">Roles: fan{p.viewer.isCreator ? ', creator' : ''}{p.viewer.isAdmin ? ', admin' : ''}</p>
      </div>

      <h2 id="sessions">Where you're signed in</h2>
      <table class="list" aria-describedby="sessions">
        <thead><tr><th scope="col">Device</th><th scope="col">Address</th><th scope="col">Last active</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
        <tbody>
          {p.sessions.map((s) => (
            <tr>
              <td>{describeDevice(s.user_agent)} {s.id === p.viewer.sessionId ? <span class="badge">this device</span> : null}</td>
              <td>{s.ip || 'unknown'}</td>
              <td><time datetime={s.last_seen_at.toISOString()}>{formatWhen(s.last_seen_at)}</time></td>
              <td>
                <form method="post" action={`/account/sessions/${s.id}/revoke`} class="inline-form">
                  <CsrfField token={p.csrfToken} />
                  <button type="submit" class="link-button">{s.id === p.viewer.sessionId ? 'Log out' : 'Revoke'}</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {others > 0 ? (
        <form method="post" action="/account/sessions/revoke-others" class="account-actions">
          <CsrfField token={p.csrfToken} />
          <button type="submit" class="button button-secondary">Log out everywhere else ({others})</button>
        </form>
      ) : <p class="muted">No other devices are signed in.</p>}
    </section>
  );
}

/** A short human label from a User-Agent string ("Firefox on Linux"); not for security. */
export function describeDevice(ua: string): string {
  if (!ua) return 'Unknown device';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari' : /curl|node|undici/i.test(ua) ? 'Script' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}

function formatWhen(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
