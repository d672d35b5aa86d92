// The one page every error becomes: a heading, the message, and a way back.
export function ErrorPage(p: { status: number; message: string; requestId?: string }) {
  const heading = p.status === 404 ? 'Page not found' : p.status === 403 ? 'Not allowed'
    : p.status === 429 ? 'Slow down' : p.status === 503 ? 'Temporarily unavailable' : p.status === 507 ? 'Storage is full'
    : p.status >= 500 ? 'Something went wrong' : 'That did not work';
  return (
    <section class="error-page">
      <h1>{heading}</h1>
      <p>{p.message}</p>
      {p.requestId && p.status >= 500 ? <p class="muted">Reference: {p.requestId}</p> : null}
      <p><a href="/">Go to the home page</a></p>
    </section>
  );
}
