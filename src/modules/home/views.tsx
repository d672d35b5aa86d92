import type { Viewer } from '../../platform/http/context.ts';

export function HomePage(p: { viewer: Viewer | null }) {
  return (
    <>
      <section class="hero">
        <h1>Make work. Keep all of it.</h1>
        <p>Makenot.work is where creators sell music, video, writing, software and any digital file —
          for a flat monthly tier, never a cut. Fans buy, subscribe, stream and download; the money goes
          straight to the creator's own Stripe account.</p>
        {p.viewer ? (
          <p><a class="button" href="/account">Go to your account</a></p>
        ) : (
          <p><a class="button" href="/signup">Create a free account</a> <a class="button button-secondary" href="/login">Log in</a></p>
        )}
      </section>
      <section class="grid" aria-label="How it works">
        <div class="card"><h2>0% platform fee</h2><p>Creators pay a flat tier for storage. Every sale is charged on their own Stripe account.</p></div>
        <div class="card"><h2>Every kind of work</h2><p>Albums in lossless and compressed formats, video, text posts, software and archives.</p></div>
        <div class="card"><h2>Fans own what they buy</h2><p>A library of everything bought, with streaming in the browser and downloads in the format you like.</p></div>
      </section>
    </>
  );
}
