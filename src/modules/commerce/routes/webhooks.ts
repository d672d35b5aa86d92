// POST /webhooks/<provider>: the raw body is read as text and verified before anything else.
import { Hono } from 'hono';
import type { Deps } from '../../../deps.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { WebhookSignatureError } from '../../../platform/payments/types.ts';
import { processWebhook } from '../webhooks.ts';

export function webhookRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.post('/webhooks/:provider', async (c) => {
    // Only the configured provider's endpoint exists; the other would accept nothing anyway.
    if (c.req.param('provider') !== deps.payments.name) return c.json({ error: 'unknown webhook endpoint' }, 404);
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
  });
  return app;
}
