import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventRecord } from '../adapters/store/store.ts';
import type { ZodApp } from './routeModule.ts';
import { securityHeadersFor, type SecurityHeaderOptions } from './securityHeaders.ts';

/**
 * Take over the response of an SSE route: fastify steps aside (hijack), and the raw
 * response gets the security headers, the event-stream headers and, when the CORS hook
 * allowed this origin, its Access-Control-Allow-Origin. Returns the raw response to write frames to.
 */
export function startEventStream(req: FastifyRequest, reply: FastifyReply, headers: SecurityHeaderOptions): ServerResponse {
  const res = reply.raw;
  const origin = reply.getHeader('access-control-allow-origin');
  reply.hijack();
  res.writeHead(200, {
    ...securityHeadersFor(req.url, headers),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Tell nginx not to buffer the stream.
    'x-accel-buffering': 'no',
    ...(origin ? { 'access-control-allow-origin': String(origin), vary: 'Origin' } : {}),
  });
  return res;
}

/** A client that reads slower than this many buffered bytes is dropped (it reconnects with Last-Event-ID). */
export const MAX_BUFFERED = 1 << 20;

/** One SSE frame of an audit event: `id` is the event's sequence number, `event` its type. */
export function sseFrame(e: EventRecord): string {
  const data = JSON.stringify({ seq: e.seq, id: e.id, ts: e.ts, type: e.type, subject: e.subject, correlationId: e.correlationId, payload: e.payload });
  return `id: ${e.seq}\nevent: ${e.type}\ndata: ${data}\n\n`;
}

/** The open event streams of one route module; the server ends them when it closes, so close() does not wait on them. */
export class OpenStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(app: Pick<ZodApp, 'addHook'>) {
    app.addHook('preClose', async () => {
      for (const res of this.open) res.end();
      this.open.clear();
    });
  }

  /**
   * Keep `res` open until the client goes (or the server closes): a `: ping` comment every
   * `heartbeatMs`, and `subscribe` (which returns its unsubscribe) undone when the response closes.
   */
  async follow(res: ServerResponse, heartbeatMs: number, subscribe: () => Promise<() => void>): Promise<void> {
    this.open.add(res);
    let stop = (): void => undefined;
    const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
    heartbeat.unref();
    const cleanup = (): void => {
      clearInterval(heartbeat);
      stop();
      this.open.delete(res);
    };
    res.on('close', cleanup);
    stop = await subscribe();
    // Closed while subscribing: the close handler ran before there was anything to unsubscribe.
    if (res.destroyed) cleanup();
  }
}
