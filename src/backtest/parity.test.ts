import { describe, expect, it } from 'vitest';
import { loadDow } from '../../test/backtest/sampleData.ts';
import { Rng } from '../core/rng.ts';
import { costModel } from './costs.ts';
import { runEventDriven } from './eventEngine.ts';
import { runPortfolio } from './portfolio.ts';
import type { PortfolioData, PortfolioOptions, PortfolioSignals } from './portfolioRules.ts';
import { smaCrossSignals } from './strategies/smaCross.ts';
import type { BacktestResult } from './types.ts';

const dow = loadDow();
const data: PortfolioData = { symbols: dow.symbols, time: dow.time, close: dow.closes };
const sig = dow.closes.map((c) => smaCrossSignals(c, 10, 50));
const signals: PortfolioSignals = { entries: sig.map((s) => s.entries), exits: sig.map((s) => s.exits) };
// Opens for the next-open case: the previous close moved by a seeded random gap.
const rng = new Rng(7);
const opens = dow.closes.map((c) => c.map((x, t) => (t === 0 ? x : c[t - 1]! * (1 + 0.01 * rng.normal()))));
const vols = dow.closes.map((c) => c.map(() => 1e6 * (1 + rng.next())));

function expectSame(a: BacktestResult, b: BacktestResult): void {
  expect(b.trades.length).toBe(a.trades.length);
  for (let i = 0; i < a.trades.length; i++) {
    const x = a.trades[i]!;
    const y = b.trades[i]!;
    expect([y.symbol, y.entryBar, y.exitBar, y.side, y.exitReason]).toEqual([x.symbol, x.entryBar, x.exitBar, x.side, x.exitReason]);
    expect(Math.abs(y.qty - x.qty)).toBeLessThanOrEqual(1e-9 * x.qty);
    expect(Math.abs(y.pnl - x.pnl)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x.pnl)));
    expect(Math.abs(y.entryPrice - x.entryPrice)).toBeLessThanOrEqual(1e-9 * x.entryPrice);
  }
  let worst = 0;
  for (let t = 0; t < a.equity.length; t++) worst = Math.max(worst, Math.abs(b.equity[t]! - a.equity[t]!) / a.equity[t]!);
  expect(worst).toBeLessThan(1e-9);
  expect(Math.abs(b.fees - a.fees)).toBeLessThanOrEqual(1e-9 * a.fees);
}

describe('event-driven engine through the paper broker = vectorised portfolio engine (30 Dow stocks)', () => {
  const base: PortfolioOptions = {
    initCash: 100_000,
    costs: costModel({ feeRate: 0.001, fixedFeeEntry: 1, fixedFeeExit: 1.5 }),
    fill: 'close',
    maxPositions: 10,
    weighting: 'equal',
    rebalance: false,
  };
  const cases: [string, PortfolioData, PortfolioOptions][] = [
    ['sma-cross 10/50, close fills, equal weight, max 10 positions, fixed + proportional fees', data, base],
    [
      'next-open fills, whole shares, bps and volume slippage',
      { ...data, open: opens, volume: vols },
      { ...base, fill: 'next-open', costs: costModel({ feeRate: 0.0005, slippageBps: 5, volumeImpact: 0.1, wholeShares: true }) },
    ],
    ['daily rebalancing to equal weights, max 8 positions', data, { ...base, rebalance: true, maxPositions: 8 }],
  ];
  for (const [name, d, opt] of cases) {
    it(name, async () => {
      const vec = runPortfolio(d, signals, opt);
      const evt = await runEventDriven(d, signals, opt);
      expect(vec.trades.length).toBeGreaterThan(100);
      expectSame(vec, evt);
    });
  }

  it('signal-weighted entries and target weights', async () => {
    const scores = dow.closes.map((c) => c.map((x, t) => (t >= 20 ? x / c[t - 20]! - 1 : 0)));
    const opt: PortfolioOptions = { ...base, weighting: 'signal', maxPositions: 5 };
    const s2: PortfolioSignals = { ...signals, scores };
    expectSame(runPortfolio(data, s2, opt), await runEventDriven(data, s2, opt));
    const weights = dow.closes.map((c, j) => c.map((_, t) => (t % 21 === 0 ? ((j + t) % 3) / 30 : NaN)));
    const w: PortfolioSignals = { weights };
    expectSame(runPortfolio(data, w, base), await runEventDriven(data, w, base));
  });
});
