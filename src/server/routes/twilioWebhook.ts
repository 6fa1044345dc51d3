import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance } from 'fastify';
import { twimlReply, verifyTwilioSignature, maskPhone } from '../../adapters/notify/twilioSms.ts';
import type { ConfirmationService } from '../../live/confirm/confirmations.ts';
import type { Store } from '../../adapters/store/store.ts';
import { uuidv7 } from '../../core/ids.ts';

export interface TwilioWebhookDeps {
  store: Store;
  confirmations: ConfirmationService;
  /** TWILIO_AUTH_TOKEN: the HMAC key of X-Twilio-Signature. */
  authToken: string;
  /** PUBLIC_URL: the origin Twilio calls (signatures cover the public URL, so they hold behind proxies). */
  publicUrl?: string;
}

export const TWILIO_SMS_PATH = '/webhooks/twilio/sms';

/**
 * Inbound SMS replies. Verified with X-Twilio-Signature over PUBLIC_URL + path;
 * a bad or missing signature gets 403 and touches no confirmation. Answers TwiML.
 */
export async function twilioWebhook(app: FastifyInstance, deps: TwilioWebhookDeps): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, parseQuery(body as string));
  });

  app.post(TWILIO_SMS_PATH, async (req, reply) => {
    const params = flatten(req.body as Record<string, string | string[] | undefined> | undefined);
    const signature = req.headers['x-twilio-signature'];
    const sig = Array.isArray(signature) ? signature[0] : signature;
    const origin = deps.publicUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.headers.host}`;
    const url = `${origin}${req.url}`;
    const verified = verifyTwilioSignature(deps.authToken, sig, url, params);
    if (!verified) {
      // Kept for the audit trail, unlinked and without the claimed MessageSid, so a forged
      // request can neither act nor block the real delivery of that message.
      await deps.store.db
        .insertInto('messages')
        .values({ id: uuidv7(), direction: 'in', channel: 'sms', to_addr: params.To ?? null, from_addr: params.From ?? null, body: params.Body ?? '', prediction_id: null, confirmation_id: null, provider_id: null, signature: sig ?? null, verified: 0, created_at: new Date().toISOString() })
        .execute();
      await deps.store.append({ type: 'webhook.rejected', payload: { path: TWILIO_SMS_PATH, reason: sig ? 'bad signature' : 'missing signature', claimedSid: params.MessageSid ?? null, from: maskPhone(params.From ?? '') } });
      req.log.warn({ path: TWILIO_SMS_PATH, from: maskPhone(params.From ?? '') }, 'rejected webhook: bad or missing X-Twilio-Signature');
      return reply.code(403).type('text/plain').send('Forbidden: invalid X-Twilio-Signature');
    }
    const outcome = await deps.confirmations.handleReply({
      from: params.From ?? '',
      body: params.Body ?? '',
      providerId: params.MessageSid,
      signature: sig,
      verified: true,
      channel: 'sms',
    });
    req.log.info({ outcome: outcome.kind, confirmation: outcome.confirmationId }, 'sms reply handled');
    return reply.code(200).type('text/xml').send(twimlReply(outcome.reply));
  });
}

function flatten(body: Record<string, string | string[] | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body ?? {})) if (v !== undefined) out[k] = Array.isArray(v) ? v[0]! : v;
  return out;
}
