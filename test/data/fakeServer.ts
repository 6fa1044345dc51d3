import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A recorded response body from test/data/recorded. */
export function recorded(name: string): string {
  return readFileSync(join(import.meta.dirname, 'recorded', name), 'utf8');
}

/** What a route answers: status, body, headers. */
export interface Reply {
  status?: number;
  body: string;
  headers?: Record<string, string>;
}

/** A local HTTP server on 127.0.0.1 that replays recorded provider responses and records what it was asked. */
export class FakeServer {
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
  private server: Server | undefined;
  constructor(private readonly route: (url: URL, n: number) => Reply) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
      const r = this.route(new URL(req.url ?? '/', 'http://127.0.0.1'), this.requests.length);
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...r.headers });
      res.end(r.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
