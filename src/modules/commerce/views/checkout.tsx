// Checkout pages: the form again with its errors, the tip form, and the local provider's
// TEST MODE payment page.
import { CsrfField, Field, type FieldErrors } from '../../../ui/form.tsx';

export interface RetryProps {
  action: string; title: string; csrfToken: string; checkoutKey: string; errors: FieldErrors; message: string;
  /** Which fields the form needs: an amount (pay what you want, tips) and an email (guests). */
  askAmount: boolean; askEmail: boolean; amount: string; email: string; currency: string; minimumLabel?: string;
  backHref: string; libraryHref?: string;
}

/** Shown when a checkout or tip is refused: the reason, and the form to try again. */
export function CheckoutRetryPage(p: RetryProps) {
  return (
    <section class="card narrow">
      <h1>{p.title}</h1>
      <p class="form-errors" role="alert">{p.message}</p>
      {p.libraryHref ? <p><a class="button" href={p.libraryHref}>Go to your library</a></p> : null}
      {p.askAmount || p.askEmail ? (
        <CheckoutFields {...p} submitLabel="Continue to payment" />
      ) : null}
      <p><a href={p.backHref}>Back</a></p>
    </section>
  );
}

export function CheckoutFields(p: Omit<RetryProps, 'title' | 'message' | 'backHref'> & { submitLabel: string }) {
  return (
    <form method="post" action={p.action} class="stack-form" novalidate>
      <CsrfField token={p.csrfToken} />
      <input type="hidden" name="checkout_key" value={p.checkoutKey} />
      {p.askAmount ? <Field name="amount" label={`Amount (${p.currency})`} value={p.amount} error={p.errors.amount} hint={p.minimumLabel} required /> : null}
      {p.askEmail ? <Field name="email" type="email" label="Email for your receipt" value={p.email} error={p.errors.email} autocomplete="email" required
        hint="We email you a link to what you bought at once; log in with this address later to find it in your library." /> : null}
      {p.errors.form ? <p class="field-error">{p.errors.form}</p> : null}
      <button type="submit" class="button">{p.submitLabel}</button>
    </form>
  );
}

/** After a guest's free claim: the link is in their inbox (sent whether or not the address already had it). */
export function EmailSentPage() {
  return (
    <section class="card narrow">
      <h1>Check your inbox</h1>
      <p>We have emailed the link to the address you entered. It can take a minute to arrive; look in your spam folder if it does not.</p>
      <p class="muted">The link keeps working without an account. Sign up or log in with the same address and confirm it to find everything in your library too.</p>
      <p><a href="/discover">Keep browsing</a></p>
    </section>
  );
}

export function TipPage(p: { creatorName: string; username: string; currency: string; csrfToken: string; checkoutKey: string; signedIn: boolean; errors: FieldErrors; amount: string; email: string }) {
  return (
    <section class="card narrow">
      <h1>Tip {p.creatorName}</h1>
      <p>Tips go straight to {p.creatorName}; Makenot.work takes no cut.</p>
      <CheckoutFields action={`/tip/${p.username}`} csrfToken={p.csrfToken} checkoutKey={p.checkoutKey} errors={p.errors}
        askAmount askEmail={!p.signedIn} amount={p.amount} email={p.email} currency={p.currency} submitLabel="Send tip" />
      <p><a href={`/@${p.username}`}>Back to {p.creatorName}</a></p>
    </section>
  );
}

export function TestCheckoutPage(p: { sessionId: string; csrfToken: string; creatorName: string; lines: { title: string; price: string }[]; total: string; email: string; paid: boolean; declined: boolean; cancelHref: string }) {
  return (
    <section class="card narrow test-checkout">
      <p class="banner" role="note"><strong>TEST MODE</strong> — this is the built-in test checkout. No card is charged and no money moves.</p>
      <h1>Pay {p.creatorName}</h1>
      {p.declined && !p.paid ? <p class="form-errors" role="alert">The (simulated) payment was declined. Nothing was charged; try again or cancel.</p> : null}
      <table class="table">
        <tbody>{p.lines.map((l) => <tr><td>{l.title}</td><td class="num">{l.price}</td></tr>)}</tbody>
        <tfoot><tr><th scope="row">Total</th><td class="num"><strong>{p.total}</strong></td></tr></tfoot>
      </table>
      <p class="muted">Receipt to {p.email}</p>
      {p.paid ? <p>This checkout is already paid.</p> : (
        <>
          <form method="post" action={`/checkout/test/${p.sessionId}`} class="inline-form">
            <CsrfField token={p.csrfToken} />
            <input type="hidden" name="outcome" value="pay" />
            <button type="submit" class="button">Pay {p.total} (test)</button>
          </form>{' '}
          <form method="post" action={`/checkout/test/${p.sessionId}`} class="inline-form">
            <CsrfField token={p.csrfToken} />
            <input type="hidden" name="outcome" value="fail" />
            <button type="submit" class="button button-secondary">Simulate a declined payment</button>
          </form>
        </>
      )}
      <p><a href={p.cancelHref}>Cancel and go back</a></p>
    </section>
  );
}
