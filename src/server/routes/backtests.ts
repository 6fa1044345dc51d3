import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { BacktestsTable } from '../../adapters/store/schema.ts';
import { modelBacktest, symbolBacktest, type ChartBacktest } from '../../backtest/chartBacktest.ts';
import { ErrorCode, NotFoundError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import { getModel } from '../../strategy/models/modelStore.ts';
import { StrategyParamsSchema } from '../../strategy/packs/schema.ts';
import { errorResponses, HttpError } from '../httpErrors.ts';
import { withFieldErrors } from '../inputErrors.ts';
import { ownerOf } from '../owner.ts';
import { filterEq, pageByCreated, pageQuery, pageSchema, toPage } from '../pagination.ts';
import type { RouteModule } from '../routeModule.ts';

/** Built-in strategies a bundled-symbol backtest can run. */
const SYMBOL_STRATEGIES = ['buy-and-hold', 'sma-cross', 'rsi', 'donchian'] as const;

/** Parameters of the built-in strategies (each has defaults). */
const SymbolParams = z.strictObject({
  fast: z.number().int().min(1).max(10_000).default(10),
  slow: z.number().int().min(1).max(10_000).default(50),
  rsiPeriod: z.number().int().min(1).max(1_000).default(14),
  rsiLower: z.number().min(0).max(100).default(30),
  rsiUpper: z.number().min(0).max(100).default(70),
  entryPeriod: z.number().int().min(1).max(10_000).default(20),
  exitPeriod: z.number().int().min(1).max(10_000).default(10),
  /** `vectorbt` reproduces vectorbt's cumsum rounding of moving averages (its crossover ties). */
  ma: z.enum(['exact', 'vectorbt']).default('exact'),
});

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a calendar date');

/** What POST /backtests takes: a bundled `symbol` with a built-in strategy, or one of your `model`s. */
export const BacktestRequestBody = z
  .object({
    symbol: z.string().min(1).max(16).optional().describe('a bundled symbol (TTRC, the Dow 30, DAX, SMI, CAC, FTSE)'),
    model: z.string().min(1).max(64).optional().describe('one of your models (id or name): its pack strategy over its data window'),
    strategy: z.enum(SYMBOL_STRATEGIES).default('sma-cross').describe('symbol backtests: the built-in strategy'),
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('symbol: fast, slow, ma (exact|vectorbt), rsiPeriod, rsiLower, rsiUpper, entryPeriod, exitPeriod; model: strategy parameters to override (threshold, top_pct, hold_days, stop_loss, ...)'),
    start: date.optional().describe('symbol backtests: first date'),
    end: date.optional().describe('symbol backtests: last date'),
    cash: z.number().gt(0).max(1e12).default(10_000).describe('symbol backtests: initial cash'),
    fee: z.number().min(0).max(0.1).default(0).describe('symbol backtests: fee as a fraction of traded value'),
    slippageBps: z.number().min(0).max(1_000).default(0),
    fill: z.enum(['close', 'next-open']).default('close'),
    direction: z.enum(['long', 'short', 'both']).default('long'),
  })
  .meta({ id: 'BacktestRequest' });

const MetricsBody = z.record(z.string(), z.number().nullable()).describe('the backtest Metrics (snake_case: total_return, cagr, sharpe, sortino, max_drawdown, win_rate, trades, ...); null when undefined');

/** A stored backtest without its series (listings). */
export const BacktestSummaryBody = z
  .object({
    id: z.string(),
    userId: z.string(),
    kind: z.enum(['symbol', 'model']),
    symbol: z.string(),
    strategy: z.string(),
    modelId: z.string().nullable(),
    request: z.record(z.string(), z.unknown()).describe('the request as resolved (defaults filled in)'),
    summary: z.object({ symbol: z.string(), start: z.string(), end: z.string(), bars: z.number().int(), initCash: z.number(), metrics: MetricsBody, buyHold: MetricsBody }),
    createdAt: z.string(),
  })
  .meta({ id: 'BacktestSummary' });

/** A stored backtest with the series a price/signals/equity chart needs. */
export const BacktestBody = BacktestSummaryBody.extend({
  series: z.object({
    time: z.array(z.number()).describe('bar times, UTC ms'),
    close: z.array(z.number()),
    equity: z.array(z.number()).describe('strategy equity at each close'),
    buyHoldEquity: z.array(z.number()),
    trades: z.array(z.record(z.string(), z.unknown())).describe('round trips: side, entryBar, exitBar (-1 open), qty, entryPrice, exitPrice, pnl, returnPct, exitReason'),
    markers: z.array(z.object({ time: z.number(), kind: z.enum(['entry', 'exit']), side: z.number().int(), price: z.number().nullable(), reason: z.string().nullable() })),
  }),
}).meta({ id: 'Backtest' });

type Row = Selectable<BacktestsTable>;

function summaryOf(r: Row): z.infer<typeof BacktestSummaryBody> {
  return {
    id: r.id,
    userId: r.user_id,
    kind: r.kind as 'symbol' | 'model',
    symbol: r.symbol,
    strategy: r.strategy,
    modelId: r.model_id,
    request: JSON.parse(r.request) as Record<string, unknown>,
    summary: JSON.parse(r.summary) as z.infer<typeof BacktestSummaryBody>['summary'],
    createdAt: r.created_at,
  };
}

function fullOf(r: Row): z.infer<typeof BacktestBody> {
  return { ...summaryOf(r), series: JSON.parse(r.series) as z.infer<typeof BacktestBody>['series'] };
}

const dayMs = (d: string, endOfDay: boolean): number => Date.parse(`${d}T${endOfDay ? '23:59:59.999' : '00:00:00'}Z`);

/** POST/GET /backtests and GET /backtests/{id}: backtests for the chart, stored per API key. */
export const backtestRoutes: RouteModule = {
  name: 'backtests',
  register(app, { deps }) {
    const tags = ['backtests'];
    const { store } = deps;

    app.get(
      '/backtests',
      {
        schema: {
          summary: 'List your backtests, newest first (without series)',
          tags,
          querystring: z.object({
            ...pageQuery,
            kind: z.enum(['symbol', 'model']).optional(),
            symbol: z.string().max(16).optional(),
            strategy: z.string().max(64).optional(),
            modelId: z.string().max(64).optional(),
          }),
          response: { 200: pageSchema(BacktestSummaryBody), ...errorResponses(400, 401, 429) },
        },
      },
      async (req) => {
        const q = req.query;
        const base = filterEq(
          store.db.selectFrom('backtests').select(['id', 'user_id', 'kind', 'symbol', 'strategy', 'model_id', 'request', 'summary', 'created_at']).where('user_id', '=', ownerOf(req)),
          { kind: q.kind, symbol: q.symbol?.toUpperCase(), strategy: q.strategy, model_id: q.modelId },
        );
        const rows = await pageByCreated(base, q).execute();
        return toPage(rows, q.limit, (r) => summaryOf({ ...r, series: '' }), (r) => [r.created_at, r.id]);
      },
    );

    app.post(
      '/backtests',
      {
        schema: {
          summary: 'Run a backtest (bundled symbol + built-in strategy, or one of your models) and store it',
          tags,
          body: BacktestRequestBody,
          response: { 201: BacktestBody, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const user = ownerOf(req);
        if ((b.symbol === undefined) === (b.model === undefined)) throw new HttpError(400, ErrorCode.BAD_INPUT, 'body.symbol: give either symbol or model', 'symbol');
        let run: ChartBacktest;
        let resolved: Record<string, unknown>;
        let strategy: string;
        let modelId: string | null = null;
        if (b.model !== undefined) {
          const m = await getModel(store, user, b.model).catch((err: unknown) => {
            throw new HttpError(404, ErrorCode.NOT_FOUND, (err as Error).message);
          });
          const parsed = StrategyParamsSchema.safeParse({ ...m.spec.params, ...b.params });
          if (!parsed.success) {
            const i = parsed.error.issues[0]!;
            const key = i.code === 'unrecognized_keys' ? i.keys[0]! : i.path.join('.');
            throw new HttpError(400, ErrorCode.BAD_INPUT, `body.params.${key}: ${i.code === 'unrecognized_keys' ? 'not a strategy parameter' : i.message}`, `params.${key}`);
          }
          run = await withFieldErrors(() => modelBacktest(m.spec, parsed.data));
          resolved = { model: m.id, params: parsed.data };
          strategy = m.spec.strategy;
          modelId = m.id;
        } else {
          const parsed = SymbolParams.safeParse(b.params);
          if (!parsed.success) {
            const i = parsed.error.issues[0]!;
            const key = i.code === 'unrecognized_keys' ? i.keys[0]! : i.path.join('.');
            throw new HttpError(400, ErrorCode.BAD_INPUT, `body.params.${key}: ${i.code === 'unrecognized_keys' ? `not a parameter of ${b.strategy}` : i.message}`, `params.${key}`);
          }
          const p = parsed.data;
          if (b.strategy === 'sma-cross' && p.fast >= p.slow) throw new HttpError(400, ErrorCode.BAD_INPUT, `body.params.fast: ${p.fast} must be below slow ${p.slow}`, 'params.fast');
          if (b.start && b.end && b.start > b.end) throw new HttpError(400, ErrorCode.BAD_INPUT, `body.end: ${b.end} is before start ${b.start}`, 'end');
          const spec = { name: b.strategy, ...p };
          run = await withFieldErrors(async () => {
            try {
              return await symbolBacktest({ symbol: b.symbol!, strategy: spec, start: b.start ? dayMs(b.start, false) : undefined, end: b.end ? dayMs(b.end, true) : undefined, cash: b.cash, fee: b.fee, slippageBps: b.slippageBps, fill: b.fill, direction: b.direction });
            } catch (err) {
              // The provider names the bundled symbols; the field is the symbol.
              if (err instanceof Error && /unknown symbol/.test(err.message)) throw new HttpError(400, ErrorCode.BAD_INPUT, `body.symbol: ${err.message}`, 'symbol');
              throw err;
            }
          });
          resolved = { symbol: run.summary.symbol, strategy: b.strategy, params: p, start: b.start ?? null, end: b.end ?? null, cash: b.cash, fee: b.fee, slippageBps: b.slippageBps, fill: b.fill, direction: b.direction };
          strategy = b.strategy;
        }
        const now = deps.clock.now();
        const row: Row = {
          id: uuidv7(now),
          user_id: user,
          kind: modelId ? 'model' : 'symbol',
          symbol: run.summary.symbol,
          strategy,
          model_id: modelId,
          request: JSON.stringify(resolved),
          summary: JSON.stringify(run.summary),
          series: JSON.stringify(run.series),
          created_at: new Date(now).toISOString(),
        };
        await store.transaction(async (trx) => {
          await trx.insertInto('backtests').values(row).execute();
          await store.append({ type: 'backtest.completed', subject: row.id, payload: { user, kind: row.kind, symbol: row.symbol, strategy, model: modelId, total_return: run.summary.metrics.total_return, sharpe: run.summary.metrics.sharpe } }, trx);
        });
        return reply.code(201).send(fullOf(row));
      },
    );

    app.get(
      '/backtests/:id',
      {
        schema: {
          summary: 'One backtest: metrics beside buy-and-hold, and the chart series (time, close, trades and markers, equity)',
          tags,
          params: z.object({ id: z.string().min(1).max(64) }),
          response: { 200: BacktestBody, ...errorResponses(400, 401, 404, 429) },
        },
      },
      async (req) => {
        const r = await store.db.selectFrom('backtests').selectAll().where('id', '=', req.params.id).where('user_id', '=', ownerOf(req)).executeTakeFirst();
        if (!r) throw new NotFoundError(`no backtest ${req.params.id}`);
        return fullOf(r);
      },
    );
  },
};
