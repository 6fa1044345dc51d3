import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CompiledQuery, type Selectable } from 'kysely';
import type { AlertsTable } from '../../adapters/store/schema.ts';
import { ErrorCode } from '../../core/errors.ts';
import { alertPerformance } from '../../live/alerts/alertPerformance.ts';
import { FutureAlertSchema, OptionAlertSchema, StockAlertSchema } from '../../live/alerts/alertSchema.ts';
import { bumpAlertGeneration } from '../../live/alerts/alertGeneration.ts';
import { AlertPageCache, etagMatches } from '../alertPageCache.ts';
import { AlertPageQuery } from '../alertPageQuery.ts';
import { AlertRecords, type StoredAlert } from '../alertRecords.ts';
import { actorOf } from '../auth/authenticate.ts';
import { errorResponses, HttpError } from '../httpErrors.ts';
import { checkPaging, decodeCursor, encodeCursor, pageQuery, pageSchema } from '../pagination.ts';
import type { RouteModule } from '../routeModule.ts';
import { MAX_BUFFERED, OpenStreams, startEventStream } from '../eventStream.ts';

/** Most ids one acknowledge call takes. */
const MAX_ACK = 500;

/** Where an alert stands: open until acknowledged or past `valid_until` (then expired). */
export const AlertStatus = { OPEN: 'open', ACKNOWLEDGED: 'acknowledged', EXPIRED: 'expired' } as const;
export type AlertStatus = (typeof AlertStatus)[keyof typeof AlertStatus];

/** An alert as the API shows it: the Pack System record plus where it stands. */
export const AlertItem = z
  .object({
    id: z.string(),
    status: z.enum(['open', 'acknowledged', 'expired']),
    createdAt: z.string().describe('when it was stored'),
    acknowledgedAt: z.string().nullable(),
    acknowledgedBy: z.string().nullable().describe('`api:<key id>` of who acknowledged it'),
    alert: z.discriminatedUnion('instrument', [StockAlertSchema, OptionAlertSchema, FutureAlertSchema]).describe('the alert record (Pack System alert spec)'),
  })
  .meta({ id: 'AlertItem' });

const AlertPerformanceItem = z
  .object({
    modelId: z.string(),
    strategy: z.string().nullable(),
    alerts: z.number().int(),
    acknowledged: z.number().int(),
    filled: z.number().int(),
    scored: z.number().int().describe('acknowledged or filled alerts with a recorded outcome'),
    hitRate: z.number().nullable(),
    avgReturn: z.number().nullable().describe('mean return in the alert direction, entry to exit (stop, target or horizon)'),
    outcomesAll: z.number().int(),
    hitRateAll: z.number().nullable(),
    avgReturnAll: z.number().nullable(),
  })
  .meta({ id: 'AlertPerformance' });

const IdParams = z.object({ id: z.string().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only') });
const symbol = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9.^=/-]+$/, 'a ticker')
  .transform((s) => s.toUpperCase());
const range = {
  since: z.iso.datetime().optional().describe('alert time lower bound (inclusive), ISO-8601'),
  until: z.iso.datetime().optional().describe('alert time upper bound (exclusive), ISO-8601'),
};
const AckBody = z.object({
  ids: z
    .array(IdParams.shape.id)
    .min(1)
    .max(MAX_ACK)
    .refine((ids) => new Set(ids).size === ids.length, 'ids must be unique')
    .describe(`alert ids, 1..${MAX_ACK}`),
});
const AckResult = z
  .object({
    acknowledged: z.array(z.string()).describe('ids acknowledged by this call'),
    already: z.array(z.string()).describe('ids that were acknowledged before (left as they were)'),
    acknowledgedAt: z.string(),
  })
  .meta({ id: 'AcknowledgeResult' });

type Row = Pick<Selectable<AlertsTable>, 'alert_id' | 'timestamp' | 'valid_until' | 'created_at' | 'acknowledged_at' | 'acknowledged_by' | 'record'>;
type Ack = Pick<Row, 'acknowledged_at' | 'acknowledged_by'>;
const COLUMNS = ['alert_id', 'timestamp', 'valid_until', 'created_at', 'acknowledged_at', 'acknowledged_by', 'record'] as const;

function statusOf(ack: Ack, validUntil: string, nowIso: string): AlertStatus {
  if (ack.acknowledged_at !== null) return 'acknowledged';
  return validUntil <= nowIso ? 'expired' : 'open';
}

/**
 * One {@link AlertItem} as JSON text. The stored `record` is spliced in as it
 * is: AlertStore wrote it with JSON.stringify from a validated alert, so
 * parsing and re-serializing it on every read (the zod serializer did) would
 * only spend time; the other fields are escaped here.
 */
export function alertItemJson(id: string, ack: Ack, s: StoredAlert, nowIso: string): string {
  const at = ack.acknowledged_at === null ? 'null' : JSON.stringify(ack.acknowledged_at);
  const by = ack.acknowledged_by === null ? 'null' : JSON.stringify(ack.acknowledged_by);
  return `{"id":${JSON.stringify(id)},"status":"${statusOf(ack, s.valid_until, nowIso)}","createdAt":${JSON.stringify(s.created_at)},"acknowledgedAt":${at},"acknowledgedBy":${by},"alert":${s.record}}`;
}

const ListQuery = z.object({
  ...pageQuery,
  symbol: symbol.optional().describe('ticker (the underlying of an option alert)'),
  status: z.enum(['open', 'acknowledged', 'expired']).optional(),
  kind: z.enum(['stock', 'option', 'future']).optional().describe('instrument'),
  modelId: z.string().min(1).max(200).optional(),
  ...range,
});
type ListQuery = z.infer<typeof ListQuery>;
type PageRow = Pick<Row, 'alert_id' | 'acknowledged_at' | 'acknowledged_by'>;

/** Send JSON text as it is: fastify serializes objects only, and the route's schema still documents the body. */
function sendJsonText(reply: unknown, text: string): FastifyReply {
  return (reply as FastifyReply).type('application/json; charset=utf-8').send(text);
}

/** GET /alerts (+ /{id}, /performance, /stream) and POST /alerts/acknowledge. */
export const alertRoutes: RouteModule = {
  name: 'alerts',
  register(app, { deps, tail, options, headers }) {
    const tags = ['alerts'];
    const db = deps.store.db;
    const nowIso = (): string => new Date(deps.clock.now()).toISOString();
    const alertRecords = new AlertRecords(db);
    const pageQuery = new AlertPageQuery(deps.store.dialect);
    const pages = new AlertPageCache(deps.store, { maxBytes: options.alertPageCacheBytes, ttlMs: options.alertPageCacheTtlMs });

    /** One page as JSON text, read from the store, and when it goes stale by time alone (an open alert on it expires). */
    async function readPage(q: ListQuery, nowMs: number): Promise<{ body: string; staleAt: number }> {
      const now = new Date(nowMs).toISOString();
      const cursor = q.cursor === undefined ? undefined : (decodeCursor(q.cursor, ['string', 'string']) as [string, string]);
      const { sql, params } = pageQuery.build({ ...q, cursor }, now);
      const rows = (await db.executeQuery<PageRow>(CompiledQuery.raw(sql, params))).rows;
      const more = rows.length > q.limit;
      const n = more ? q.limit : rows.length;
      const stored = await alertRecords.get(rows.slice(0, n).map((r) => r.alert_id));
      let items = '';
      let last: StoredAlert | undefined;
      let staleAt = Number.POSITIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        const s = stored.get(r.alert_id);
        // Absent only if the alert was deleted between the two reads.
        if (s !== undefined) {
          items += (items ? ',' : '') + alertItemJson(r.alert_id, r, s, now);
          if (r.acknowledged_at === null && s.valid_until > now) staleAt = Math.min(staleAt, Date.parse(s.valid_until));
        }
        if (i === n - 1) last = s;
      }
      // An expired listing gains alerts as others expire, wherever they sit: stale at the next expiry of any open alert.
      if (q.status === 'expired') staleAt = Math.min(staleAt, await nextExpiry(now));
      const next = more && last ? JSON.stringify(encodeCursor([last.timestamp, rows[n - 1]!.alert_id])) : 'null';
      return { body: `{"items":[${items}],"nextCursor":${next},"limit":${q.limit}}`, staleAt };
    }

    /** When the next open alert expires (epoch ms; infinity when none will). */
    async function nextExpiry(nowIso: string): Promise<number> {
      const r = await db.selectFrom('alerts').select((eb) => eb.fn.min('valid_until').as('t')).where('acknowledged_at', 'is', null).where('valid_until', '>', nowIso).executeTakeFirst();
      return typeof r?.t === 'string' ? Date.parse(r.t) : Number.POSITIVE_INFINITY;
    }

    app.get(
      '/alerts',
      {
        schema: {
          summary: 'List alerts, newest first (keyset pages by alert time)',
          tags,
          description: 'Answers carry an ETag; send it back in If-None-Match for a 304 while the page is unchanged.',
          querystring: ListQuery,
          response: { 200: pageSchema(AlertItem), 304: z.null().describe('not modified (If-None-Match matched the ETag)'), ...errorResponses(400, 401, 429) },
        },
      },
      async (req, reply) => {
        const q = req.query;
        checkPaging(q);
        const now = deps.clock.now();
        // The normalised query (zod has parsed, defaulted and upper-cased it) is the cache key.
        const key = `${q.limit}|${q.cursor ?? ''}|${q.offset ?? ''}|${q.symbol ?? ''}|${q.kind ?? ''}|${q.modelId ?? ''}|${q.status ?? ''}|${q.since ?? ''}|${q.until ?? ''}`;
        const page = await pages.get(key, now, () => readPage(q, now));
        // Clients may keep the page but must revalidate every use (each revalidation is authenticated and counted).
        const r = (reply as unknown as FastifyReply).header('etag', page.etag).header('cache-control', 'private, no-cache');
        if (etagMatches(req.headers['if-none-match'], page.etag)) return r.code(304).send();
        // Bytes with the type set: fastify neither serializes nor encodes them.
        return r.type('application/json; charset=utf-8').send(page.body);
      },
    );

    app.get(
      '/alerts/performance',
      {
        schema: {
          summary: 'Per-model hit rate and mean return of acknowledged or filled alerts, from recorded outcomes',
          tags,
          querystring: z.object({ modelId: z.string().min(1).max(200).optional(), ...range }),
          response: { 200: z.object({ models: z.array(AlertPerformanceItem), asOf: z.string() }), ...errorResponses(400, 401, 429) },
        },
      },
      async (req) => ({ models: await alertPerformance(deps.store, req.query), asOf: nowIso() }),
    );

    app.get(
      '/alerts/:id',
      { schema: { summary: 'One alert', tags, params: IdParams, response: { 200: AlertItem, ...errorResponses(400, 401, 404, 429) } } },
      async (req, reply) => {
        const row = await db.selectFrom('alerts').select(COLUMNS).where('alert_id', '=', req.params.id).executeTakeFirst();
        if (!row) throw new HttpError(404, ErrorCode.NOT_FOUND, `no alert with id ${req.params.id}`);
        return sendJsonText(reply, alertItemJson(row.alert_id, row, row, nowIso()));
      },
    );

    app.post(
      '/alerts/acknowledge',
      {
        schema: {
          summary: 'Acknowledge alerts (all or none: an unknown id refuses the whole call)',
          tags,
          body: AckBody,
          response: { 200: AckResult, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (req) => {
        const ids = req.body.ids;
        const at = nowIso();
        const by = actorOf(req);
        // After the commit (or failure): cached pages read before it show the old acknowledgements.
        try {
          return await ackIn(ids, at, by);
        } finally {
          bumpAlertGeneration(deps.store);
        }
      },
    );

    async function ackIn(ids: string[], at: string, by: string): Promise<z.infer<typeof AckResult>> {
        return deps.store.transaction(async (trx) => {
          const found = await trx.selectFrom('alerts').select(['alert_id', 'acknowledged_at']).where('alert_id', 'in', ids).execute();
          if (found.length !== ids.length) {
            const known = new Set(found.map((r) => r.alert_id));
            const missing = ids.filter((id) => !known.has(id));
            throw new HttpError(404, ErrorCode.NOT_FOUND, `no alert with id ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` (and ${missing.length - 10} more)` : ''}; nothing acknowledged`, 'ids');
          }
          // Answered in the order asked.
          const ackedBefore = new Set(found.filter((r) => r.acknowledged_at !== null).map((r) => r.alert_id));
          const fresh = ids.filter((id) => !ackedBefore.has(id));
          const already = ids.filter((id) => ackedBefore.has(id));
          if (fresh.length > 0) {
            await trx.updateTable('alerts').set({ acknowledged_at: at, acknowledged_by: by }).where('alert_id', 'in', fresh).where('acknowledged_at', 'is', null).execute();
            await deps.store.append({ type: 'alert.acknowledged', subject: by, payload: { alert_ids: fresh, by }, time: deps.clock.now() }, trx);
          }
          return { acknowledged: fresh, already, acknowledgedAt: at };
        });
    }

    const open = new OpenStreams(app);
    app.get(
      '/alerts/stream',
      {
        config: { rateLimit: false },
        schema: {
          summary: 'Live alerts as text/event-stream: `event: alert` (an AlertItem) and `event: alert.acknowledged`; id = audit sequence number',
          tags,
          querystring: z.object({
            symbol: symbol.optional(),
            kind: z.enum(['stock', 'option', 'future']).optional(),
            after: z.coerce.number().int().min(0).optional().describe('resume after this sequence number'),
          }),
          headers: z.object({ 'last-event-id': z.coerce.number().int().min(0).optional() }),
          response: { 200: z.string().describe('text/event-stream'), ...errorResponses(400, 401, 429) },
        },
      },
      async (req, reply) => {
        const after = req.query.after ?? req.headers['last-event-id'];
        const { symbol: sym, kind } = req.query;
        const res = startEventStream(req, reply, headers);
        res.write(`retry: 2000\n: connected\n\n`);
        // Frames go out in event order: each event's rows are read before the next event's.
        let chain: Promise<void> = Promise.resolve();
        const write = (frame: string): void => {
          if (res.destroyed) return;
          if (res.writableLength > MAX_BUFFERED) res.end();
          else res.write(frame);
        };
        await open.follow(res, options.sseHeartbeatMs, () =>
          tail.subscribe({ afterSeq: after, types: ['alert.stored', 'alert.acknowledged'] }, (e) => {
            const ids = (e.payload as { alert_ids?: string[] }).alert_ids ?? [];
            if (e.type === 'alert.acknowledged') {
              chain = chain.then(() => write(`id: ${e.seq}\nevent: alert.acknowledged\ndata: ${JSON.stringify({ seq: e.seq, ts: e.ts, ...(e.payload as object) })}\n\n`));
              return;
            }
            chain = chain.then(async () => {
              const now = nowIso();
              let frames = '';
              for (let i = 0; i < ids.length; i += 500) {
                let q = db.selectFrom('alerts').select(COLUMNS).where('alert_id', 'in', ids.slice(i, i + 500));
                if (sym !== undefined) q = q.where('ticker', '=', sym);
                if (kind !== undefined) q = q.where('instrument', '=', kind);
                const rows = await q.orderBy('timestamp', 'asc').orderBy('alert_id', 'asc').execute();
                for (const r of rows) frames += `event: alert\ndata: ${alertItemJson(r.alert_id, r, r, now)}\n\n`;
              }
              // An id-only frame after the batch moves the client's Last-Event-ID past the whole batch (SSE sets it even without data).
              write(`${frames}id: ${e.seq}\n\n`);
            });
            chain = chain.catch((err: unknown) => {
              req.log.error({ err: (err as Error).message }, 'alert stream: could not read stored alerts');
              res.end();
            });
          }),
        );
      },
    );
  },
};
