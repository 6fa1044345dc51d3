import type { FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { SweepsTable } from '../../adapters/store/schema.ts';
import type { EventRecord } from '../../adapters/store/store.ts';
import { ErrorCode } from '../../core/errors.ts';
import { BackgroundSweeps } from '../../research/sweep/backgroundSweeps.ts';
import { customGrid, simpleGrid, SweepConfigSchema } from '../../research/sweep/grid.ts';
import { leaderboardCsv, type Leaderboard } from '../../research/sweep/leaderboard.ts';
import type { SweepProgress, SweepSummary } from '../../research/sweep/runSweep.ts';
import { estimateSweep } from '../../research/sweep/estimate.ts';
import { createSweep, getSweep, setSweepStatus, type SweepPlan, type SweepRecord } from '../../research/sweep/sweepStore.ts';
import { getModel, type ModelRecord } from '../../strategy/models/modelStore.ts';
import { roleAtLeast } from '../auth/roles.ts';
import { errorResponses, HttpError } from '../httpErrors.ts';
import { withFieldErrors } from '../inputErrors.ts';
import { ownerOf } from '../owner.ts';
import { filterEq, pageByCreated, pageQuery, pageSchema, toPage } from '../pagination.ts';
import type { RouteModule } from '../routeModule.ts';
import { startEventStream } from '../eventStream.ts';

/** PBO blocks, as `tradepilot sweep` uses (C(12,6) = 924 CSCV splits). */
const PBO_BLOCKS = 12;
/** Events that end a sweep's progress stream. */
const TERMINAL = new Set(['done', 'cancelled', 'failed']);
const TERMINAL_EVENTS = new Set(['sweep.completed', 'sweep.cancelled', 'sweep.failed']);

const num = z.number().nullable().describe('null when undefined (e.g. no trades)');

/** Progress of a sweep: live while it runs in this server, else counted from its saved rows. */
const ProgressBody = z.object({
  done: z.number().int(),
  total: z.number().int(),
  fraction: z.number().min(0).max(1),
  etaSeconds: z.number().nullable().describe('estimated seconds left (null when not running here)'),
  elapsedMs: z.number().nullable(),
});

/** A sweep as the API shows it. */
export const SweepBody = z
  .object({
    id: z.string(),
    userId: z.string(),
    modelId: z.string(),
    model: z.string().describe('model name when the sweep was made'),
    mode: z.enum(['simple', 'custom']),
    status: z.enum(['pending', 'running', 'cancelling', 'cancelled', 'done', 'failed']),
    total: z.number().int().describe('combinations (per fold for walk-forward)'),
    walkForward: z.object({ is_bars: z.number().int(), oos_bars: z.number().int() }).nullable(),
    tags: z.array(z.string()),
    progress: ProgressBody,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Sweep' });

/** One leaderboard line (the research LeaderboardRow: snake_case metrics, params in the pack format). */
const LeaderboardRowBody = z.object({
  rank: z.number().int(),
  idx: z.number().int().describe('combination index'),
  params: z.record(z.string(), z.unknown()).describe('the strategy parameters of this combination'),
  sharpe: num,
  total_return: num,
  trades: z.number().int(),
  max_drawdown: num,
  win_rate: num,
  status: z.enum(['PASS', 'MARGINAL', 'FAIL']),
  reasons: z.array(z.string()),
});

/** The leaderboard with the overfitting statistics: deflated Sharpe of the winner and PBO. */
export const SweepResultsBody = z
  .object({
    id: z.string(),
    status: z.string(),
    mode: z.enum(['simple', 'custom']),
    model: z.string(),
    leaderboard: z.object({
      rows: z.array(LeaderboardRowBody),
      totalRows: z.number().int().describe('rows matching the filter before paging'),
      trials: z.number().int().describe('distinct configurations tried'),
      winner_dsr: num.describe('deflated Sharpe ratio of the winner'),
      pbo: num.describe('probability of backtest overfitting (CSCV); null with fewer than two distinct rows'),
      pbo_splits: z.number().int(),
      counts: z.object({ PASS: z.number().int(), MARGINAL: z.number().int(), FAIL: z.number().int() }),
    }),
    walkForward: z.record(z.string(), z.unknown()).nullable().describe('folds and the stitched out-of-sample result (walk-forward sweeps)'),
    elapsedMs: z.number().nullable(),
  })
  .meta({ id: 'SweepResults' });

/** What POST /sweeps takes. */
export const SweepRequestBody = z
  .object({
    model: z.string().min(1).max(64).describe('model id or name'),
    mode: z.enum(['simple', 'custom']).default('simple').describe('simple: the fixed 45-combination grid; custom (role premium): your grid, up to 1,000 combinations'),
    grid: SweepConfigSchema.shape.grid.optional().describe('custom mode: the axes to sweep'),
    walkForward: z
      .union([z.boolean(), z.strictObject({ is_bars: z.number().int().min(20), oos_bars: z.number().int().min(5) })])
      .optional()
      .describe('true for 126/21 sessions, or explicit in-sample/out-of-sample bars'),
    tags: z.array(z.string().min(1).max(64)).max(20).optional(),
  })
  .meta({ id: 'SweepRequest' });

/** What POST /sweeps/estimate answers. */
export const SweepEstimateBody = z
  .object({
    model: z.string(),
    mode: z.enum(['simple', 'custom']),
    combinations: z.number().int(),
    folds: z.number().int().describe('walk-forward folds (0 for a plain sweep)'),
    evaluations: z.number().int().describe('configurations evaluated in all'),
    windowBars: z.number().int(),
    workers: z.number().int(),
    estimatedSeconds: z.number(),
  })
  .meta({ id: 'SweepEstimate' });

const IdParams = z.object({ id: z.string().min(4).max(64).regex(/^[0-9a-f-]+$/, 'a sweep id (or a unique prefix)') });

function finite(x: unknown): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

function progressOf(sw: { status: string; total: number }, live: SweepProgress | null, saved: number, planned: number | null): z.infer<typeof ProgressBody> {
  if (live) return { done: live.done, total: live.total, fraction: live.total > 0 ? Math.min(1, live.done / live.total) : 0, etaSeconds: finite(live.etaSeconds), elapsedMs: live.elapsedMs };
  // Walk-forward sweeps evaluate every combination per fold: the run recorded its total when it started.
  const total = Math.max(planned ?? sw.total, saved);
  return { done: saved, total, fraction: sw.status === 'done' ? 1 : total > 0 ? Math.min(1, saved / total) : 0, etaSeconds: null, elapsedMs: null };
}

/** POST/GET /sweeps, GET /sweeps/{id}, its results (JSON or CSV), DELETE (cancel) and its SSE progress stream; mounted when the server has a JobQueue. */
export const sweepRoutes: RouteModule = {
  name: 'sweeps',
  register(app, { deps, tail, headers, options }) {
    const { store, jobs } = deps;
    if (!jobs) return;
    const tags = ['sweeps'];
    const runner = new BackgroundSweeps(store, jobs, deps.logger);
    app.addHook('onClose', async () => runner.close());

    const savedRows = async (id: string): Promise<number> => {
      const r = await store.db.selectFrom('sweep_results').select((eb) => eb.fn.countAll<number>().as('n')).where('sweep_id', '=', id).executeTakeFirst();
      return Number(r?.n ?? 0);
    };
    /** Evaluations the last (re)start of a sweep planned, from its audit event; null before it ever ran. */
    const plannedTotal = async (id: string): Promise<number | null> => {
      const [e] = await store.events({ type: ['sweep.started', 'sweep.resumed'], subject: id, order: 'desc', limit: 1 });
      const t = (e?.payload as { total?: unknown } | undefined)?.total;
      return typeof t === 'number' ? t : null;
    };
    const body = async (sw: SweepRecord | Selectable<SweepsTable>): Promise<z.infer<typeof SweepBody>> => {
      const rec = 'plan' in sw ? sw : null;
      const row = 'plan' in sw ? null : sw;
      const id = sw.id;
      const plan = rec?.plan ?? (JSON.parse(row!.config) as SweepPlan);
      const status = sw.status as z.infer<typeof SweepBody>['status'];
      return {
        id,
        userId: rec?.userId ?? row!.user_id,
        modelId: rec?.modelId ?? row!.model_id,
        model: rec?.spec.name ?? (JSON.parse(row!.spec) as { name: string }).name,
        mode: plan.mode,
        status,
        total: sw.total,
        walkForward: plan.walkForward,
        tags: rec?.tags ?? (JSON.parse(row!.tags) as string[]),
        progress: progressOf({ status, total: sw.total }, runner.progress(id), await savedRows(id), await plannedTotal(id)),
        createdAt: rec?.createdAt ?? row!.created_at,
        updatedAt: rec?.updatedAt ?? row!.updated_at,
      };
    };
    /** The caller's sweep (another key's is a 404, as if it did not exist). */
    const ownSweep = async (req: FastifyRequest, id: string): Promise<SweepRecord> => {
      const sw = await getSweep(store, id);
      if (sw.userId !== ownerOf(req)) throw new HttpError(404, ErrorCode.NOT_FOUND, `no sweep "${id}"`);
      return sw;
    };

    /** Check the caller may run this sweep and resolve its model and plan (400s name the field). */
    const planOf = async (req: FastifyRequest, b: z.infer<typeof SweepRequestBody>): Promise<{ model: ModelRecord; plan: SweepPlan; tags: string[] }> => {
      if (b.mode === 'custom' && !roleAtLeast(req.principal!.role, 'premium')) throw new HttpError(403, ErrorCode.FORBIDDEN, `custom sweeps need role premium; key ${req.principal!.keyId} has role ${req.principal!.role}`);
      if (b.mode === 'custom' && !b.grid) throw new HttpError(400, ErrorCode.BAD_INPUT, 'body.grid: custom mode needs a grid', 'grid');
      if (b.mode === 'simple' && b.grid) throw new HttpError(400, ErrorCode.BAD_INPUT, 'body.grid: simple mode sweeps the fixed grid; use mode custom for your own', 'grid');
      const model = await getModel(store, ownerOf(req), b.model).catch((err: unknown) => {
        throw new HttpError(404, ErrorCode.NOT_FOUND, (err as Error).message);
      });
      const spec = model.spec;
      const combos = await withFieldErrors(() => (b.mode === 'simple' ? simpleGrid(spec.params) : customGrid(spec.params, { grid: b.grid! }, spec.instrument, spec.risk.max_positions)));
      const perDay = spec.timeframe === '1d' ? 1 : Math.round(390 / { '1m': 1, '5m': 5, '30m': 30, '1h': 60, '6h': 360, '1d': 390 }[spec.timeframe]);
      const walkForward = b.walkForward === true ? { is_bars: 126 * perDay, oos_bars: 21 * perDay } : b.walkForward ? b.walkForward : null;
      return { model, plan: { mode: b.mode, combos, walkForward, blocks: PBO_BLOCKS }, tags: b.tags ?? [] };
    };

    app.get(
      '/sweeps',
      {
        schema: {
          summary: 'List your sweeps, newest first',
          tags,
          querystring: z.object({
            ...pageQuery,
            status: SweepBody.shape.status.optional(),
            modelId: z.string().max(64).optional(),
            mode: z.enum(['simple', 'custom']).optional(),
            tag: z.string().min(1).max(64).optional(),
          }),
          response: { 200: pageSchema(SweepBody), ...errorResponses(400, 401, 429) },
        },
      },
      async (req) => {
        const q = req.query;
        let base = filterEq(store.db.selectFrom('sweeps').selectAll().where('user_id', '=', ownerOf(req)), { status: q.status, model_id: q.modelId, mode: q.mode });
        if (q.tag !== undefined) base = base.where('tags', 'like', `%${JSON.stringify(q.tag).replace(/[%_]/g, '')}%`);
        const rows = await pageByCreated(base, q).execute();
        const page = toPage(rows, q.limit, (r) => r, (r) => [r.created_at, r.id]);
        return { ...page, items: await Promise.all(page.items.map(body)) };
      },
    );

    app.post(
      '/sweeps',
      {
        schema: {
          summary: 'Start a sweep of one of your models in the background; answers with its id and estimated runtime',
          description: 'Custom mode needs role premium. Progress: GET /sweeps/{id} or the SSE stream GET /sweeps/{id}/events.',
          tags,
          body: SweepRequestBody,
          response: { 202: SweepBody.extend({ estimatedSeconds: z.number().describe('estimated runtime from timing a few combinations') }), ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (req, reply) => {
        const { model, plan, tags: sweepTags } = await planOf(req, req.body);
        // Load the data and check the walk-forward window before anything is stored: a bad plan leaves no failed sweep behind.
        await withFieldErrors(() => estimateSweep(model.spec, plan, jobs.concurrency));
        const sw = await createSweep(store, ownerOf(req), model.id, model.spec, plan, sweepTags);
        const est = await withFieldErrors(() => runner.start(sw.id));
        return reply.code(202).send({ ...(await body(await getSweep(store, sw.id))), estimatedSeconds: finite(est.etaSeconds) ?? 0 });
      },
    );

    app.post(
      '/sweeps/estimate',
      {
        schema: {
          summary: 'Size and estimated runtime of a sweep, without starting it (same body as POST /sweeps)',
          tags,
          body: SweepRequestBody,
          response: { 200: SweepEstimateBody, ...errorResponses(400, 401, 403, 404, 429) },
        },
      },
      async (req) => {
        const { model, plan } = await planOf(req, req.body);
        const e = await withFieldErrors(() => estimateSweep(model.spec, plan, jobs.concurrency));
        return { model: model.name, mode: plan.mode, ...e, workers: jobs.concurrency };
      },
    );

    app.get(
      '/sweeps/:id',
      { schema: { summary: 'A sweep\'s status and progress', tags, params: IdParams, response: { 200: SweepBody, ...errorResponses(400, 401, 404, 429) } } },
      async (req) => body(await ownSweep(req, req.params.id)),
    );

    app.get(
      '/sweeps/:id/results',
      {
        schema: {
          summary: 'The leaderboard with the winner\'s deflated Sharpe and the PBO; ?format=csv exports it',
          tags,
          params: IdParams,
          querystring: z.object({
            format: z.enum(['json', 'csv']).default('json'),
            status: z.enum(['PASS', 'MARGINAL', 'FAIL']).optional().describe('only rows with this gate status'),
            limit: z.coerce.number().int().min(1).max(1000).default(1000),
            offset: z.coerce.number().int().min(0).default(0),
          }),
          response: { 200: z.union([SweepResultsBody, z.string().describe('text/csv with format=csv')]), ...errorResponses(400, 401, 404, 409, 429) },
        },
      },
      async (req, reply) => {
        const sw = await ownSweep(req, req.params.id);
        const s = sw.summary as SweepSummary | null;
        if (sw.status !== 'done' || !s) throw new HttpError(409, ErrorCode.CONFLICT, `sweep ${sw.id} is ${sw.status}; results are ready when it is done`);
        const q = req.query;
        const lb: Leaderboard = s.leaderboard;
        const matching = q.status ? lb.rows.filter((r) => r.status === q.status) : lb.rows;
        const rows = matching.slice(q.offset, q.offset + q.limit);
        if (q.format === 'csv') {
          await store.append({ type: 'sweep.exported', subject: sw.id, correlationId: sw.id, payload: { rows: rows.length, by: `api:${ownerOf(req)}` } });
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="sweep-${sw.id}.csv"`)
            .send(leaderboardCsv({ ...lb, rows }));
        }
        return {
          id: sw.id,
          status: sw.status,
          mode: sw.plan.mode,
          model: sw.spec.name,
          leaderboard: {
            rows: rows.map((r) => ({ ...r, params: r.params as unknown as Record<string, unknown>, sharpe: finite(r.sharpe), total_return: finite(r.total_return), max_drawdown: finite(r.max_drawdown), win_rate: finite(r.win_rate) })),
            totalRows: matching.length,
            trials: lb.trials,
            winner_dsr: finite(lb.winner_dsr),
            pbo: finite(lb.pbo),
            pbo_splits: lb.pbo_splits,
            counts: lb.counts,
          },
          walkForward: (s.walk_forward as unknown as Record<string, unknown> | null) ?? null,
          elapsedMs: finite(s.elapsed_ms),
        };
      },
    );

    app.delete(
      '/sweeps/:id',
      {
        schema: {
          summary: 'Cancel a sweep (a running one stops within a second; finished rows are kept)',
          tags,
          params: IdParams,
          response: { 200: SweepBody, ...errorResponses(400, 401, 404, 409, 429) },
        },
      },
      async (req) => {
        const sw = await ownSweep(req, req.params.id);
        if (sw.status === 'done' || sw.status === 'failed') throw new HttpError(409, ErrorCode.CONFLICT, `sweep ${sw.id} is already ${sw.status}`);
        if (sw.status !== 'cancelled') {
          const here = runner.isRunning(sw.id);
          // Running here or in another process (which polls its status): ask it to stop; a sweep not running anywhere is cancelled now.
          await setSweepStatus(store, sw.id, here || sw.status === 'running' || sw.status === 'cancelling' ? 'cancelling' : 'cancelled', 'sweep.cancel_requested', { by: `api:${ownerOf(req)}` });
          if (here) await runner.cancel(sw.id);
        }
        return body(await getSweep(store, sw.id));
      },
    );

    app.get(
      '/sweeps/:id/events',
      {
        schema: {
          summary: 'Progress of one sweep as text/event-stream: a `sweep` snapshot, then its sweep.* events; ends when the sweep does',
          tags,
          params: IdParams,
          response: { 200: z.string().describe('text/event-stream'), ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (req, reply) => {
        const sw = await ownSweep(req, req.params.id);
        const res = reply.raw;
        const queued: EventRecord[] = [];
        let ready = false;
        let ended = false;
        const end = (): void => {
          if (ended) return;
          ended = true;
          stop();
          clearInterval(heartbeat);
          res.end();
        };
        const send = (e: EventRecord): void => {
          if (ended) return;
          res.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify({ seq: e.seq, ts: e.ts, type: e.type, payload: e.payload })}\n\n`);
          if (TERMINAL_EVENTS.has(e.type)) end();
        };
        // Subscribe before the snapshot so nothing between the two is lost.
        let stop: () => void = () => undefined;
        stop = await tail.subscribe({ types: ['sweep.*'] }, (e) => {
          if (e.subject !== sw.id) return;
          if (ready) send(e);
          else queued.push(e);
        });
        startEventStream(req, reply, headers);
        const heartbeat = setInterval(() => res.write(': ping\n\n'), options.sseHeartbeatMs);
        heartbeat.unref();
        res.on('close', end);
        const snap = await body(await getSweep(store, sw.id));
        res.write(`retry: 2000\nevent: sweep\ndata: ${JSON.stringify(snap)}\n\n`);
        ready = true;
        for (const e of queued) send(e);
        if (TERMINAL.has(snap.status)) end();
      },
    );
  },
};
