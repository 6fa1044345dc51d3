/**
 * Acting on the scan's ranked list: every `horizon` bars, at the close, rank
 * the symbols by calibrated P(profitable) and buy the top `k` in equal weight
 * at the next close; hold them `horizon` bars, sell at that close, and rebuy
 * the next ranking's top k. Each holding period is a fresh round trip through
 * the cost model (fees and slippage are proportional, so a position's net
 * return is its price ratio times the round trip's cost factor, charged at
 * entry). Fully invested between fills, like the equal-weight buy-and-hold it
 * is reported next to.
 */
import { drawdown, equityReturns, mean, stdev } from '../../backtest/metrics.ts';
import type { CostModel } from '../../backtest/costs.ts';
import { tradeReturn } from './tradeLabels.ts';

/** Inputs on one shared calendar of `bars` days: closes[s][t] and p[s][t] (NaN = no bar / no score). */
export interface RankedInputs {
  closes: readonly Float64Array[];
  p: readonly Float64Array[];
  bars: number;
}

/** Result of the ranked portfolio. */
export interface RankedResult {
  equity: Float64Array;
  /** Net return of every position (one per name per holding period). */
  trades: number[];
  /** Fraction of bars invested. */
  exposure: number;
  rebalances: number;
}

/** Run it (see the file comment); equity starts at `initCash`. */
export function rankedPortfolio(x: RankedInputs, k: number, horizon: number, costs: CostModel, initCash = 1): RankedResult {
  const S = x.closes.length;
  const T = x.bars;
  const rt = 1 + tradeReturn(costs, 1, 1);
  const equity = new Float64Array(T).fill(initCash);
  const trades: number[] = [];
  let cash = initCash;
  let invested = 0;
  let rebalances = 0;
  for (let r = 0; r + 1 < T; r += horizon) {
    const entry = r + 1;
    const exit = Math.min(T - 1, entry + horizon);
    const ranked: number[] = [];
    for (let s = 0; s < S; s++) if (Number.isFinite(x.p[s]![r]!) && x.closes[s]![entry]! > 0 && x.closes[s]![exit]! > 0) ranked.push(s);
    ranked.sort((a, b) => x.p[b]![r]! - x.p[a]![r]! || a - b);
    const held = ranked.slice(0, k);
    if (held.length === 0) {
      for (let t = entry; t <= exit; t++) equity[t] = cash;
      continue;
    }
    rebalances++;
    const w = cash / held.length;
    for (let t = entry; t <= exit; t++) {
      let v = 0;
      for (const s of held) {
        // A missing bar inside the period marks the name at its last close.
        let u = t;
        while (!(x.closes[s]![u]! > 0)) u--;
        v += w * rt * (x.closes[s]![u]! / x.closes[s]![entry]!);
      }
      equity[t] = v;
    }
    if (exit > entry) invested += exit - entry;
    for (const s of held) trades.push(rt * (x.closes[s]![exit]! / x.closes[s]![entry]!) - 1);
    cash = equity[exit]!;
  }
  return { equity, trades, exposure: T > 1 ? invested / (T - 1) : 0, rebalances };
}

/** Sharpe (annualised, daily), max drawdown, total return and win rate of an equity curve and its trades. */
export function summarise(equity: Float64Array, initCash: number, trades: readonly number[]): { total_return: number; sharpe: number; max_drawdown: number; win_rate: number; trades: number } {
  const r = equityReturns(equity, initCash);
  const sd = stdev(r);
  return {
    total_return: equity[equity.length - 1]! / initCash - 1,
    sharpe: sd === 0 ? 0 : (mean(r) / sd) * Math.sqrt(252),
    max_drawdown: drawdown(equity).max,
    win_rate: trades.length === 0 ? 0 : trades.filter((t) => t > 0).length / trades.length,
    trades: trades.length,
  };
}
