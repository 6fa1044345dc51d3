import { describe, expect, it } from 'vitest';
import { applyGates } from './gates.ts';
import { customGrid, simpleGrid } from './grid.ts';
import { blockStats, pboFromBlocks } from '../../ml/validate/pbo.ts';
import { walkForwardFolds } from './runSweep.ts';
import { StrategyParamsSchema } from '../../strategy/packs/schema.ts';
import { Rng } from '../../core/rng.ts';

const base = StrategyParamsSchema.parse({ threshold: 0.6, top_pct: 0.2, hold_days: 3 });

describe('grids', () => {
  it('simple mode has the 45 combinations', () => {
    const g = simpleGrid(base);
    expect(g).toHaveLength(45);
    expect(new Set(g.map((p) => JSON.stringify([p.threshold, p.allowed_hours, p.top_pct]))).size).toBe(45);
    expect(g[0]).toMatchObject({ threshold: 0.5, allowed_hours: [9, 10], top_pct: 0.05, hold_days: 3 });
  });
  it('custom mode: up to 1,000, option keys only for options, max_positions within the pack', () => {
    const grid = { stop_loss: Array.from({ length: 10 }, (_, i) => 0.01 * (i + 1)), take_profit: Array.from({ length: 10 }, (_, i) => 0.02 * (i + 1)), hold_days: Array.from({ length: 10 }, (_, i) => i + 1) };
    expect(customGrid(base, { grid }, 'stock', 3)).toHaveLength(1000);
    expect(() => customGrid(base, { grid: { ...grid, entry_type: ['level', 'cross'] } }, 'stock', 3)).toThrow(/2000 combinations; custom sweeps run at most 1000/);
    expect(() => customGrid(base, { grid: { dte_target: [0, 1] } }, 'stock', 3)).toThrow(/grid.dte_target: only option models/);
    expect(customGrid(base, { grid: { dte_target: [0, 1], strike_selection: ['ATM', 'OTM_5'] } }, 'option', 3)).toHaveLength(4);
    expect(() => customGrid(base, { grid: { max_positions: [1, 5] } }, 'stock', 3)).toThrow(/at most 3/);
  });
});

describe('gates', () => {
  const g = { min_trades: 20, min_sharpe: 0, max_drawdown: 0.5 };
  it('PASS, MARGINAL and FAIL with reasons', () => {
    expect(applyGates({ trades: 40, sharpe: 1.2, max_drawdown: -0.1, win_rate: 0.5 }, g)).toEqual({ status: 'PASS', reasons: [] });
    expect(applyGates({ trades: 22, sharpe: 1.2, max_drawdown: -0.1, win_rate: 0.5 }, g)).toEqual({ status: 'MARGINAL', reasons: ['trades 22 near 20'] });
    expect(applyGates({ trades: 10, sharpe: -0.5, max_drawdown: -0.6, win_rate: 0.5 }, { ...g, min_win_rate: 0.55 })).toEqual({
      status: 'FAIL',
      reasons: ['trades 10 < 20', 'sharpe -0.50 < 0', 'drawdown 60.0% > 50%', 'win rate 50.0% < 55%'],
    });
  });
});

describe('PBO (CSCV)', () => {
  it('is high for pure noise and low when one configuration truly dominates', () => {
    const rng = new Rng(7);
    const T = 1200;
    const noise = Array.from({ length: 30 }, () => blockStats(Array.from({ length: T }, () => rng.normal() * 0.01), 12));
    const p1 = pboFromBlocks(noise, 12);
    expect(p1.combinations).toBe(924);
    expect(p1.pbo).toBeGreaterThan(0.15);
    const skilled = Array.from({ length: 30 }, (_, j) => blockStats(Array.from({ length: T }, () => rng.normal() * 0.01 + (j === 3 ? 0.004 : 0)), 12));
    expect(pboFromBlocks(skilled, 12).pbo).toBeLessThan(0.05);
  });
  it('walk-forward folds roll by the out-of-sample length', () => {
    expect(walkForwardFolds(250, 126, 21)).toHaveLength(5);
    expect(walkForwardFolds(250, 126, 21)[1]).toEqual({ is: [21, 147], oos: [147, 168] });
  });
});
