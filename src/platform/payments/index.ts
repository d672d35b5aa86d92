// Builds the configured payment provider once, in the composition roots.
import { hmac } from '../crypto.ts';
import type { Config } from '../config.ts';
import { createLocalProvider } from './local.ts';
import { createStripeProvider } from './stripe.ts';
import type { PaymentProvider } from './types.ts';

export function createPaymentProvider(config: Config): PaymentProvider {
  if (config.payments.provider === 'stripe') {
    const { stripeWebhookSecret, stripeConnectWebhookSecret } = config.payments;
    return createStripeProvider({
      secretKey: config.payments.stripeSecretKey!,
      webhookSecrets: [stripeWebhookSecret, stripeConnectWebhookSecret].filter((s): s is string => !!s),
      api: config.payments.stripeApi ?? undefined,
    });
  }
  // A key of its own, derived so one leaked signature cannot be replayed as a CSRF token or link.
  return createLocalProvider({ secret: hmac(config.appSecret, 'local-payments-webhooks') });
}

export type { PaymentProvider } from './types.ts';
