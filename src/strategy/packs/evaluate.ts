/**
 * Evaluate a model over its data window: load bars (with warm-up before the
 * window), compute the score once, then simulate any number of strategy
 * configurations over any sub-range. Sweeps and walk-forward folds share one context.
 */
import type { BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import { computeMetrics, type Metrics } from '../../backtest/metrics.ts';
import type { BacktestResult } from '../../backtest/types.ts';
import { MockProvider } from '../../data/providers/mock.ts';
import { SampleProvider } from '../../data/providers/sample.ts';
import { lowerBound, upperBound } from '../../data/range.ts';
import { sliceSeries } from '../../core/bar.ts';
import { getIndicator, resolveParams } from '../../indicators/registry.ts';
import { TIMEFRAME_MINUTES } from '../../core/time.ts';
import { type ModelSpec, tradedSymbol } from '../models/modelSpec.ts';
import { barCalendar, type BarCalendar } from './calendar.ts';
import { packScore, type PackScore } from './score.ts';
import { simulatePack, trailingVol, type SimInstrument, type SimPolicy } from './simulate.ts';
import type { OptionSettings, StockSettings, FutureSettings, StrategyParams } from './schema.ts';

/** Everything a configuration needs that does not depend on the configuration. */
export interface EvalContext {
  bars: BarSeries;
  cal: BarCalendar;
  score: PackScore;
  vol: Float64Array;
  /** First bar of the evaluation window (bars before it are warm-up). */
  from: number;
  inst: SimInstrument;
  pol: SimPolicy;
  periodsPerYear: number;
}

/** The account every evaluation starts from. */
export const INIT_CASH = 100_000;

/** Base bars of warm-up a model needs before its first scored bar. */
export function warmupBars(spec: ModelSpec): number {
  let w = 0;
  for (const ind of spec.indicators) {
    const def = getIndicator(ind.name);
    const ratio = TIMEFRAME_MINUTES[ind.timeframe] / TIMEFRAME_MINUTES[spec.timeframe];
    w = Math.max(w, Math.ceil(def.warmup(resolveParams(def, ind.params)) * (ind.timeframe === '1d' && spec.timeframe !== '1d' ? 390 / TIMEFRAME_MINUTES[spec.timeframe] : ratio)));
  }
  // The score needs a full rank window of indicator values, then a window of scores.
  return w + 2 * spec.params.rank_window + 25;
}

/** Load the model's bars: the evaluation window of `data.years` ending at `data.end`, plus warm-up before it. */
export async function loadModelBars(spec: ModelSpec): Promise<{ bars: BarSeries; from: number }> {
  const d = spec.data;
  const end = Date.parse(`${d.end}T23:59:59Z`);
  const start = end - Math.round(d.years * 365.25 * MS_PER_DAY);
  const warm = warmupBars(spec);
  const symbol = tradedSymbol(spec);
  if (d.provider === 'sample') {
    if (spec.timeframe !== '1d') throw new BadInputError(`${spec.name}: the bundled sample data is daily; ${spec.timeframe} models use data.provider mock`);
    const all = await new SampleProvider().getBars({ symbol, timeframe: '1d' });
    const a = lowerBound(all.time, start);
    const b = upperBound(all.time, end);
    if (a - warm < 0) throw new BadInputError(`${spec.name}: ${symbol} has ${a} bars before ${new Date(start).toISOString().slice(0, 10)}, the model needs ${warm} for warm-up`);
    if (b - a < 20) throw new BadInputError(`${spec.name}: ${symbol} has only ${b - a} bars in the evaluation window`);
    return { bars: sliceSeries(all, a - warm, b), from: warm };
  }
  const warmDays = spec.timeframe === '1d' ? Math.ceil(warm * 1.5) + 5 : Math.ceil(((warm * TIMEFRAME_MINUTES[spec.timeframe]) / 390) * 1.5) + 5;
  const bars = await new MockProvider({ seed: d.seed }).getBars({ symbol, timeframe: spec.timeframe, start: start - warmDays * MS_PER_DAY, end });
  const from = lowerBound(bars.time, start);
  if (from < warm) throw new BadInputError(`${spec.name}: only ${from} warm-up bars before the window, need ${warm}`);
  return { bars, from };
}

/** The simulator's view of a model's instrument. */
export function simInstrument(spec: ModelSpec): SimInstrument {
  const symbol = tradedSymbol(spec);
  if (spec.instrument === 'option') {
    const o = spec.settings as OptionSettings;
    return { kind: 'option', symbol, side: o.option_type === 'call' ? 1 : -1, shareSize: 0, contractSize: o.contract_size, defaultStrike: o.default_strike, defaultDte: o.default_dte };
  }
  if (spec.instrument === 'future') {
    const f = spec.settings as FutureSettings;
    return { kind: 'future', symbol, side: 1, shareSize: 0, contractSize: f.contract_size, defaultStrike: 'ATM', defaultDte: 0 };
  }
  const s = spec.settings as StockSettings;
  return { kind: 'stock', symbol, side: s.position_type === 'short' ? -1 : 1, shareSize: s.share_size, contractSize: 1, defaultStrike: 'ATM', defaultDte: 0 };
}

/** Build the shared context of a model from its bars. */
export function evalContext(spec: ModelSpec, bars: BarSeries, from: number): EvalContext {
  const inst = simInstrument(spec);
  const cal = barCalendar(bars);
  const e = spec.execution;
  return {
    bars,
    cal,
    from,
    inst,
    // Short stock and put models enter on a bearish score.
    score: packScore(spec.indicators, bars, spec.params.rank_window, inst.side === -1),
    vol: trailingVol(bars.close, 252 * cal.barsPerDay),
    pol: { fill: e.fill, feeBps: e.fee_bps, slippageBps: e.slippage_bps, contractFee: e.contract_fee, flatAtClose: e.flat_at_close, positionSize: spec.risk.position_size, initCash: INIT_CASH },
    periodsPerYear: 252 * cal.barsPerDay,
  };
}

/** Load bars and build the context in one step. */
export async function loadEvalContext(spec: ModelSpec): Promise<EvalContext> {
  const { bars, from } = await loadModelBars(spec);
  return evalContext(spec, bars, from);
}

/** Simulate one configuration over window bars [a, b) (relative to the window start; default all of it). */
export function evaluateConfig(ctx: EvalContext, params: StrategyParams, a = 0, b = ctx.bars.close.length - ctx.from): { result: BacktestResult; metrics: Metrics } {
  const result = simulatePack(ctx.bars, ctx.cal, ctx.score, ctx.vol, ctx.from + a, ctx.from + b, params, ctx.inst, ctx.pol);
  return { result, metrics: computeMetrics(result, { periodsPerYear: ctx.periodsPerYear }) };
}
