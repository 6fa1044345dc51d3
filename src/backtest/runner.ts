import type { BarSeries } from '../core/bar.ts';
import { BadInputError } from '../core/errors.ts';
import { runBacktest, type Signals } from './engine.ts';
import { computeMetrics, type Metrics, type MetricsOptions } from './metrics.ts';
import { runPortfolio } from './portfolio.ts';
import type { PortfolioData, PortfolioOptions, PortfolioSignals } from './portfolioRules.ts';
import type { SignalTable } from './signalsFile.ts';
import { STRATEGIES, type StrategyName } from './strategyNames.ts';
import { buyAndHoldSignals } from './strategies/buyAndHold.ts';
import { donchianSignals } from './strategies/donchianBreakout.ts';
import { rsiReversionSignals } from './strategies/rsiReversion.ts';
import { smaCrossSignals, type MaMode } from './strategies/smaCross.ts';
import type { BacktestResult, EngineOptions } from './types.ts';

/** Built-in strategy names. */
export { STRATEGIES, type StrategyName };

/** A strategy and its parameters. */
export interface StrategySpec {
  name: StrategyName;
  fast?: number;
  slow?: number;
  ma?: MaMode;
  rsiPeriod?: number;
  rsiLower?: number;
  rsiUpper?: number;
  entryPeriod?: number;
  exitPeriod?: number;
  /** The parsed `--signals FILE`, for `signals`. */
  table?: SignalTable;
}

/** A backtest beside its buy-and-hold benchmark. */
export interface BacktestReport {
  symbols: string[];
  time: Float64Array;
  /** Price the trades are drawn on (single symbol: close; portfolio: equal-weight index from 1). */
  price: Float64Array;
  strategy: BacktestResult;
  buyHold: BacktestResult;
  metrics: Metrics;
  buyHoldMetrics: Metrics;
}

/** Entry/exit flags (or target weights) of a built-in strategy on one symbol. */
export function strategySignals(spec: StrategySpec, s: BarSeries): Signals {
  switch (spec.name) {
    case 'buy-and-hold':
      return buyAndHoldSignals(s.close.length);
    case 'sma-cross':
      return smaCrossSignals(s.close, spec.fast ?? 10, spec.slow ?? 50, spec.ma ?? 'exact');
    case 'rsi':
      return rsiReversionSignals(s.close, spec.rsiPeriod ?? 14, spec.rsiLower ?? 30, spec.rsiUpper ?? 70);
    case 'donchian':
      return donchianSignals(s.high, s.low, s.close, spec.entryPeriod ?? 20, spec.exitPeriod ?? 10);
    case 'signals': {
      const t = spec.table;
      if (!t) throw new BadInputError('--strategy signals needs --signals FILE');
      if (t.kind === 'flags') return { entries: t.entries, exits: t.exits };
      if (t.kind === 'weight') return { target: t.target };
      throw new BadInputError('a per-symbol weights file needs a wide price CSV (one column per symbol)');
    }
  }
}

/** Run one symbol with the from-signals engine, and buy-and-hold with the same costs. */
export function backtestSingle(series: BarSeries, spec: StrategySpec, opt: EngineOptions, mopt: MetricsOptions = {}): BacktestReport {
  const strategy = runBacktest(series, strategySignals(spec, series), opt);
  const bhOpt: EngineOptions = { ...opt, direction: 'long', fill: 'close', sizing: { kind: 'equity' }, stops: {} };
  const buyHold = runBacktest(series, buyAndHoldSignals(series.close.length), bhOpt);
  return {
    symbols: [series.symbol],
    time: series.time,
    price: series.close,
    strategy,
    buyHold,
    metrics: computeMetrics(strategy, mopt),
    buyHoldMetrics: computeMetrics(buyHold, mopt),
  };
}

/** Run a portfolio of symbols (wide closes), and equal-weight buy-and-hold of all of them. */
export function backtestPortfolio(data: PortfolioData, spec: StrategySpec, opt: PortfolioOptions, mopt: MetricsOptions = {}): BacktestReport {
  let signals: PortfolioSignals;
  if (spec.name === 'signals') {
    const t = spec.table;
    if (!t || t.kind !== 'weights') throw new BadInputError('with a wide price CSV, --signals must hold one weight column per symbol');
    const weights = data.symbols.map((s) => {
      const k = t.symbols.indexOf(s);
      if (k < 0) throw new BadInputError(`--signals has no column for ${s}`);
      return t.weights[k]!;
    });
    signals = { weights };
  } else {
    const per = data.close.map((c, j) => {
      const s: BarSeries = { symbol: data.symbols[j]!, timeframe: '1d', time: data.time, open: c, high: c, low: c, close: c, volume: c, fields: { open: false, high: false, low: false, volume: false } };
      const sig = strategySignals(spec, s);
      if (!('entries' in sig)) throw new BadInputError('portfolio strategies need entry/exit signals');
      return sig;
    });
    signals = { entries: per.map((p) => p.entries), exits: per.map((p) => p.exits) };
  }
  const strategy = runPortfolio(data, signals, opt);
  const m = data.symbols.length;
  const n = data.time.length;
  const bh = data.symbols.map(() => buyAndHoldSignals(n));
  const buyHold = runPortfolio(data, { entries: bh.map((b) => b.entries), exits: bh.map((b) => b.exits) }, { ...opt, fill: 'close', maxPositions: m, weighting: 'equal', rebalance: false });
  const index = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += data.close[j]![t]! / data.close[j]![0]!;
    index[t] = s / m;
  }
  return {
    symbols: data.symbols,
    time: data.time,
    price: index,
    strategy,
    buyHold,
    metrics: computeMetrics(strategy, mopt),
    buyHoldMetrics: computeMetrics(buyHold, mopt),
  };
}
