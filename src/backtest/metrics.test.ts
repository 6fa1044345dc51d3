import { describe, expect, it } from 'vitest';
import { normCdf } from '../core/math/normal.ts';
import {
  computeMetrics,
  deflatedSharpe,
  drawdown,
  equityReturns,
  expectedMaxSharpe,
  expectedShortfall,
  historicalVar,
  moments,
  probabilisticSharpe,
  quantile,
} from './metrics.ts';
import type { BacktestResult, Trade } from './types.ts';

const trade = (pnl: number, exitBar = 1): Trade => ({
  symbol: 'X',
  side: 1,
  entryBar: 0,
  exitBar,
  qty: 1,
  entryPrice: 1,
  exitPrice: 1 + pnl,
  entryFees: 0,
  exitFees: 0,
  pnl,
  returnPct: pnl,
  exitReason: exitBar < 0 ? 'open' : 'signal',
});

const result = (equity: number[], trades: Trade[] = [], exposure?: number[], traded = 0): BacktestResult => ({
  initCash: 100,
  equity: Float64Array.from(equity),
  exposure: Float64Array.from(exposure ?? equity.map(() => 1)),
  trades,
  tradedValue: traded,
  fees: 0,
});

describe('metrics on hand-computed series', () => {
  // equity 100 -> 110 -> 99 -> 108.9: returns 0.1, -0.1, 0.1 (from the initial 100: r0 = 0)
  const eq = [100, 110, 99, 108.9];
  const r = [0, 0.1, -0.1, 0.1];

  it('returns, total return, CAGR, volatility, Sharpe, Sortino (252 and 12 periods)', () => {
    const got = equityReturns(Float64Array.from(eq), 100);
    r.forEach((x, i) => expect(got[i]).toBeCloseTo(x, 14));
    const m = computeMetrics(result(eq, [trade(10), trade(-11), trade(9.9, -1)], [0, 1, 1, 1], 400));
    const mean = 0.025;
    const sd = Math.sqrt(((0.025 ** 2) + 0.075 ** 2 * 2 + 0.125 ** 2) / 3); // = sqrt(0.0075)
    expect(m.total_return).toBeCloseTo(0.089, 12);
    expect(m.cagr).toBeCloseTo(1.089 ** (252 / 4) - 1, 9);
    expect(m.volatility).toBeCloseTo(sd * Math.sqrt(252), 12);
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 12);
    const dd = Math.sqrt(0.01 / 4);
    expect(m.sortino).toBeCloseTo((mean / dd) * Math.sqrt(252), 12);
    expect(m.max_drawdown).toBeCloseTo(-0.1, 12);
    expect(m.max_drawdown_duration).toBe(2);
    expect(m.calmar).toBeCloseTo(m.cagr / 0.1, 9);
    expect(m.trades).toBe(3);
    expect(m.closed_trades).toBe(2);
    expect(m.win_rate).toBe(0.5);
    expect(m.avg_trade_pnl).toBeCloseTo(-0.5, 12);
    expect(m.profit_factor).toBeCloseTo(10 / 11, 12);
    expect(m.exposure).toBe(0.75);
    // 400 traded / mean equity 104.475 / (4/252 years)
    expect(m.turnover).toBeCloseTo(400 / 104.475 / (4 / 252), 9);
    const m12 = computeMetrics(result(eq), { periodsPerYear: 12 });
    expect(m12.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(12), 12);
    expect(m12.cagr).toBeCloseTo(1.089 ** 3 - 1, 12);
  });

  it('historical VaR and ES use the linear quantile', () => {
    const xs = [-0.05, -0.02, 0.01, 0.03, -0.04, 0.02, 0.0, -0.01, 0.04, 0.05];
    // sorted: -0.05 -0.04 -0.02 -0.01 0 0.01 0.02 0.03 0.04 0.05; q(0.05): h = 0.45 -> -0.05 + 0.45 * 0.01
    expect(quantile(xs, 0.05)).toBeCloseTo(-0.0455, 14);
    expect(historicalVar(xs, 0.95)).toBeCloseTo(0.0455, 14);
    expect(expectedShortfall(xs, 0.95)).toBeCloseTo(0.05, 14);
    // q(0.01): h = 0.09 -> -0.0491
    expect(historicalVar(xs, 0.99)).toBeCloseTo(0.0491, 14);
    expect(expectedShortfall(xs, 0.99)).toBeCloseTo(0.05, 14);
    expect(quantile(xs, 0.5)).toBeCloseTo(0.005, 14);
  });

  it('skewness, kurtosis, PSR and DSR match the formulas of Bailey & Lopez de Prado', () => {
    const xs = [0.01, 0.02, -0.01, 0.03, 0.0];
    const { skew, kurtosis } = moments(xs);
    // mean 0.01; deviations 0, .01, -.02, .02, -.01: m2 = .001/5, m3 = (1e-6 - 8e-6 + 8e-6 - 1e-6)/5 = 0
    expect(skew).toBeCloseTo(0, 12);
    expect(kurtosis).toBeCloseTo(((1e-8 + 16e-8 + 16e-8 + 1e-8) / 5) / (0.0002 * 0.0002), 9);
    const sr = 0.01 / Math.sqrt(0.001 / 4);
    const psr = probabilisticSharpe(sr, 5, skew, kurtosis);
    expect(psr).toBeCloseTo(normCdf((sr * 2) / Math.sqrt(1 + ((kurtosis - 1) / 4) * sr * sr)), 14);
    // E[max SR] for N = 100 trials with variance 0.01: 0.1 * ((1-g) z(0.99) + g z(1 - 1/(100e)))
    expect(expectedMaxSharpe(100, 0.01)).toBeCloseTo(0.1 * ((1 - 0.5772156649015329) * 2.3263478740408408 + 0.5772156649015329 * 2.680210444966887), 9);
    expect(deflatedSharpe(sr, 5, skew, kurtosis, 1)).toBeCloseTo(psr, 14);
    expect(deflatedSharpe(sr, 5, skew, kurtosis, 100, 0.01)).toBeLessThan(psr);
    expect(deflatedSharpe(sr, 5, skew, kurtosis, 100, 0.01)).toBeCloseTo(probabilisticSharpe(sr, 5, skew, kurtosis, expectedMaxSharpe(100, 0.01)), 14);
  });
});

describe('metrics edge cases are finite and defined', () => {
  it('flat series and no trades', () => {
    const m = computeMetrics(result([100, 100, 100], [], [0, 0, 0]));
    expect(m).toMatchObject({ total_return: 0, cagr: 0, volatility: 0, sharpe: 0, sortino: 0, calmar: 0, max_drawdown: 0, max_drawdown_duration: 0 });
    expect(m).toMatchObject({ profit_factor: 0, win_rate: 0, avg_trade_pnl: 0, trades: 0, exposure: 0, turnover: 0, var_95: 0, es_95: 0, var_99: 0, es_99: 0 });
    expect(m.psr).toBe(0.5);
    expect(m.dsr).toBe(0.5);
    for (const v of Object.values(m)) expect(Number.isFinite(v)).toBe(true);
  });

  it('all losers', () => {
    const m = computeMetrics(result([99, 98, 97], [trade(-1), trade(-1), trade(-1)]));
    expect(m.win_rate).toBe(0);
    expect(m.profit_factor).toBe(0);
    expect(m.avg_trade_pnl).toBe(-1);
    expect(m.max_drawdown).toBeCloseTo(97 / 99 - 1, 14);
    expect(m.sharpe).toBeLessThan(0);
    for (const v of Object.values(m)) expect(Number.isFinite(v)).toBe(true);
  });

  it('all winners give infinite profit factor (JSON null) and no drawdown', () => {
    const m = computeMetrics(result([101, 102, 103], [trade(1)]));
    expect(m.profit_factor).toBe(Infinity);
    expect(m.max_drawdown).toBe(0);
    expect(m.sortino).toBe(Infinity);
    expect(m.calmar).toBe(Infinity);
  });

  it('empty series and a bust account', () => {
    const e = computeMetrics(result([]));
    expect(e.total_return).toBe(0);
    expect(e.bars).toBe(0);
    const b = computeMetrics(result([50, 0, 0]));
    expect(b.cagr).toBe(-1);
    expect(b.max_drawdown).toBe(-1);
    expect(drawdown(Float64Array.from([1, 2, 1, 3])).duration).toBe(1);
  });
});
