import { z } from 'zod';
import { twilioWebhook } from './twilioWebhook.ts';
import type { RouteModule } from '../routeModule.ts';

/** Mounts the inbound SMS webhook (authenticated by X-Twilio-Signature, not by API key) when Twilio is configured. */
export const twilioRoutes: RouteModule = {
  name: 'twilio',
  async register(app, { deps }) {
    if (!deps.twilio) return;
    app.addHook('onRoute', (route) => {
      route.config = { ...route.config, auth: 'public', rateLimit: false };
      route.schema = { ...route.schema, summary: 'Twilio inbound SMS webhook (YES/NO replies); verified by X-Twilio-Signature, answers TwiML', tags: ['webhooks'], response: { 200: z.string().describe('TwiML (text/xml)'), 403: z.string().describe('bad or missing X-Twilio-Signature (text/plain)') } };
    });
    await twilioWebhook(app as never, { store: deps.store, confirmations: deps.confirmations, authToken: deps.twilio.authToken, publicUrl: deps.twilio.publicUrl });
  },
};
