import twilio from 'twilio';
import type IRequestClient from 'twilio/lib/base/RequestClient.js';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { Notifier, OutboundMessage, SentMessage } from '../../live/notifier.ts';

/** The one file that imports the Twilio SDK: outbound SMS and inbound signature checks. */

export interface TwilioSmsOptions {
  accountSid: string;
  authToken: string;
  /** TWILIO_FROM: the sending number (E.164) or a Messaging Service SID (MG...). */
  from: string;
  /** Send the SDK's requests here instead of https://api.twilio.com (a regional proxy, or a local test server). */
  apiBaseUrl?: string;
}

/**
 * The SDK's own HTTP client, with the host rewritten. Everything else (form
 * encoding, auth, headers, response parsing) stays the SDK's.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super({ timeout: 10_000 });
  }
  override request<TData>(opts: IRequestClient.RequestOptions<TData>) {
    const u = new URL(opts.uri);
    const b = new URL(this.base);
    u.protocol = b.protocol;
    u.host = b.host;
    return super.request<TData>({ ...opts, uri: u.toString() });
  }
}

/** SMS through Twilio's Messages API. */
export class TwilioSmsNotifier implements Notifier {
  readonly channel = 'sms';
  private readonly client: twilio.Twilio;

  constructor(private readonly opts: TwilioSmsOptions) {
    this.client = twilio(opts.accountSid, opts.authToken, opts.apiBaseUrl ? { httpClient: new RebasedRequestClient(opts.apiBaseUrl) as twilio.RequestClient } : {});
  }

  async send(msg: OutboundMessage): Promise<SentMessage> {
    const fromField = this.opts.from.startsWith('MG') ? { messagingServiceSid: this.opts.from } : { from: this.opts.from };
    try {
      const m = await this.client.messages.create({ to: msg.to, body: msg.body, ...fromField });
      return { providerId: m.sid, from: m.from ?? this.opts.from };
    } catch (err) {
      const e = err as { status?: number; code?: number; message?: string };
      throw new TradepilotError(ErrorCode.NETWORK, `Twilio refused the SMS to ${maskPhone(msg.to)}: ${e.status ?? ''} ${e.code ?? ''} ${e.message ?? String(err)}`.replace(/\s+/g, ' '), undefined, { cause: err });
    }
  }
}

/**
 * Check an inbound webhook's X-Twilio-Signature. `url` must be the public URL
 * Twilio called (PUBLIC_URL + path), not the one behind a proxy.
 */
export function verifyTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}

/** A TwiML document that replies with one SMS (or nothing when `text` is empty). */
export function twimlReply(text: string): string {
  const r = new twilio.twiml.MessagingResponse();
  if (text) r.message(text);
  return r.toString();
}

/** +15551234567 -> +1555***4567, for logs and errors. */
export function maskPhone(p: string): string {
  return p.length > 7 ? `${p.slice(0, 4)}***${p.slice(-4)}` : '***';
}
