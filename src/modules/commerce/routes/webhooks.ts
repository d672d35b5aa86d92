// POST /webhooks/<provider>: the raw body is read as text and verified before anything else.
// Stripe's Connect endpoint (events on creators' connected accounts) may also be pointed at
// /webhooks/stripe/connect; both paths accept a signature made with either configured secret.
import { Hono, type Context } from 'hono';
import type { Deps } from '../../../deps.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { WebhookSignatureError } from '../../../platform/payments/types.ts';
import { processWebhook } from '../webhooks.ts';

export function webhookRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const receive = async (c: Context<AppEnv>) => {
    const raw = await c.req.text();
    try {
      const outcome = await processWebhook(deps, raw, (name) => c.req.header(name));
      return c.json({ received: true, outcome });
    } catch (err) {
      if (err instanceof WebhookSignatureError || err instanceof SyntaxError) {
        c.get('log').warn({ reason: (err as Error).message }, 'webhook refused');
        return c.json({ error: 'invalid signature or payload' }, 400);
      }
      throw err; // a database failure: 5xx, so the provider retries later
    }
  };
  // Only the configured provider's endpoint exists; the other would accept nothing anyway.
  app.post('/webhooks/:provider', (c) => (c.req.param('provider') === deps.payments.name ? receive(c) : c.json({ error: 'unknown webhook endpoint' }, 404)));
  app.post('/webhooks/stripe/connect', (c) => (deps.payments.name === 'stripe' ? receive(c) : c.json({ error: 'unknown webhook endpoint' }, 404)));
  return app;
}
