// Account pages. Thin: read the form, call the service, then redirect or re-render with errors.
import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { Deps } from '../../deps.ts';
import { TooManyRequests, ValidationError } from '../../platform/errors.ts';
import type { AppEnv, Flash } from '../../platform/http/context.ts';
import { setFlash } from '../../platform/http/flash.ts';
import { echoValue, safeNextPath } from '../../platform/validate.ts';
import { renderPage } from '../../ui/render.tsx';
import * as accounts from './service.ts';
import { endSessionCookie, requireViewer, sessionToken, setSessionCookie } from './session.ts';
import { AccountPage } from './views/account-page.tsx';
import {
  emptyForm, ForgotPasswordPage, LoginPage, ResetPasswordPage, SignupPage, VerifyPage, type FormState,
} from './views/auth-pages.tsx';

type C = Context<AppEnv>;

export function accountRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const devMode = deps.config.env === 'development';
  const page = (c: C, title: string, body: Child, status?: 200 | 422 | 429) => renderPage(c, { title, devMode, status }, body);
  const flash = (c: C, kind: Flash['kind'], message: string) => setFlash(c, deps.config, kind, message);
  const meta = (c: C) => ({ ip: c.get('clientIp'), userAgent: c.req.header('user-agent') ?? '' });
  const next = (c: C) => safeNextPath(c.req.query('next'), '/account');

  app.get('/signup', (c) => (c.get('viewer') ? c.redirect('/account', 303)
    : page(c, 'Sign up', <SignupPage csrfToken={c.get('csrfToken')} state={emptyForm} next={next(c)} />)));

  app.post('/signup', async (c) => {
    const body = await c.req.parseBody();
    try {
      const session = await accounts.signUp(deps, body, meta(c));
      setSessionCookie(c, deps, session.token);
      flash(c, 'success', 'Welcome to Makenot.work! We sent you an email to confirm your address.');
      return c.redirect(next(c), 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return page(c, 'Sign up', <SignupPage csrfToken={c.get('csrfToken')} state={formState(body, err, ['username', 'email'])} next={next(c)} />, 422);
    }
  });

  app.get('/login', (c) => (c.get('viewer') ? c.redirect(next(c), 303)
    : page(c, 'Log in', <LoginPage csrfToken={c.get('csrfToken')} state={emptyForm} next={next(c)} />)));

  app.post('/login', async (c) => {
    const body = await c.req.parseBody();
    try {
      const session = await accounts.logIn(deps, body, meta(c));
      setSessionCookie(c, deps, session.token);
      return c.redirect(next(c), 303);
    } catch (err) {
      if (err instanceof TooManyRequests) {
        c.header('Retry-After', String(err.retryAfterSeconds));
        return page(c, 'Log in', <LoginPage csrfToken={c.get('csrfToken')} state={{ ...formState(body, null, ['identifier']), message: err.message }} next={next(c)} />, 429);
      }
      if (!(err instanceof ValidationError)) throw err;
      return page(c, 'Log in', <LoginPage csrfToken={c.get('csrfToken')} state={formState(body, err, ['identifier'])} next={next(c)} />, 422);
    }
  });

  app.post('/logout', async (c) => {
    const token = sessionToken(c);
    if (token) await accounts.logOut(deps, token);
    endSessionCookie(c, deps);
    flash(c, 'info', 'You are logged out.');
    return c.redirect('/', 303);
  });

  // The link in the mail opens a page with a button: mail scanners that pre-open links must not
  // use up the single-use token.
  app.get('/verify-email', async (c) => {
    const token = c.req.query('token') ?? '';
    const usable = await accounts.isVerifyTokenUsable(deps, token);
    const viewer = c.get('viewer');
    return page(c, 'Confirm email', <VerifyPage csrfToken={c.get('csrfToken')} token={token} state={usable ? 'ready' : 'invalid'}
      signedIn={!!viewer} alreadyVerified={!!viewer?.emailVerified} />, usable ? 200 : 422);
  });

  app.post('/verify-email', async (c) => {
    const token = c.req.query('token') ?? '';
    const ok = await accounts.verifyEmail(deps, token);
    const viewer = c.get('viewer');
    return page(c, ok ? 'Email confirmed' : 'Link expired', <VerifyPage csrfToken={c.get('csrfToken')} token={token} state={ok ? 'done' : 'invalid'}
      signedIn={!!viewer} alreadyVerified={!!viewer?.emailVerified} />, ok ? 200 : 422);
  });

  app.post('/account/verify/resend', requireViewer, async (c) => {
    const sent = await accounts.resendVerification(deps, c.get('viewer')!.id);
    flash(c, sent ? 'info' : 'error', sent ? `We sent a new confirmation link to ${c.get('viewer')!.email}.`
      : 'We sent you a link a moment ago. Please check your inbox (and spam folder) before asking again.');
    return c.redirect(safeNextPath((await c.req.parseBody()).next, '/account'), 303);
  });

  app.get('/password/forgot', (c) => page(c, 'Reset password', <ForgotPasswordPage csrfToken={c.get('csrfToken')} state={emptyForm} sent={false} />));

  app.post('/password/forgot', async (c) => {
    const body = await c.req.parseBody();
    try {
      await accounts.requestPasswordReset(deps, body);
      return page(c, 'Reset password', <ForgotPasswordPage csrfToken={c.get('csrfToken')} state={emptyForm} sent />);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return page(c, 'Reset password', <ForgotPasswordPage csrfToken={c.get('csrfToken')} state={formState(body, err, ['email'])} sent={false} />, 422);
    }
  });

  app.get('/password/reset', async (c) => {
    const token = c.req.query('token') ?? '';
    const valid = await accounts.isResetTokenUsable(deps, token);
    return page(c, 'New password', <ResetPasswordPage csrfToken={c.get('csrfToken')} token={token} state={emptyForm} valid={valid} />, valid ? 200 : 422);
  });

  app.post('/password/reset', async (c) => {
    const token = c.req.query('token') ?? '';
    const body = await c.req.parseBody();
    try {
      if (await accounts.resetPassword(deps, token, body)) {
        endSessionCookie(c, deps);
        flash(c, 'success', 'Your password is changed and every device was signed out. Log in with the new password.');
        return c.redirect('/login', 303);
      }
      return page(c, 'New password', <ResetPasswordPage csrfToken={c.get('csrfToken')} token={token} state={emptyForm} valid={false} />, 422);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return page(c, 'New password', <ResetPasswordPage csrfToken={c.get('csrfToken')} token={token} state={formState(body, err, [])} valid />, 422);
    }
  });

  app.get('/account', requireViewer, async (c) => {
    const viewer = c.get('viewer')!;
    const sessions = await accounts.listSessions(deps, viewer.id);
    return page(c, 'Your account', <AccountPage viewer={viewer} sessions={sessions} csrfToken={c.get('csrfToken')} />);
  });

  app.post('/account/sessions/revoke-others', requireViewer, async (c) => {
    const viewer = c.get('viewer')!;
    await accounts.revokeOtherSessions(deps, viewer.id, viewer.sessionId);
    flash(c, 'success', 'Every other device was logged out.');
    return c.redirect('/account', 303);
  });

  app.post('/account/sessions/:id/revoke', requireViewer, async (c) => {
    const viewer = c.get('viewer')!;
    const id = c.req.param('id');
    const revoked = await accounts.revokeSession(deps, viewer.id, id);
    if (revoked && id === viewer.sessionId) {
      endSessionCookie(c, deps);
      flash(c, 'info', 'You are logged out.');
      return c.redirect('/', 303);
    }
    flash(c, revoked ? 'success' : 'error', revoked ? 'That device was logged out.' : 'That session was already gone.');
    return c.redirect('/account', 303);
  });

  return app;
}

/** Re-shows what was typed (never passwords), capped so a huge field isn't echoed back whole. */
function formState(body: Record<string, unknown>, err: ValidationError | null, keep: string[]): FormState {
  const values: Record<string, string> = {};
  for (const k of keep) values[k] = echoValue(body[k]);
  return { values, errors: err?.fields ?? {}, message: err && Object.values(err.fields).every((f) => !f.trim()) ? err.message : undefined };
}
