import { z } from 'zod';
import { errorResponses } from '../httpErrors.ts';
import { MAX_BUFFERED, OpenStreams, sseFrame, startEventStream } from '../eventStream.ts';
import type { RouteModule } from '../routeModule.ts';

/**
 * GET /stream/events: server-sent events tailing the audit trail (alerts,
 * sweep and training progress, orders). Resumes after `Last-Event-ID` or
 * `after`; otherwise starts with the next event appended.
 */
export const streamRoutes: RouteModule = {
  name: 'stream',
  register(app, { tail, options, headers }) {
    const open = new OpenStreams(app);
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
        await open.follow(res, options.sseHeartbeatMs, () =>
          tail.subscribe({ afterSeq: after, types }, (e) => {
            if (res.writableLength > MAX_BUFFERED) {
              res.end();
              return;
            }
            res.write(sseFrame(e));
          }),
        );
      },
    );
  },
};
