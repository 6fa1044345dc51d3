import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature, WEBHOOK_HEADERS } from '../../src/adapters/notify/webhookNotifier.ts';

/** A delivery the receiver saw, with whether its signature verified. */
export interface ReceivedHook {
  delivery: string;
  verified: boolean;
  body: unknown;
  status: number;
}

/**
 * A local webhook endpoint that checks X-Tradepilot-Signature with the shared
 * secret (401 when it fails), can answer the first N deliveries with an error
 * status, and dedupes by delivery id.
 */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  failNext: { count: number; status: number } = { count: 0, status: 503 };
  private server: Server | undefined;

  constructor(private readonly secret: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const sig = req.headers[WEBHOOK_HEADERS.signature] as string | undefined;
        const ts = req.headers[WEBHOOK_HEADERS.timestamp] as string | undefined;
        const delivery = String(req.headers[WEBHOOK_HEADERS.delivery] ?? '');
        const verified = verifyWebhookSignature(this.secret, sig, ts, raw);
        let status = verified ? 200 : 401;
        if (verified && this.failNext.count > 0) {
          this.failNext.count--;
          status = this.failNext.status;
        }
        this.received.push({ delivery, verified, body: JSON.parse(raw) as unknown, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status === 200 }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks/alerts`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
