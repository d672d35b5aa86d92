// Sign-up, log-in, forgot- and reset-password pages. Each renders both the empty form and
// the form re-shown with the submitted values and field errors.
import { Field, Form, SubmitButton, type FieldErrors } from '../../../ui/form.tsx';

export interface FormState { values: Record<string, string>; errors: FieldErrors; message?: string }
export const emptyForm: FormState = { values: {}, errors: {} };

export function SignupPage(p: { csrfToken: string; state: FormState; next: string }) {
  return (
    <section class="auth">
      <h1>Create your account</h1>
      <p class="muted">Fans and creators use the same account. Becoming a creator is one step later.</p>
      <Form action={`/signup?next=${encodeURIComponent(p.next)}`} csrfToken={p.csrfToken} errors={p.state.errors}>
        <Field name="username" label="Username" value={p.state.values.username} error={p.state.errors.username}
          hint="3–30 characters: letters, digits, _ and -. Your page will be /@username." autocomplete="username" maxlength={30} required autofocus />
        <Field name="email" label="Email" type="email" value={p.state.values.email} error={p.state.errors.email} autocomplete="email" maxlength={254} required />
        <Field name="password" label="Password" type="password" error={p.state.errors.password}
          hint="At least 8 characters. A few unrelated words make a strong one." autocomplete="new-password" maxlength={128} required />
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

export function VerifyResultPage(p: { ok: boolean; signedIn: boolean }) {
  return (
    <section class="auth">
      <h1>{p.ok ? 'Email confirmed' : 'This link no longer works'}</h1>
      {p.ok ? (
        <p>Thanks — your email address is confirmed. {p.signedIn ? <a href="/account">Go to your account</a> : <a href="/login">Log in</a>}</p>
      ) : (
        <p>The confirmation link is invalid, already used or expired. {p.signedIn ? 'Use “Send it again” at the top of the page for a new one.' : <a href="/login">Log in to get a new one.</a>}</p>
      )}
    </section>
  );
}
