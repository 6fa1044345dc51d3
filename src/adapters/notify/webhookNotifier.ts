import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { Notifier, OutboundMessage, SentMessage } from '../../live/notifier.ts';

/** Signed JSON webhooks: HMAC-SHA256 over `timestamp.body`, retried with backoff, one delivery id across retries. */

/** Headers a receiver reads. */
export const WEBHOOK_HEADERS = {
  signature: 'x-tradepilot-signature',
  timestamp: 'x-tradepilot-timestamp',
  delivery: 'x-tradepilot-delivery',
} as const;

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the timestamp is signed so a replay can be dated. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Check a delivery's signature (constant time) and that its timestamp is within `toleranceSec` of `nowMs`. */
export function verifyWebhookSignature(secret: string, signature: string | undefined, timestamp: string | undefined, body: string, nowMs: number = Date.now(), toleranceSec = 300): boolean {
  if (!signature || !timestamp || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSec) return false;
  const a = Buffer.from(signWebhook(secret, timestamp, body));
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface WebhookNotifierOptions {
  /** Shared secret (16+ characters). */
  secret: string;
  attempts?: number;
  baseMs?: number;
  timeoutMs?: number;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** POSTs `{ body, data, sent_at }` as JSON to the message's `to` URL. 2xx is delivered; 408, 429, 5xx and network errors are retried. */
export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook';

  constructor(private readonly opts: WebhookNotifierOptions) {
    if (!opts.secret || opts.secret.length < 16) throw new TradepilotError(ErrorCode.CONFIG_INVALID, 'webhook secret must be at least 16 characters');
  }

  async send(msg: OutboundMessage): Promise<SentMessage> {
    const { attempts = 4, baseMs = 200, timeoutMs = 10_000, fetch: fetchFn = fetch, sleep = defaultSleep, now = Date.now } = this.opts;
    let url: URL;
    try {
      url = new URL(msg.to);
    } catch {
      throw new TradepilotError(ErrorCode.BAD_INPUT, `webhook target is not a URL: ${JSON.stringify(msg.to)}`);
    }
    const delivery = randomUUID();
    const body = JSON.stringify({ body: msg.body, data: msg.data ?? null, sent_at: new Date(now()).toISOString() });
    let last = '';
    for (let attempt = 0; attempt < attempts; attempt++) {
      // Re-signed per attempt: the timestamp is fresh, the delivery id is not (receivers dedupe on it).
      const ts = String(Math.floor(now() / 1000));
      let retryable = true;
      try {
        const res = await fetchFn(url.toString(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', [WEBHOOK_HEADERS.signature]: signWebhook(this.opts.secret, ts, body), [WEBHOOK_HEADERS.timestamp]: ts, [WEBHOOK_HEADERS.delivery]: delivery },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return { providerId: delivery };
        last = `HTTP ${res.status}`;
        retryable = res.status === 408 || res.status === 429 || res.status >= 500;
      } catch (err) {
        const e = err as { cause?: { code?: string }; message?: string };
        last = e.cause?.code ?? e.message ?? String(err);
      }
      if (!retryable) break;
      if (attempt + 1 < attempts) await sleep(baseMs * 2 ** attempt * (0.5 + Math.random()));
    }
    throw new TradepilotError(ErrorCode.NETWORK, `webhook to ${url.origin}${url.pathname} failed: ${last}`, { delivery });
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
