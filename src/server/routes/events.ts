import { z } from 'zod';
import { errorResponses } from '../httpErrors.ts';
import { checkPaging, decodeCursor, encodeCursor, pageQuery, pageSchema } from '../pagination.ts';
import type { RouteModule } from '../routeModule.ts';

/** An audit-trail event. */
export const EventBody = z
  .object({
    seq: z.number().int(),
    id: z.string(),
    ts: z.string(),
    type: z.string(),
    subject: z.string().nullable(),
    correlationId: z.string().nullable(),
    payload: z.unknown(),
  })
  .meta({ id: 'Event' });

const typeList = z
  .string()
  .max(500)
  .regex(/^[A-Za-z0-9_.:-]+(,[A-Za-z0-9_.:-]+)*$/, 'comma-separated event types')
  .transform((s) => s.split(','));

/** GET /events: the audit trail, filtered and paged by sequence number. */
export const eventRoutes: RouteModule = {
  name: 'events',
  register(app, { deps }) {
    app.get(
      '/events',
      {
        schema: {
          summary: 'Audit trail: events by type, subject, correlation id and time',
          tags: ['events'],
          querystring: z.object({
            ...pageQuery,
            type: typeList.optional().describe('one type or several, comma-separated'),
            subject: z.string().max(200).optional(),
            correlationId: z.string().max(200).optional(),
            since: z.iso.datetime().optional().describe('ISO-8601 lower bound on the time'),
            order: z.enum(['desc', 'asc']).default('desc'),
          }),
          response: { 200: pageSchema(EventBody), ...errorResponses(400, 401, 429) },
        },
      },
      async (req) => {
        const q = req.query;
        checkPaging(q);
        let query = deps.store.db.selectFrom('events').selectAll();
        if (q.type) query = q.type.length === 1 ? query.where('type', '=', q.type[0]!) : query.where('type', 'in', q.type);
        if (q.subject !== undefined) query = query.where('subject', '=', q.subject);
        if (q.correlationId !== undefined) query = query.where('correlation_id', '=', q.correlationId);
        if (q.since !== undefined) query = query.where('ts', '>=', q.since);
        if (q.cursor !== undefined) {
          const [seq] = decodeCursor(q.cursor, ['number']) as [number];
          query = query.where('seq', q.order === 'desc' ? '<' : '>', seq);
        }
        query = query.orderBy('seq', q.order).limit(q.limit + 1);
        if (q.offset !== undefined) query = query.offset(q.offset);
        const rows = await query.execute();
        const more = rows.length > q.limit;
        const kept = more ? rows.slice(0, q.limit) : rows;
        return {
          items: kept.map((r) => ({ seq: Number(r.seq), id: r.id, ts: r.ts, type: r.type, subject: r.subject, correlationId: r.correlation_id, payload: JSON.parse(r.payload as unknown as string) as unknown })),
          nextCursor: more ? encodeCursor([Number(kept[kept.length - 1]!.seq)]) : null,
          limit: q.limit,
        };
      },
    );
  },
};
