import { describe, expect, it } from 'vitest';
import { loadTtrc } from '../../test/backtest/sampleData.ts';
import { closeOnlySeries, allocSeries } from '../core/bar.ts';
import { costModel } from './costs.ts';
import { runBacktest } from './engine.ts';
import { computeMetrics } from './metrics.ts';
import { smaCrossSignals } from './strategies/smaCross.ts';
import type { EngineOptions } from './types.ts';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const base = (p: Partial<EngineOptions> = {}): EngineOptions => ({
  initCash: 100,
  direction: 'long',
  fill: 'close',
  costs: costModel(),
  sizing: { kind: 'equity' },
  stops: {},
  ...p,
});

describe('vectorbt 0.25.5 from_signals reference (test/fixtures/backtest_vectorbt.md)', () => {
  const ttrc = loadTtrc();
  const cases = [
    { fast: 10, slow: 50, fee: 0.001, total: 5.9135889774152615, trades: 69, mdd: -0.2786567956385516, win: 0.5441176470588235 },
    { fast: 20, slow: 100, fee: 0.0005, total: 6.196273285794257, trades: 34, mdd: -0.38533783645065944, win: 0.48484848484848486 },
  ];
  for (const c of cases) {
    it(`sma ${c.fast}/${c.slow} fee ${c.fee} matches to 1e-9`, () => {
      const sig = smaCrossSignals(ttrc.close, c.fast, c.slow, 'vectorbt');
      const m = computeMetrics(runBacktest(ttrc, sig, base({ costs: costModel({ feeRate: c.fee }) })));
      expect(rel(m.total_return, c.total)).toBeLessThan(1e-9);
      expect(m.trades).toBe(c.trades);
      expect(rel(m.max_drawdown, c.mdd)).toBeLessThan(1e-9);
      expect(rel(m.win_rate, c.win)).toBeLessThan(1e-9);
    });
  }
  it('exact SMAs differ from vectorbt only by the exact tie SMA(10) == SMA(50) on 1993-02-05', () => {
    const exact = smaCrossSignals(ttrc.close, 10, 50, 'exact');
    const vbt = smaCrossSignals(ttrc.close, 10, 50, 'vectorbt');
    const diff: number[] = [];
    for (let t = 0; t < ttrc.close.length; t++) if (exact.entries[t] !== vbt.entries[t] || exact.exits[t] !== vbt.exits[t]) diff.push(t);
    const days = diff.map((t) => new Date(ttrc.time[t]!).toISOString().slice(0, 10));
    expect(days).toEqual(['1993-02-05']);
  });
});

describe('engine mechanics', () => {
  // Hand-checkable bars: open, high, low, close.
  const mk = (rows: number[][]) => {
    const s = allocSeries('X', '1d', rows.length);
    rows.forEach((r, i) => {
      s.time[i] = i * 86_400_000;
      s.open[i] = r[0]!;
      s.high[i] = r[1]!;
      s.low[i] = r[2]!;
      s.close[i] = r[3]!;
      s.volume[i] = r[4] ?? 1000;
    });
    return s;
  };
  const flags = (n: number, on: number[]) => {
    const a = new Uint8Array(n);
    for (const i of on) a[i] = 1;
    return a;
  };
  const bars = mk([
    [10, 10, 10, 10],
    [10, 12, 9, 11],
    [11, 13, 10, 12],
    [12, 12, 8, 9],
    [9, 10, 9, 10],
  ]);

  it('fixed fees on entry and exit, close fills, whole shares', () => {
    const r = runBacktest(bars, { entries: flags(5, [0]), exits: flags(5, [2]) }, base({ initCash: 1000, costs: costModel({ fixedFeeEntry: 25, fixedFeeExit: 35, wholeShares: true }) }));
    // 975 / 10 = 97.5 -> 97 shares; cash 1000 - 970 - 25 = 5; exit 97 * 12 - 35 = 1129
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]!.qty).toBe(97);
    expect(r.trades[0]!.pnl).toBeCloseTo(97 * 2 - 60, 12);
    expect(r.equity[4]).toBeCloseTo(5 + 1129, 10);
  });

  it('next-open fills use the following open and drop the last bar signal', () => {
    const r = runBacktest(bars, { entries: flags(5, [0]), exits: flags(5, [2, 4]) }, base({ fill: 'next-open' }));
    expect(r.trades[0]!.entryBar).toBe(1);
    expect(r.trades[0]!.entryPrice).toBe(10);
    expect(r.trades[0]!.exitBar).toBe(3);
    expect(r.trades[0]!.exitPrice).toBe(12);
    expect(r.equity[4]).toBeCloseTo(120, 10);
  });

  it('stop first when stop and target are touched in the same bar', () => {
    // stop 8.5 is first touched by bar 3 (low 8); target 13.5 never.
    const r = runBacktest(bars, { entries: flags(5, [0]), exits: flags(5, []) }, base({ stops: { stopLoss: 0.15, takeProfit: 0.35 } }));
    expect(r.trades[0]!.exitReason).toBe('stop-loss');
    expect(r.trades[0]!.exitBar).toBe(3);
    expect(r.trades[0]!.exitPrice).toBeCloseTo(8.5, 12);
    const both = runBacktest(bars, { entries: flags(5, [0]), exits: flags(5, []) }, base({ stops: { stopLoss: 0.05, takeProfit: 0.15 } }));
    // bar 1 (9..12) touches stop 9.5 and target 11.5: the stop wins.
    expect(both.trades[0]!.exitBar).toBe(1);
    expect(both.trades[0]!.exitReason).toBe('stop-loss');
  });

  it('trailing stop follows the highest high', () => {
    const r = runBacktest(bars, { entries: flags(5, [0]), exits: flags(5, []) }, base({ stops: { trailing: 0.2 } }));
    // peak high 13 on bar 2 -> trail 10.4, hit on bar 3 (low 8), open 12 above it.
    expect(r.trades[0]!.exitReason).toBe('trailing-stop');
    expect(r.trades[0]!.exitPrice).toBeCloseTo(10.4, 12);
  });

  it('gap through the stop fills at the open', () => {
    const g = mk([
      [10, 10, 10, 10],
      [7, 8, 6, 7],
    ]);
    const r = runBacktest(g, { entries: flags(2, [0]), exits: flags(2, []) }, base({ stops: { stopLoss: 0.1 } }));
    expect(r.trades[0]!.exitPrice).toBe(7);
  });

  it('short and both directions, with slippage in bps', () => {
    const s = runBacktest(bars, { entries: flags(5, [2]), exits: flags(5, [3]) }, base({ direction: 'short', costs: costModel({ slippageBps: 10 }) }));
    const t = s.trades[0]!;
    expect(t.side).toBe(-1);
    expect(t.entryPrice).toBeCloseTo(12 * 0.999, 12);
    expect(t.exitPrice).toBeCloseTo(9 * 1.001, 12);
    expect(t.pnl).toBeCloseTo(t.qty * (t.entryPrice - t.exitPrice), 9);
    const b = runBacktest(bars, { entries: flags(5, [0]), exits: flags(5, [2]) }, base({ direction: 'both' }));
    expect(b.trades.map((x) => x.side)).toEqual([1, -1]);
    expect(b.trades[0]!.exitReason).toBe('reverse');
    // long 10 -> 12 (x1.2), short 12 -> 10 (+2/12)
    expect(b.equity[4]).toBeCloseTo(120 * (1 + 2 / 12), 9);
  });

  it('sizing: percent, fixed quantity, ATR volatility target', () => {
    const e = flags(5, [0]);
    const x = flags(5, []);
    expect(runBacktest(bars, { entries: e, exits: x }, base({ sizing: { kind: 'percent', fraction: 0.5 } })).trades[0]!.qty).toBeCloseTo(5, 12);
    expect(runBacktest(bars, { entries: e, exits: x }, base({ sizing: { kind: 'fixed', qty: 3 } })).trades[0]!.qty).toBe(3);
    const atr = new Float64Array(5).fill(2);
    // 1% of 100 equity per ATR of 2 -> 0.5 shares
    expect(runBacktest(bars, { entries: e, exits: x }, base({ sizing: { kind: 'vol-target', riskPerAtr: 0.01, atr } })).trades[0]!.qty).toBeCloseTo(0.5, 12);
  });

  it('target weights rebalance and the trade book counts cash flows', () => {
    const w = new Float64Array([1, NaN, 0.5, NaN, 0]);
    const r = runBacktest(bars, { target: w }, base());
    // 10 shares at 10; at 12 equity 120 -> 5 shares; sell 5 more at 10.
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]!.pnl).toBeCloseTo(5 * 2 + 5 * 0, 9);
    expect(r.equity[4]).toBeCloseTo(110, 9);
  });

  it('volume-share slippage moves the price with the order size', () => {
    const r = runBacktest(bars, { entries: flags(5, [0]), exits: flags(5, []) }, base({ costs: costModel({ volumeImpact: 0.1 }) }));
    const t = r.trades[0]!;
    // price = 10 * (1 + 0.1 * q / 1000) and q * price = 100
    expect(t.qty * t.entryPrice).toBeCloseTo(100, 9);
    expect(t.entryPrice).toBeCloseTo(10 * (1 + (0.1 * t.qty) / 1000), 12);
  });

  it('refuses stops on a close-only series', () => {
    const s = closeOnlySeries('C', '1d', new Float64Array([0, 1]), new Float64Array([1, 2]));
    expect(() => runBacktest(s, { entries: flags(2, [0]), exits: flags(2, []) }, base({ stops: { stopLoss: 0.1 } }))).toThrow(/close-only/);
  });
});
