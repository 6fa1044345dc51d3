import { describe, expect, it } from 'vitest';
import { costModel } from '../../backtest/costs.ts';
import { rankedPortfolio, summarise } from './rankedPortfolio.ts';

describe('ranked portfolio', () => {
  const closes = [Float64Array.from([10, 10, 11, 12, 12, 6, 6]), Float64Array.from([20, 20, 20, 20, 22, 24, 24]), Float64Array.from([5, 5, 5, 5, 5, 5, 5])];

  it('buys the top k at the next close, holds horizon bars, and re-ranks (by hand, no costs)', () => {
    // Ranked at bar 0: A first; at bar 2: B first; at bar 4: C first.
    const p = [Float64Array.from([0.9, 0, 0.1, 0, 0.1, 0, 0]), Float64Array.from([0.5, 0, 0.8, 0, 0.2, 0, 0]), Float64Array.from([0.1, 0, 0.3, 0, 0.7, 0, 0])];
    const r = rankedPortfolio({ closes, p, bars: 7 }, 1, 2, costModel({ feeRate: 0, slippageBps: 0 }), 100);
    // A bought at bar 1 (10), held to bar 3 (12): 100 -> 120; B bought at bar 3 (20) to bar 5 (24): 120 -> 144; C flat to bar 6.
    [100, 100, 110, 120, 132, 144, 144].forEach((e, t) => expect(r.equity[t]).toBeCloseTo(e, 10));
    expect(r.trades.map((t) => Math.round(t * 1e12) / 1e12)).toEqual([0.2, 0.2, 0]);
    expect(r.rebalances).toBe(3);
    // Cash from bar 0 to the first fill at bar 1: invested 5 of 6 bar-to-bar steps.
    expect(r.exposure).toBeCloseTo(5 / 6, 15);
    const s = summarise(r.equity, 100, r.trades);
    expect(s.total_return).toBeCloseTo(0.44, 12);
    expect(s.win_rate).toBeCloseTo(2 / 3, 12);
    expect(s.max_drawdown).toBe(0);
  });

  it('splits equally among k names, charges the round trip through the cost model, and skips unscored names', () => {
    const p = [Float64Array.from([0.9, 0, 0.9, 0, 0.9, 0, 0]), Float64Array.from([NaN, 0, 0.8, 0, 0.8, 0, 0]), Float64Array.from([0.1, 0, 0.1, 0, 0.1, 0, 0])];
    const c = costModel({ feeRate: 0.001, slippageBps: 5 });
    const rt = ((1 - 5e-4) * (1 - 0.001)) / ((1 + 5e-4) * (1 + 0.001));
    const r = rankedPortfolio({ closes, p, bars: 7 }, 2, 2, c, 100);
    // Bar 0: B unscored, so A and C; A 10 -> 12, C flat.
    const e3 = 50 * rt * 1.2 + 50 * rt;
    // Bar 3 is also the next period's fill: its round trip is charged there.
    expect(r.equity[3]).toBeCloseTo(e3 * rt, 10);
    // Bar 2 ranking: A and B, bought at bar 3 (A 12, B 20), marked at bar 4 (A 12, B 22).
    expect(r.equity[4]).toBeCloseTo((e3 / 2) * rt + (e3 / 2) * rt * 1.1, 10);
    expect(r.trades[2]).toBeCloseTo(rt * 0.5 - 1, 12);
    expect(r.trades).toHaveLength(6);
    expect(r.trades[0]).toBeCloseTo(rt * 1.2 - 1, 12);
  });
});
