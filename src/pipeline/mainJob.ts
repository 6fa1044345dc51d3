import type { Store } from '../adapters/store/store.ts';
import { costModel } from '../backtest/costs.ts';
import { runBacktest } from '../backtest/engine.ts';
import { computeMetrics, type Metrics } from '../backtest/metrics.ts';
import type { EngineOptions } from '../backtest/types.ts';
import { sliceSeries, type BarSeries } from '../core/bar.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Signal } from '../core/signal.ts';
import { toIsoDate } from '../core/time.ts';
import type { DataProvider } from '../data/provider.ts';
import { trendHitRate, trendRule } from '../strategy/trendRule.ts';
import type { Progress } from '../cli/progress.ts';

/** What the main job runs on and how it trades. */
export interface MainJobOptions {
  symbols: string[];
  /** Moving-average length of the baseline trend rule. */
  period: number;
  /** Fee as a fraction of traded value, per fill. */
  fee: number;
  /** Slippage in basis points, against each fill. */
  slippageBps: number;
  initCash: number;
}

export const DEFAULT_MAIN_JOB: Readonly<Omit<MainJobOptions, 'symbols'>> = Object.freeze({ period: 200, fee: 0.001, slippageBps: 5, initCash: 10_000 });

/** The few numbers a summary shows, for the strategy and for buy-and-hold. */
export interface Scorecard {
  total_return: number;
  cagr: number;
  sharpe: number;
  max_drawdown: number;
  trades: number;
  win_rate: number;
  exposure: number;
}

export interface SymbolResult {
  symbol: string;
  bars: number;
  first: string;
  last: string;
  last_close: number;
  sma: number;
  /** BUY: trend up, be long; SELL: trend down, be flat. */
  signal: 'BUY' | 'SELL';
  /** The state flipped on the last bar. */
  fresh: boolean;
  /** Historical hit rate of the rule's direction over the next 21 bars, from the past only. */
  confidence: number;
  strategy: Scorecard;
  buy_hold: Scorecard;
}

export interface MainJobReport {
  run_id: string;
  provider: string;
  rule: string;
  costs: { fee: number; slippage_bps: number };
  fill: string;
  symbols: SymbolResult[];
  failed: { symbol: string; error: string }[];
  summary: {
    symbols: number;
    buy_signals: number;
    beat_buy_hold: number;
    mean_strategy_return: number;
    mean_buy_hold_return: number;
    mean_strategy_sharpe: number;
    mean_buy_hold_sharpe: number;
    mean_strategy_max_drawdown: number;
    mean_buy_hold_max_drawdown: number;
  };
  seconds: number;
}

function scorecard(m: Metrics): Scorecard {
  return { total_return: m.total_return, cagr: m.cagr, sharpe: m.sharpe, max_drawdown: m.max_drawdown, trades: m.trades, win_rate: m.win_rate, exposure: m.exposure };
}

/**
 * The main job (the baseline form: later stages replace the rule with trained
 * models): load and validate each symbol's bars, apply the SMA trend rule,
 * backtest it after costs next to buy-and-hold over the same bars, derive
 * today's signal, and append every step to the store under one run id.
 */
export async function runMainJob(deps: { store: Store; provider: DataProvider; progress: Progress; now?: () => number }, opts: MainJobOptions): Promise<MainJobReport> {
  const t0 = performance.now();
  const { store, provider, progress } = deps;
  const runId = uuidv7();
  const costs = costModel({ feeRate: opts.fee, slippageBps: opts.slippageBps });
  // Decided on bar t's close, filled at bar t+1's open: no trade at a price already seen.
  const engine: EngineOptions = { initCash: opts.initCash, direction: 'long', fill: 'next-open', costs, sizing: { kind: 'equity' }, stops: {} };
  await store.append({ type: 'run.started', subject: 'main', correlationId: runId, payload: { provider: provider.name, ...opts } });

  const results: SymbolResult[] = [];
  const failed: { symbol: string; error: string }[] = [];
  progress.start(opts.symbols.length, 'run');
  for (const symbol of opts.symbols) {
    try {
      const series = await provider.getBars({ symbol, timeframe: '1d' });
      const result = evaluateSymbol(series, opts, engine);
      const signal: Signal = {
        id: uuidv7(),
        symbol,
        time: series.time[series.time.length - 1]!,
        action: result.signal,
        confidence: Number.isFinite(result.confidence) ? result.confidence : 0,
        model: `sma-trend-${opts.period}`,
        reason: `close ${result.last_close.toFixed(2)} ${result.signal === 'BUY' ? 'above' : 'below'} SMA-${opts.period} ${result.sma.toFixed(2)}${result.fresh ? ' (crossed today)' : ''}`,
      };
      await store.append([
        { type: 'data.loaded', subject: symbol, correlationId: runId, payload: { provider: provider.name, bars: result.bars, first: result.first, last: result.last, fields: series.fields } },
        { type: 'signal', subject: symbol, correlationId: runId, payload: signal },
        { type: 'backtest.result', subject: symbol, correlationId: runId, payload: { strategy: result.strategy, buy_hold: result.buy_hold, costs: { fee: opts.fee, slippage_bps: opts.slippageBps } } },
      ]);
      results.push(result);
    } catch (err) {
      // One bad symbol never fails the run: it is reported and recorded.
      const error = err instanceof Error ? err.message : String(err);
      failed.push({ symbol, error });
      await store.append({ type: 'run.symbol_failed', subject: symbol, correlationId: runId, payload: { error } });
    }
    progress.tick(1, symbol);
  }
  progress.stop();

  const report: MainJobReport = {
    run_id: runId,
    provider: provider.name,
    rule: `long while close > SMA-${opts.period}, else flat`,
    costs: { fee: opts.fee, slippage_bps: opts.slippageBps },
    fill: 'signal at close t, fill at open t+1 (close t+1 for close-only data)',
    symbols: results,
    failed,
    summary: summarise(results),
    seconds: (performance.now() - t0) / 1000,
  };
  await store.transaction(async (trx) => {
    await store.append({ type: 'run.completed', subject: 'main', correlationId: runId, payload: { summary: report.summary, failed, seconds: report.seconds } }, trx);
    await store.setValue('last_run', { run_id: runId, at: new Date(deps.now?.() ?? Date.now()).toISOString(), summary: report.summary }, trx);
  });
  return report;
}

/** One symbol: the rule, its backtest and buy-and-hold's over the same evaluation bars. */
export function evaluateSymbol(series: BarSeries, opts: Omit<MainJobOptions, 'symbols'>, engine: EngineOptions): SymbolResult {
  const n = series.close.length;
  if (n < opts.period + 2) throw new Error(`${series.symbol}: ${n} bars, the rule needs at least ${opts.period + 2}`);
  const rule = trendRule(series.close, opts.period);
  // Both are measured from the first bar the rule can act on, so neither gets bars the other lacks.
  const start = opts.period - 1;
  const window = sliceSeries(series, start);
  const m = window.close.length;
  const hold = new Uint8Array(m);
  hold[0] = 1;
  let signals: { entries: Uint8Array; exits: Uint8Array } = { entries: rule.entries.slice(start), exits: rule.exits.slice(start) };
  let held: { entries: Uint8Array; exits: Uint8Array } = { entries: hold, exits: new Uint8Array(m) };
  let run = engine;
  if (!series.fields.open) {
    // Close-only data has no next open: decided at close t, filled at close t+1.
    signals = { entries: shiftOne(signals.entries), exits: shiftOne(signals.exits) };
    held = { entries: shiftOne(held.entries), exits: held.exits };
    run = { ...engine, fill: 'close' };
  }
  const strat = runBacktest(window, signals, run);
  const bh = runBacktest(window, held, run);
  const last = n - 1;
  return {
    symbol: series.symbol,
    bars: n,
    first: toIsoDate(series.time[0]!),
    last: toIsoDate(series.time[last]!),
    last_close: series.close[last]!,
    sma: rule.sma[last]!,
    signal: rule.state[last] === 1 ? 'BUY' : 'SELL',
    fresh: rule.entries[last] === 1 || rule.exits[last] === 1,
    confidence: trendHitRate(series.close, rule.state, last),
    strategy: scorecard(computeMetrics(strat)),
    buy_hold: scorecard(computeMetrics(bh)),
  };
}

function summarise(rs: SymbolResult[]): MainJobReport['summary'] {
  const mean = (f: (r: SymbolResult) => number): number => (rs.length === 0 ? NaN : rs.reduce((s, r) => s + f(r), 0) / rs.length);
  return {
    symbols: rs.length,
    buy_signals: rs.filter((r) => r.signal === 'BUY').length,
    beat_buy_hold: rs.filter((r) => r.strategy.total_return > r.buy_hold.total_return).length,
    mean_strategy_return: mean((r) => r.strategy.total_return),
    mean_buy_hold_return: mean((r) => r.buy_hold.total_return),
    mean_strategy_sharpe: mean((r) => r.strategy.sharpe),
    mean_buy_hold_sharpe: mean((r) => r.buy_hold.sharpe),
    mean_strategy_max_drawdown: mean((r) => r.strategy.max_drawdown),
    mean_buy_hold_max_drawdown: mean((r) => r.buy_hold.max_drawdown),
  };
}

/** Flags moved one bar later (the last bar's flag is dropped). */
function shiftOne(flags: Uint8Array): Uint8Array {
  const out = new Uint8Array(flags.length);
  out.set(flags.subarray(0, flags.length - 1), 1);
  return out;
}
