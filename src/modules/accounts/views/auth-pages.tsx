// Sign-up, log-in, forgot- and reset-password pages. Each renders both the empty form and
// the form re-shown with the submitted values and field errors.
import { Field, Form, SubmitButton, type FieldErrors } from '../../../ui/form.tsx';

export interface FormState { values: Record<string, string>; errors: FieldErrors; message?: string }
export const emptyForm: FormState = { values: {}, errors: {} };

/** Focus the first field with an error (or the first field), so keyboard users land on the problem. */
function focusField(state: FormState, order: string[]): string {
  return order.find((k) => state.errors[k]?.trim()) ?? order[0]!;
}

export function SignupPage(p: { csrfToken: string; state: FormState; next: string }) {
  const focus = focusField(p.state, ['username', 'email', 'password']);
  return (
    <section class="auth">
      <h1>Create your account</h1>
      <p class="muted">Fans and creators use the same account. Becoming a creator is one step later.</p>
      <Form action={`/signup?next=${encodeURIComponent(p.next)}`} csrfToken={p.csrfToken} errors={p.state.errors}>
        <Field name="username" label="Username" value={p.state.values.username} error={p.state.errors.username}
          hint="3–30 characters: letters, digits, _ and -. Your page will be /@username." autocomplete="username" maxlength={30} required autofocus={focus === 'username'} />
        <Field name="email" label="Email" type="email" value={p.state.values.email} error={p.state.errors.email} autocomplete="email" maxlength={254} required autofocus={focus === 'email'} />
        <Field name="password" label="Password" type="password" error={p.state.errors.password}
          hint="At least 8 characters. A few unrelated words make a strong one." autocomplete="new-password" maxlength={128} required autofocus={focus === 'password'} />
        <SubmitButton>Sign up</SubmitButton>
      </Form>
      <p>Already have an account? <a href="/login">Log in</a></p>
    </section>
  );
}

export function LoginPage(p: { csrfToken: string; state: FormState; next: string }) {
  return (
    <section class="auth">
      <h1>Log in</h1>
      <Form action={`/login?next=${encodeURIComponent(p.next)}`} csrfToken={p.csrfToken} errors={{}}>
        {p.state.message ? <div class="form-errors" role="alert">{p.state.message}</div> : null}
        <Field name="identifier" label="Username or email" value={p.state.values.identifier}
          error={p.state.errors.identifier?.trim() || undefined} autocomplete="username" maxlength={254} required autofocus />
        <Field name="password" label="Password" type="password" error={p.state.errors.password?.trim() || undefined} autocomplete="current-password" required />
        <SubmitButton>Log in</SubmitButton>
      </Form>
      <p><a href="/password/forgot">Forgot your password?</a> · New here? <a href="/signup">Create an account</a></p>
    </section>
  );
}

export function ForgotPasswordPage(p: { csrfToken: string; state: FormState; sent: boolean }) {
  return (
    <section class="auth">
      <h1>Reset your password</h1>
      {p.sent ? (
        <p class="card" role="status">If an account uses that address, we have emailed it a link to choose a new password. The link works for one hour.</p>
      ) : (
        <Form action="/password/forgot" csrfToken={p.csrfToken} errors={p.state.errors}>
          <Field name="email" label="Email" type="email" value={p.state.values.email} error={p.state.errors.email} autocomplete="email" required autofocus />
          <SubmitButton>Email me a reset link</SubmitButton>
        </Form>
      )}
      <p><a href="/login">Back to log in</a></p>
    </section>
  );
}

export function ResetPasswordPage(p: { csrfToken: string; token: string; state: FormState; valid: boolean }) {
  return (
    <section class="auth">
      <h1>Choose a new password</h1>
      {p.valid ? (
        <Form action={`/password/reset?token=${encodeURIComponent(p.token)}`} csrfToken={p.csrfToken} errors={p.state.errors}>
          <Field name="password" label="New password" type="password" error={p.state.errors.password} autocomplete="new-password" maxlength={128} required autofocus />
          <SubmitButton>Save new password</SubmitButton>
        </Form>
      ) : (
        <p class="form-errors" role="alert">This reset link is invalid, already used or expired. <a href="/password/forgot">Ask for a new one</a>.</p>
      )}
    </section>
  );
}

export function VerifyPage(p: { csrfToken: string; token: string; state: 'ready' | 'done' | 'invalid'; signedIn: boolean; alreadyVerified: boolean }) {
  if (p.state === 'ready') {
    return (
      <section class="auth">
        <h1>Confirm your email</h1>
        <form method="post" action={`/verify-email?token=${encodeURIComponent(p.token)}`} class="stack-form">
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <button type="submit" class="button">Confirm my email address</button>
        </form>
      </section>
    );
  }
  const next = p.signedIn ? <a href="/account">Go to your account</a> : <a href="/login">Log in</a>;
  return (
    <section class="auth">
      <h1>{p.state === 'done' ? 'Email confirmed' : 'This link no longer works'}</h1>
      {p.state === 'done' ? (
        <p>Thanks — your email address is confirmed. {next}</p>
      ) : p.alreadyVerified ? (
        <p>Your email address is already confirmed, so there is nothing more to do. {next}</p>
      ) : (
        <p>The confirmation link is invalid, already used or expired. {p.signedIn ? 'Use “Send it again” at the top of the page for a new one.' : <a href="/login">Log in to get a new one.</a>}</p>
      )}
    </section>
  );
}
