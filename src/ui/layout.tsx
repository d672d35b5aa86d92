// The page shell: header navigation (different when signed in), flash message, main, footer.
import type { Child } from 'hono/jsx';
import type { Flash, Viewer } from '../platform/http/context.ts';
import { PlayerBar } from './player-bar.tsx';

export interface LayoutProps {
  title: string;
  viewer: Viewer | null;
  csrfToken: string;
  flash: Flash | null;
  devMode: boolean;
  /** The current path, so forms in the shell can return here. */
  path: string;
  children?: Child;
}

export function Layout(p: LayoutProps) {
  const fullTitle = p.title ? `${p.title} · Makenot.work` : 'Makenot.work';
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{fullTitle}</title>
        {/* Our CSP forbids inline styles: htmx must not inject its indicator <style> (that CSS is in
            app.css) nor copy style attributes when it settles a swap (we never write any). */}
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"attributesToSettle":["class","width","height"]}' />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/htmx.min.js" defer></script>
        <script src="/static/player.js" defer></script>
        {/* Tiny and cached; it listens on the document, so fields htmx swaps in later work too. */}
        <script src="/static/tag-suggest.js" defer></script>
      </head>
      <body hx-headers={JSON.stringify({ 'X-CSRF-Token': p.csrfToken })}>
        {/* #page is what the player's boosted navigation swaps (and htmx's history snapshots);
            the player below it stays. */}
        <div id="page" hx-history-elt>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <nav class="nav" aria-label="Main">
            <a class="brand" href="/">Makenot.work</a>
            <form class="nav-search" method="get" action="/search" role="search">
              <label for="nav-q" class="visually-hidden">Search</label>
              <input id="nav-q" type="search" name="q" placeholder="Search music, video, writing…" maxlength={200} />
            </form>
            <ul class="nav-links">
              <li><a href="/discover">Discover</a></li>
              {p.viewer ? <SignedInLinks viewer={p.viewer} csrfToken={p.csrfToken} devMode={p.devMode} /> : <VisitorLinks devMode={p.devMode} />}
            </ul>
          </nav>
        </header>
        {p.viewer && !p.viewer.emailVerified ? (
          <div class="banner" role="status">
            Please confirm your email address — we sent a link to <strong>{p.viewer.email}</strong>.{' '}
            <form method="post" action="/account/verify/resend" class="inline-form">
              <input type="hidden" name="_csrf" value={p.csrfToken} />
              <input type="hidden" name="next" value={p.path} />
              <button type="submit" class="link-button">Send it again</button>
            </form>
          </div>
        ) : null}
        {p.flash ? (
          <div class={`flash flash-${p.flash.kind}`} role={p.flash.kind === 'error' ? 'alert' : 'status'}>{p.flash.message}</div>
        ) : null}
        <main id="main" tabindex={-1}>{p.children}</main>
        <footer class="site-footer">
          <p>Makenot.work — creators keep 100%. A flat fee, never a cut.</p>
        </footer>
        </div>
        <PlayerBar />
      </body>
    </html>
  );
}

function VisitorLinks(p: { devMode: boolean }) {
  return (
    <>
      {p.devMode ? <li><a href="/dev/mailbox">Mailbox</a></li> : null}
      <li><a href="/login">Log in</a></li>
      <li><a class="button button-small" href="/signup">Sign up</a></li>
    </>
  );
}

function SignedInLinks(p: { viewer: Viewer; csrfToken: string; devMode: boolean }) {
  return (
    <>
      {p.devMode ? <li><a href="/dev/mailbox">Mailbox</a></li> : null}
      <li><a href="/library">Library</a></li>
      <li>{p.viewer.isCreator ? <a href="/dashboard">Dashboard</a> : <a href="/creator/start">Become a creator</a>}</li>
      {p.viewer.isCreator ? <li><a href="/dashboard/sales">Sales</a></li> : null}
      {p.viewer.isAdmin ? <li><a href="/admin">Admin</a></li> : null}
      <li><a href="/account">{p.viewer.displayName}</a></li>
      <li>
        <form method="post" action="/logout" class="inline-form">
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <button type="submit" class="link-button">Log out</button>
        </form>
      </li>
    </>
  );
}
