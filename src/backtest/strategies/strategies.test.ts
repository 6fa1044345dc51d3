import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadTtrc } from '../../../test/backtest/sampleData.ts';
import { rsiReversionSignals } from './rsiReversion.ts';
import { donchianSignals } from './donchianBreakout.ts';
import { buyAndHoldSignals } from './buyAndHold.ts';
import { crossover } from './crossover.ts';

// TTR reference columns (test/fixtures/ttr_ttrc.csv): the strategies must signal exactly where TTR's indicators cross.
const ref = (() => {
  const lines = readFileSync(new URL('../../../test/fixtures/ttr_ttrc.csv', import.meta.url), 'utf8').trim().split('\n');
  const head = lines[0]!.split(',').map((h) => h.replace(/"/g, ''));
  const col = (name: string): number[] => lines.slice(1).map((l) => {
    const c = l.split(',')[head.indexOf(name)]!;
    return c === '' || c === 'NA' ? NaN : +c;
  });
  return { rsi: col('rsi_14'), dcHigh: col('dc_high') };
})();
const ttrc = loadTtrc();

describe('strategies run on the indicator module (TTR-exact)', () => {
  it('rsi reversion enters and exits exactly where TTR RSI(14) crosses 30 and 70', () => {
    const { entries, exits } = rsiReversionSignals(ttrc.close);
    let n = 0;
    for (let t = 1; t < ref.rsi.length; t++) {
      const [a, b] = [ref.rsi[t - 1]!, ref.rsi[t]!];
      // Skip crossings within 1e-9 of the threshold, where TTR's rounding could decide either way.
      if (Math.min(Math.abs(a - 30), Math.abs(b - 30), Math.abs(a - 70), Math.abs(b - 70)) < 1e-9) continue;
      expect(entries[t], `bar ${t}`).toBe(b < 30 && a >= 30 ? 1 : 0);
      expect(exits[t], `bar ${t}`).toBe(b > 70 && a <= 70 ? 1 : 0);
      n += entries[t]! + exits[t]!;
    }
    expect(n).toBeGreaterThan(20);
  });
  it('donchian breakout enters where the close beats TTR DonchianChannel(20) high of the bar before', () => {
    const { entries } = donchianSignals(ttrc.high, ttrc.low, ttrc.close);
    let n = 0;
    for (let t = 1; t < ref.dcHigh.length; t++) {
      expect(entries[t], `bar ${t}`).toBe(ttrc.close[t]! > ref.dcHigh[t - 1]! ? 1 : 0);
      n += entries[t]!;
    }
    expect(n).toBeGreaterThan(10);
  });
});

describe('built-in strategy signals', () => {
  it('rsi and donchian produce alternating usable signals; buy-and-hold enters once', () => {
    const r = rsiReversionSignals(ttrc.close);
    const d = donchianSignals(ttrc.high, ttrc.low, ttrc.close);
    expect(r.entries.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    expect(d.entries.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    for (let t = 0; t < ttrc.close.length; t++) expect(r.entries[t]! & r.exits[t]!).toBe(0);
    const b = buyAndHoldSignals(5);
    expect(Array.from(b.entries)).toEqual([1, 0, 0, 0, 0]);
  });
  it('crossover needs both bars defined and a strict cross', () => {
    const { up, down } = crossover(new Float64Array([NaN, 1, 2, 2, 1]), new Float64Array([1, 1, 1, 2, 2]));
    expect(Array.from(up)).toEqual([0, 0, 1, 0, 0]);
    expect(Array.from(down)).toEqual([0, 0, 0, 0, 1]);
  });
});
