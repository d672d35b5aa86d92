// The web application: middleware in order, every module's routes, and the single place
// where errors become responses.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { accountRoutes, loadViewer } from './modules/accounts/index.ts';
import { adminRoutes } from './modules/admin/index.ts';
import { dashboardRoutes, discoveryRoutes, publicRoutes } from './modules/catalog/index.ts';
import { commerceRoutes } from './modules/commerce/index.ts';
import { creatorRoutes } from './modules/creators/index.ts';
import { healthRoutes, homeRoutes } from './modules/home/routes.tsx';
import { mailboxRoutes } from './modules/mail/index.ts';
import { dashboardMediaRoutes, publicImageRoutes, streamedUploadRoutes, uploadApiRoutes } from './modules/media/index.ts';
import { playbackRoutes } from './modules/playback/index.ts';
import type { Deps } from './deps.ts';
import { isHttps } from './platform/config.ts';
import { isDatabaseUnavailable } from './platform/db.ts';
import { AppError, TooManyRequests } from './platform/errors.ts';
import type { AppEnv } from './platform/http/context.ts';
import { csrfProtection } from './platform/http/csrf.ts';
import { flashMessages } from './platform/http/flash.ts';
import { formBodiesOnly } from './platform/http/forms.ts';
import { rateLimit } from './platform/http/rate-limit.ts';
import { routeIndex } from './platform/http/routes.ts';
import { requestContext, securityHeaders } from './platform/http/security.ts';
import { storageRoutes, WriteRefused } from './platform/storage/index.ts';
import { ErrorPage } from './ui/error-page.tsx';
import { renderPage } from './ui/render.tsx';
import { mountStaticFiles } from './ui/static-files.ts';

const FORM_BODY_LIMIT = 1024 * 1024;
/** Retry-After on 503s: a database restart or a storage blip usually passes within seconds. */
const UNAVAILABLE_RETRY_SECONDS = 10;
/** Machine endpoints with bodies of their own (JSON APIs, webhooks); everything else takes forms. */
const NON_FORM_PREFIXES = ['/api/', '/webhooks/'];

export function createApp(deps: Deps) {
  const { config } = deps;
  const https = isHttps(config);
  const devMode = config.env === 'development';
  const app = new Hono<AppEnv>();

  app.use(requestContext({ log: deps.log, trustProxy: config.trustProxy }));
  app.use(securityHeaders({ https, extraOrigins: deps.store.browserOrigin ? [deps.store.browserOrigin] : [] }));
  // Registered before the session and CSRF middleware, so they answer without touching either.
  app.route('/', healthRoutes(deps));
  mountStaticFiles(app);
  app.route('/', publicImageRoutes(deps)); // public, cacheable: no session or cookies
  // Streamed bodies of any size, authenticated by their own signature or CSRF field: before the
  // form body limit and the body-parsing CSRF check.
  if (deps.store.kind === 'local') app.route('/', storageRoutes({ store: deps.store, secret: config.appSecret, now: () => deps.clock.now(), log: deps.log }));
  app.route('/', streamedUploadRoutes(deps));

  app.use(bodyLimit({ maxSize: FORM_BODY_LIMIT, onError: (c) => errorResponse(c as Context<AppEnv>, 413, 'That form is too large (the limit is 1 MB).', devMode) }));
  // A post (put, delete…) that no route answers skips the body and CSRF checks: it gets the 404
  // or 405 below, not a 415 or 403 about an address that does not exist.
  const routes = routeIndex(app);
  const unrouted = (c: Context) => !routes.answers(c.req.method, c.req.path);
  app.use(formBodiesOnly({ exemptPrefixes: NON_FORM_PREFIXES, unrouted }));
  app.use(csrfProtection({ secret: config.appSecret, https, exemptPrefixes: ['/webhooks/'], unrouted }));
  app.use(flashMessages({ secret: config.appSecret }));
  app.use(loadViewer(deps));
  // Abuse limits per client address, counted in Postgres so every app instance shares them
  // (login has its own lockout in accounts). After CSRF: forged posts are refused, not counted.
  // Sign-ups: the limit counts accounts actually created (a mistyped form is not an account);
  // attempts have their own, five times looser limit, so the form cannot probe names unbounded.
  const signup = config.rateLimits.signup;
  app.on('POST', ['/signup'], rateLimit({ pool: deps.pool, bucket: 'signup-attempts', limit: { ...signup, count: signup.count * 5 }, message: 'Too many sign-up attempts were made from your network.' }));
  app.on('POST', ['/signup'], rateLimit({ pool: deps.pool, bucket: 'signup', limit: signup, message: 'Too many accounts were created from your network.',
    counts: (res) => res.status === 303 })); // 303: signed up and sent on; a refused form is a 422
  app.on('POST', ['/i/:id/checkout', '/projects/:id/checkout', '/tip/:username'], rateLimit({ pool: deps.pool, bucket: 'checkout', limit: config.rateLimits.checkout, message: 'Too many checkouts were started from your network.' }));

  app.route('/', homeRoutes(deps));
  app.route('/', accountRoutes(deps));
  app.route('/', creatorRoutes(deps));
  app.route('/', dashboardRoutes(deps));
  app.route('/', uploadApiRoutes(deps));
  app.route('/', dashboardMediaRoutes(deps));
  app.route('/', discoveryRoutes(deps));
  app.route('/', publicRoutes(deps));
  app.route('/', commerceRoutes(deps));
  app.route('/', playbackRoutes(deps));
  app.route('/', adminRoutes(deps));
  if (devMode) app.route('/', mailboxRoutes(deps));

  app.notFound((c) => {
    const allowed = routes.methodsFor(c.req.path);
    if (!allowed.length) return errorResponse(c as Context<AppEnv>, 404, 'We could not find that page. It may have moved, or the address may be mistyped.', devMode);
    c.header('Allow', allowed.join(', '));
    return errorResponse(c as Context<AppEnv>, 405, `This address does not take ${c.req.method} requests (only ${allowed.join(', ')}).`, devMode);
  });
  app.onError((err, c) => {
    const ctx = c as Context<AppEnv>;
    if (err instanceof TooManyRequests) ctx.header('Retry-After', String(err.retryAfterSeconds));
    // Outages (storage, the payment processor, the database) and full storage pass: say when to try again.
    if (err instanceof AppError && (err.status === 503 || err.status === 507)) ctx.header('Retry-After', String(UNAVAILABLE_RETRY_SECONDS));
    if (err instanceof AppError) return errorResponse(ctx, err.status, err.message, devMode);
    if (err instanceof WriteRefused) {
      // A storage write no module turned into its own message (uploads and processing do).
      (ctx.get('log') ?? deps.log).error({ err }, 'storage refused a write');
      ctx.header('Retry-After', String(UNAVAILABLE_RETRY_SECONDS));
      return errorResponse(ctx, err.full ? 507 : 503, err.full
        ? "The server's file storage is full, so this could not be saved. Nothing was changed; please try again later."
        : 'File storage could not save this just now. Nothing was changed; please try again in a few minutes.', devMode);
    }
    if (isDatabaseUnavailable(err)) {
      ctx.header('Retry-After', String(UNAVAILABLE_RETRY_SECONDS));
      ctx.get('log')?.warn({ err }, 'database unavailable');
      return errorResponse(ctx, 503, 'We cannot reach our database right now. Please try again in a minute.', devMode);
    }
    (ctx.get('log') ?? deps.log).error({ err }, 'unhandled error');
    return errorResponse(ctx, 500, 'Sorry — something broke on our side. It has been logged and we will look into it.', devMode);
  });
  return app;
}

function errorResponse(c: Context<AppEnv>, status: number, message: string, devMode: boolean) {
  // htmx fragments get a fragment; boosted navigation (the player's) gets the whole page.
  if (c.req.header('hx-request') && !c.req.header('hx-boosted')) return c.html(`<p class="form-errors" role="alert">${escapeHtml(message)}</p>`, status as 400);
  if (c.req.path.startsWith('/api/')) return c.json({ error: message }, status as 400);
  return renderPage(c, { title: 'Error', status: status as 400, devMode }, <ErrorPage status={status} message={message} requestId={c.get('requestId')} />);
}

function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
