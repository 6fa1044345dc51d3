/**
 * A backtest for a chart: summary metrics beside buy-and-hold over the same
 * bars, and the series a price/signals/equity chart draws (time, close,
 * equity of both, trades and their entry/exit markers). Two sources: a
 * bundled symbol with a built-in strategy, or a stored model's pack strategy.
 */
import type { BarSeries } from '../core/bar.ts';
import { sliceSeries } from '../core/bar.ts';
import { BadInputError } from '../core/errors.ts';
import { SampleProvider } from '../data/providers/sample.ts';
import type { ModelSpec } from '../strategy/models/modelSpec.ts';
import { evaluateConfig, INIT_CASH, loadEvalContext } from '../strategy/packs/evaluate.ts';
import type { StrategyParams } from '../strategy/packs/schema.ts';
import { costModel } from './costs.ts';
import { runBacktest } from './engine.ts';
import { computeMetrics, type Metrics } from './metrics.ts';
import { backtestSingle, type StrategySpec } from './runner.ts';
import { buyAndHoldSignals } from './strategies/buyAndHold.ts';
import type { BacktestResult, Direction, FillAt, Trade } from './types.ts';

/** Metrics with undefined values (no trades, no losses) as null, so they survive JSON. */
export type ChartMetrics = { [K in keyof Metrics]: number | null };

/** An entry or exit on the price chart. */
export interface ChartMarker {
  time: number;
  kind: 'entry' | 'exit';
  /** +1 long, -1 short. */
  side: 1 | -1;
  price: number;
  reason: string | null;
}

/** What the chart draws; arrays are index-aligned with `time` (UTC ms). */
export interface ChartSeries {
  time: number[];
  close: number[];
  equity: number[];
  buyHoldEquity: number[];
  trades: Trade[];
  markers: ChartMarker[];
}

/** Summary of a chart backtest. */
export interface ChartSummary {
  symbol: string;
  start: string;
  end: string;
  bars: number;
  initCash: number;
  metrics: ChartMetrics;
  buyHold: ChartMetrics;
}

/** A finished chart backtest. */
export interface ChartBacktest {
  summary: ChartSummary;
  series: ChartSeries;
}

/** Settings of a bundled-symbol backtest. */
export interface SymbolBacktestRequest {
  symbol: string;
  strategy: StrategySpec;
  start?: number;
  end?: number;
  cash: number;
  fee: number;
  slippageBps: number;
  fill: FillAt;
  direction: Direction;
}

function finiteMetrics(m: Metrics): ChartMetrics {
  const out = {} as ChartMetrics;
  for (const [k, v] of Object.entries(m)) (out as Record<string, number | null>)[k] = Number.isFinite(v) ? v : null;
  return out;
}

function build(symbol: string, time: Float64Array, close: Float64Array, strategy: BacktestResult, buyHold: BacktestResult, metrics: Metrics, bh: Metrics): ChartBacktest {
  const n = time.length;
  const markers: ChartMarker[] = [];
  for (const t of strategy.trades) {
    markers.push({ time: time[t.entryBar]!, kind: 'entry', side: t.side, price: t.entryPrice, reason: null });
    if (t.exitBar >= 0) markers.push({ time: time[t.exitBar]!, kind: 'exit', side: t.side, price: t.exitPrice, reason: t.exitReason });
  }
  markers.sort((a, b) => a.time - b.time);
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  return {
    summary: { symbol, start: day(time[0] ?? 0), end: day(time[n - 1] ?? 0), bars: n, initCash: strategy.initCash, metrics: finiteMetrics(metrics), buyHold: finiteMetrics(bh) },
    series: { time: Array.from(time), close: Array.from(close), equity: Array.from(strategy.equity), buyHoldEquity: Array.from(buyHold.equity), trades: strategy.trades, markers },
  };
}

/** Backtest a built-in strategy on a bundled symbol (optionally between `start` and `end`), beside buy-and-hold. */
export async function symbolBacktest(req: SymbolBacktestRequest, provider = new SampleProvider()): Promise<ChartBacktest> {
  const bars = await provider.getBars({ symbol: req.symbol, timeframe: '1d', start: req.start, end: req.end });
  if (bars.close.length < 2) throw new BadInputError(`start: ${req.symbol} has ${bars.close.length} bars between start and end; a backtest needs at least 2`);
  if (req.fill === 'next-open' && !bars.fields.open) throw new BadInputError(`fill: ${bars.symbol} has close prices only; fill at the close`, { field: 'fill' });
  const costs = costModel({ feeRate: req.fee, slippageBps: req.slippageBps });
  const r = backtestSingle(bars, req.strategy, { initCash: req.cash, direction: req.direction, fill: req.fill, costs, sizing: { kind: 'equity' }, stops: {} }, { periodsPerYear: 252 });
  return build(bars.symbol, bars.time, bars.close, r.strategy, r.buyHold, r.metrics, r.buyHoldMetrics);
}

/** Backtest a model's pack strategy over its data window (with `params` overriding its strategy parameters), beside buy-and-hold. */
export async function modelBacktest(spec: ModelSpec, params: StrategyParams): Promise<ChartBacktest> {
  const ctx = await loadEvalContext(spec);
  const { result, metrics } = evaluateConfig(ctx, params);
  const window: BarSeries = sliceSeries(ctx.bars, ctx.from, ctx.bars.close.length);
  const e = spec.execution;
  const bhRun = runBacktest(window, buyAndHoldSignals(window.close.length), {
    initCash: INIT_CASH,
    direction: 'long',
    fill: 'close',
    costs: costModel({ feeRate: e.fee_bps * 1e-4, slippageBps: e.slippage_bps }),
    sizing: { kind: 'equity' },
    stops: {},
  });
  const bh = computeMetrics(bhRun, { periodsPerYear: ctx.periodsPerYear });
  return build(window.symbol, window.time, window.close, result, bhRun, metrics, bh);
}
