import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the fake received, as Twilio would have. */
export interface FakeTwilioMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
}

/**
 * A local stand-in for api.twilio.com that speaks its wire format: Basic auth
 * with the account SID and token, form-encoded POST to
 * /2010-04-01/Accounts/{Sid}/Messages.json, 201 with the Message resource JSON,
 * and Twilio's error JSON on failure.
 */
export class FakeTwilio {
  readonly messages: FakeTwilioMessage[] = [];
  private server: Server | undefined;
  private seq = 0;
  /** Make the next N sends fail with this status (e.g. 500, 429). */
  failNext: { count: number; status: number } = { count: 0, status: 500 };

  constructor(
    readonly accountSid: string,
    readonly authToken: string,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const body = await readBody(req);
    const json = (status: number, doc: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(doc));
    };
    const auth = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (auth !== expected) {
      json(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
      return;
    }
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m || m[1] !== this.accountSid) {
      json(404, { code: 20404, message: `The requested resource ${req.url} was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
      return;
    }
    if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') !== true) {
      json(400, { code: 20001, message: 'Content-Type must be form encoded', status: 400 });
      return;
    }
    if (this.failNext.count > 0) {
      this.failNext.count--;
      json(this.failNext.status, { code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status: this.failNext.status });
      return;
    }
    const form = new URLSearchParams(body);
    const to = form.get('To');
    const text = form.get('Body');
    const from = form.get('From');
    const mg = form.get('MessagingServiceSid');
    if (!to || !text || (!from && !mg)) {
      json(400, { code: 21604, message: "A 'To' phone number is required.", more_info: 'https://www.twilio.com/docs/errors/21604', status: 400 });
      return;
    }
    const sid = `SM${(++this.seq).toString(16).padStart(32, '0')}`;
    this.messages.push({ sid, accountSid: this.accountSid, to, from, messagingServiceSid: mg, body: text });
    const now = new Date().toUTCString().replace('GMT', '+0000');
    json(201, {
      account_sid: this.accountSid,
      api_version: '2010-04-01',
      body: text,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from,
      messaging_service_sid: mg,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid,
      status: 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`,
    });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (s += d));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}
