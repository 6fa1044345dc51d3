import { describe, expect, it } from 'vitest';
import { trendHitRate, trendRule } from './trendRule.ts';

describe('trendRule', () => {
  it('is long above the moving average and flat below, with entries and exits at the flips', () => {
    const close = Float64Array.from([10, 10, 10, 12, 13, 9, 8, 11]);
    const r = trendRule(close, 3);
    expect(Array.from(r.state)).toEqual([-1, -1, 0, 1, 1, 0, 0, 1]);
    expect(Array.from(r.entries)).toEqual([0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(r.exits)).toEqual([0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('never changes a past state when the future changes', () => {
    const a = Float64Array.from({ length: 300 }, (_, i) => 100 + Math.sin(i / 9) * 10 + i * 0.05);
    const b = a.slice();
    for (let i = 250; i < 300; i++) b[i] = 1;
    const ra = trendRule(a, 50);
    const rb = trendRule(b, 50);
    expect(Array.from(rb.state.subarray(0, 250))).toEqual(Array.from(ra.state.subarray(0, 250)));
    expect(trendHitRate(a, ra.state, 249)).toBe(trendHitRate(b, rb.state, 249));
  });

  it('hit rate counts only outcomes already known', () => {
    const close = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const state = Int8Array.from([1, 1, 0, 1, 1, 1]);
    // horizon 2 at t = 4: i = 0, 1, 2 are known; states 1, 1, 0 vs up, up, up -> 2 of 3.
    expect(trendHitRate(close, state, 4, 2)).toBeCloseTo(2 / 3, 15);
    expect(trendHitRate(close, state, 1, 2)).toBeNaN();
  });
});
