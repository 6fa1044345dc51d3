import { describe, expect, it } from 'vitest';
import { sma, SmaStream } from './sma.ts';

describe('sma', () => {
  it('averages the last n values with NaN warm-up', () => {
    const out = sma(Float64Array.from([1, 2, 3, 4, 5]), 3);
    expect(Number.isNaN(out[0]!)).toBe(true);
    expect(Number.isNaN(out[1]!)).toBe(true);
    expect(Array.from(out.subarray(2))).toEqual([2, 3, 4]);
  });

  it('stays exact at high price levels over a long series', () => {
    const n = 200_000;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = 65_000 + Math.sin(i) * 0.001;
    const out = sma(x, 20);
    for (const i of [19, 1000, n - 1]) {
      let s = 0;
      for (let k = i - 19; k <= i; k++) s += x[k]! - 65_000;
      expect(Math.abs(out[i]! - (65_000 + s / 20))).toBeLessThan(1e-10);
    }
  });

  it('streaming equals batch', () => {
    const x = Float64Array.from({ length: 500 }, (_, i) => 100 + Math.cos(i / 7) * 5 + i * 0.01);
    const batch = sma(x, 14);
    const s = new SmaStream(14);
    x.forEach((v, i) => {
      const y = s.update(v);
      if (Number.isNaN(batch[i]!)) expect(Number.isNaN(y)).toBe(true);
      else expect(Math.abs(y - batch[i]!)).toBeLessThan(1e-12);
    });
    expect(s.isStable).toBe(true);
  });

  it('rejects a bad period', () => {
    expect(() => sma(new Float64Array(3), 0)).toThrow(/period/);
  });
});

describe('sma with leading NaN', () => {
  it('skips them as TTR does', () => {
    const out = sma(Float64Array.from([NaN, NaN, 1, 2, 3, 4]), 2);
    expect(Array.from(out).map((x) => (Number.isNaN(x) ? null : x))).toEqual([null, null, null, 1.5, 2.5, 3.5]);
  });
});
