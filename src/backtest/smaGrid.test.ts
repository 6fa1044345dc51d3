import { describe, expect, it } from 'vitest';
import { loadTtrc } from '../../test/backtest/sampleData.ts';
import { costModel } from './costs.ts';
import { runBacktest } from './engine.ts';
import { GridPool } from './gridPool.ts';
import { runSmaGrid } from './gridRunner.ts';
import { computeMetrics } from './metrics.ts';
import { parseWindows, windowPairs } from './smaGrid.ts';
import { smaCrossSignals } from './strategies/smaCross.ts';

const ttrc = loadTtrc();

describe('sma grid', () => {
  it('parses the issue spec into 121 windows and 7,260 pairs', () => {
    const w = parseWindows('5..50,20..200/2');
    expect(w.length).toBe(121);
    expect(windowPairs(w).length / 2).toBe(7260);
    expect(() => parseWindows('5..x')).toThrow(/cannot read/);
  });

  it('each grid cell equals the full engine + metrics for that pair (1e-9)', async () => {
    const costs = { feeRate: 0.001, fixedFeeEntry: 0.5, fixedFeeExit: 0.25, initCash: 1000 };
    const g = await runSmaGrid(ttrc.close, '5..30/5,50,100', { costs });
    expect(g.combos).toBe(28);
    for (const r of g.results) {
      const sig = smaCrossSignals(ttrc.close, r.fast, r.slow);
      const full = runBacktest(ttrc, sig, {
        initCash: 1000,
        direction: 'long',
        fill: 'close',
        costs: costModel({ feeRate: 0.001, fixedFeeEntry: 0.5, fixedFeeExit: 0.25 }),
        sizing: { kind: 'equity' },
        stops: {},
      });
      const m = computeMetrics(full);
      expect(r.trades).toBe(m.trades);
      expect(Math.abs(r.total_return - m.total_return)).toBeLessThan(1e-9 * Math.abs(m.total_return) + 1e-12);
      expect(Math.abs(r.max_drawdown - m.max_drawdown)).toBeLessThan(1e-9);
      expect(r.win_rate).toBeCloseTo(m.win_rate, 12);
      expect(Math.abs(r.sharpe - m.sharpe)).toBeLessThan(1e-7 * Math.max(1, Math.abs(m.sharpe)));
    }
    for (let i = 1; i < g.results.length; i++) expect(g.results[i - 1]!.sharpe).toBeGreaterThanOrEqual(g.results[i]!.sharpe);
  });

  it('two worker threads give the same results as one thread', async () => {
    const costs = { feeRate: 0.001, fixedFeeEntry: 0, fixedFeeExit: 0, initCash: 1 };
    const one = await runSmaGrid(ttrc.close, '5..40/5,60', { costs });
    const two = await runSmaGrid(ttrc.close, '5..40/5,60', { costs, threads: 2 });
    expect(two.results).toEqual(one.results);
    const pool = new GridPool(2);
    try {
      for (let k = 0; k < 2; k++) expect((await runSmaGrid(ttrc.close, '5..40/5,60', { costs, pool })).results).toEqual(one.results);
    } finally {
      await pool.close();
    }
  });
});
