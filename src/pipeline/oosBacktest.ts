/**
 * Stage 5 (backtest): the model's out-of-sample probabilities traded with the
 * pack's strategy rules through the vectorised engine (src/backtest) after the
 * pack's costs, next to buy-and-hold over exactly the same bars, with the
 * deflated Sharpe ratio counting every threshold tried as a trial.
 */
import { costModel } from '../backtest/costs.ts';
import { runBacktest } from '../backtest/engine.ts';
import { computeMetrics, equityReturns, periodSharpe, type Metrics } from '../backtest/metrics.ts';
import type { BacktestResult, EngineOptions } from '../backtest/types.ts';
import { sliceSeries, type BarSeries } from '../core/bar.ts';
import type { StrategyParams } from '../strategy/packs/schema.ts';

/** Costs and account of the backtest. */
export interface OosBacktestOptions {
  feeBps: number;
  slippageBps: number;
  initCash: number;
  params: StrategyParams;
  /** Every threshold tried (the deflated Sharpe's trials). */
  thresholds: readonly number[];
}

/** The strategy and buy-and-hold over the out-of-sample bars. */
export interface OosBacktest {
  /** First series row of the window. */
  from: number;
  strategy: BacktestResult;
  buyHold: BacktestResult;
  metrics: Metrics;
  buyHoldMetrics: Metrics;
  /** Trials counted by the deflated Sharpe ratio, and the variance of their per-period Sharpe ratios. */
  trials: number;
  trialSharpeVariance: number;
  /** Entry and exit flags the strategy was given (window indices), for charts. */
  entries: Uint8Array;
  exits: Uint8Array;
  fill: string;
}

/**
 * Entry and exit flags from probabilities: enter when p >= threshold (on the
 * crossing for `entry_type: cross`), exit once `hold_days` bars have passed
 * since the last bar that signalled, unless it signals again.
 */
export function probabilitySignals(p: Float64Array, thr: Float64Array | number, params: Pick<StrategyParams, 'hold_days' | 'entry_type'>): { entries: Uint8Array; exits: Uint8Array } {
  const n = p.length;
  const entries = new Uint8Array(n);
  const exits = new Uint8Array(n);
  const hold = Math.max(1, Math.round(params.hold_days));
  let last = -Infinity;
  let prevOn = false;
  for (let t = 0; t < n; t++) {
    const th = typeof thr === 'number' ? thr : thr[t]!;
    const on = p[t]! >= th;
    if (on && (params.entry_type === 'level' || !prevOn)) {
      entries[t] = 1;
      last = t;
    } else if (on) last = t;
    else if (t - last >= hold) exits[t] = 1;
    prevOn = on;
  }
  return { entries, exits };
}

/** Flags moved one bar later (the last bar's flag is dropped): decided at close t, filled at close t+1. */
export function shiftOne(flags: Uint8Array): Uint8Array {
  const out = new Uint8Array(flags.length);
  out.set(flags.subarray(0, flags.length - 1), 1);
  return out;
}

/** Engine settings for a series: next-open fills with stops when it has OHLC, close fills a bar later otherwise. */
function engineFor(bars: BarSeries, o: OosBacktestOptions): { engine: EngineOptions; closeOnly: boolean } {
  const costs = costModel({ feeRate: o.feeBps * 1e-4, slippageBps: o.slippageBps });
  const closeOnly = !bars.fields.open;
  const hasRange = bars.fields.high && bars.fields.low;
  const stops = hasRange ? { stopLoss: o.params.stop_loss || undefined, takeProfit: o.params.take_profit || undefined } : {};
  return { engine: { initCash: o.initCash, direction: 'long', fill: closeOnly ? 'close' : 'next-open', costs, sizing: { kind: 'equity' }, stops }, closeOnly };
}

function trade(window: BarSeries, s: { entries: Uint8Array; exits: Uint8Array }, engine: EngineOptions, closeOnly: boolean): BacktestResult {
  return runBacktest(window, closeOnly ? { entries: shiftOne(s.entries), exits: shiftOne(s.exits) } : s, engine);
}

/** Backtest rows [from, n) of `bars` with per-row probabilities and thresholds. */
export function oosBacktest(bars: BarSeries, prob: Float64Array, threshold: Float64Array, from: number, o: OosBacktestOptions): OosBacktest {
  const window = sliceSeries(bars, from);
  const m = window.close.length;
  const p = prob.subarray(from);
  const { engine, closeOnly } = engineFor(bars, o);
  const sig = probabilitySignals(p, threshold.subarray(from), o.params);
  const strategy = trade(window, sig, engine, closeOnly);
  const hold = new Uint8Array(m);
  hold[0] = 1;
  const buyHold = trade(window, { entries: hold, exits: new Uint8Array(m) }, { ...engine, stops: {} }, closeOnly);
  // Every fixed threshold is a configuration tried: their Sharpe ratios' spread sets the deflation.
  const srs = o.thresholds.map((t) => periodSharpe(equityReturns(trade(window, probabilitySignals(p, t, o.params), engine, closeOnly).equity, o.initCash)));
  const mean = srs.reduce((s, v) => s + v, 0) / srs.length;
  const variance = srs.length > 1 ? srs.reduce((s, v) => s + (v - mean) ** 2, 0) / (srs.length - 1) : 0;
  const trials = o.thresholds.length;
  return {
    from,
    strategy,
    buyHold,
    metrics: computeMetrics(strategy, { trials, trialSharpeVariance: trials > 1 && variance > 0 ? variance : undefined }),
    buyHoldMetrics: computeMetrics(buyHold),
    trials,
    trialSharpeVariance: variance,
    entries: sig.entries,
    exits: sig.exits,
    fill: closeOnly ? 'decided at close t, filled at close t+1 (close-only data; no stops)' : 'decided at close t, filled at open t+1; stops and targets on the bar range',
  };
}
