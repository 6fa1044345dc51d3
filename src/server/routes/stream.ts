import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { EventRecord } from '../../adapters/store/store.ts';
import { errorResponses } from '../httpErrors.ts';
import { startEventStream } from '../eventStream.ts';
import type { RouteModule } from '../routeModule.ts';

/** A client that reads slower than this many buffered bytes is dropped (it reconnects with Last-Event-ID). */
const MAX_BUFFERED = 1 << 20;

/** One SSE frame: `id` is the event's sequence number, `event` its type. */
export function sseFrame(e: EventRecord): string {
  const data = JSON.stringify({ seq: e.seq, id: e.id, ts: e.ts, type: e.type, subject: e.subject, correlationId: e.correlationId, payload: e.payload });
  return `id: ${e.seq}\nevent: ${e.type}\ndata: ${data}\n\n`;
}

/**
 * GET /stream/events: server-sent events tailing the audit trail (alerts,
 * sweep and training progress, orders). Resumes after `Last-Event-ID` or
 * `after`; otherwise starts with the next event appended.
 */
export const streamRoutes: RouteModule = {
  name: 'stream',
  register(app, { tail, options, headers }) {
    const open = new Set<ServerResponse>();
    app.addHook('preClose', async () => {
      for (const res of open) res.end();
      open.clear();
    });
    app.get(
      '/stream/events',
      {
        config: { rateLimit: false },
        schema: {
          summary: 'Live events as text/event-stream (id = sequence number, event = type)',
          tags: ['events'],
          querystring: z.object({
            types: z
              .string()
              .max(500)
              .regex(/^[A-Za-z0-9_.:*-]+(,[A-Za-z0-9_.:*-]+)*$/, 'comma-separated types; a trailing * matches a prefix')
              .optional(),
            after: z.coerce.number().int().min(0).optional().describe('resume after this sequence number'),
          }),
          headers: z.object({ 'last-event-id': z.coerce.number().int().min(0).optional() }),
          response: { 200: z.string().describe('text/event-stream'), ...errorResponses(400, 401, 429) },
        },
      },
      async (req, reply) => {
        const after = req.query.after ?? req.headers['last-event-id'];
        const types = req.query.types?.split(',');
        const res = startEventStream(req, reply, headers);
        res.write(`retry: 2000\n: connected\n\n`);
        open.add(res);
        let stop = (): void => undefined;
        const heartbeat = setInterval(() => res.write(': ping\n\n'), options.sseHeartbeatMs);
        heartbeat.unref();
        const cleanup = (): void => {
          clearInterval(heartbeat);
          stop();
          open.delete(res);
        };
        res.on('close', cleanup);
        stop = await tail.subscribe({ afterSeq: after, types }, (e) => {
          if (res.writableLength > MAX_BUFFERED) {
            res.end();
            return;
          }
          res.write(sseFrame(e));
        });
        if (res.destroyed) cleanup();
      },
    );
  },
};
