import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadTtrc } from '../../../test/backtest/sampleData.ts';
import { atrWilder, rsiWilder, donchianPrior } from './localIndicators.ts';
import { rsiReversionSignals } from './rsiReversion.ts';
import { donchianSignals } from './donchianBreakout.ts';
import { buyAndHoldSignals } from './buyAndHold.ts';
import { crossover } from './crossover.ts';

// TTR reference columns (test/fixtures/ttr_ttrc.csv) for the private kernels.
const ref = (() => {
  const lines = readFileSync(new URL('../../../test/fixtures/ttr_ttrc.csv', import.meta.url), 'utf8').trim().split('\n');
  const head = lines[0]!.split(',').map((h) => h.replace(/"/g, ''));
  const col = (name: string): number[] => lines.slice(1).map((l) => {
    const c = l.split(',')[head.indexOf(name)]!;
    return c === '' || c === 'NA' ? NaN : +c;
  });
  return { rsi: col('rsi_14'), atr: col('atr_14'), dcHigh: col('dc_high'), dcLow: col('dc_low') };
})();
const ttrc = loadTtrc();

const close = (a: ArrayLike<number>, b: number[]): void => {
  let checked = 0;
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(b[i]!)) continue;
    expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b[i]!)));
    checked++;
  }
  expect(checked).toBeGreaterThan(5000);
};

describe('private indicator kernels match TTR', () => {
  it('RSI(14) Wilder', () => close(rsiWilder(ttrc.close, 14), ref.rsi));
  it('ATR(14) Wilder', () => close(atrWilder(ttrc.high, ttrc.low, ttrc.close, 14), ref.atr));
  it('Donchian(20) of the prior bars equals TTR DonchianChannel one bar earlier', () => {
    const { upper, lower } = donchianPrior(ttrc.high, ttrc.low, 20);
    close(upper.subarray(1), ref.dcHigh.slice(0, -1));
    close(lower.subarray(1), ref.dcLow.slice(0, -1));
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
