import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { filteredProbabilities, fitHmm, viterbi } from './hmm.ts';
import { kmeans } from './kmeans.ts';

function simulate(n: number, seed: number): { x: Float64Array; s: Int32Array } {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const s = new Int32Array(n);
  let st = 0;
  for (let t = 0; t < n; t++) {
    if (t > 0 && rng.next() < (st === 0 ? 0.02 : 0.05)) st = 1 - st;
    s[t] = st;
    x[t] = st === 0 ? 0.05 + 0.5 * rng.normal() : -0.1 + 2 * rng.normal();
  }
  return { x, s };
}

describe('Gaussian HMM', () => {
  const { x, s } = simulate(2000, 11);
  const m = fitHmm(x, 2, { seed: 3 });
  it('recovers the parameters and the states of a simulated two-regime series', () => {
    expect(m.sds[0]).toBeCloseTo(0.5, 1);
    expect(m.sds[1]).toBeGreaterThan(1.7);
    expect(m.sds[1]).toBeLessThan(2.3);
    expect(m.trans[0]).toBeGreaterThan(0.95);
    const path = viterbi(m, x);
    let agree = 0;
    for (let t = 0; t < x.length; t++) if (path[t] === s[t]) agree++;
    expect(agree / x.length).toBeGreaterThan(0.93);
  });
  it('filtered probabilities use no future data', () => {
    const full = filteredProbabilities(m, x);
    const part = filteredProbabilities(m, x.subarray(0, 1000));
    for (let i = 0; i < 2000; i++) expect(part[i]).toBe(full[i]);
    const shifted = Float64Array.from(x);
    for (let t = 1000; t < 2000; t++) shifted[t] = shifted[t]! * 3 + 1;
    const fs = filteredProbabilities(m, shifted);
    for (let i = 0; i < 2000; i++) expect(fs[i]).toBe(full[i]);
    for (let t = 0; t < 10; t++) expect(full[2 * t]! + full[2 * t + 1]!).toBeCloseTo(1, 12);
  });
  it('fits 3 and 4 states and rejects 5', () => {
    expect(fitHmm(x, 3, { starts: 2 }).k).toBe(3);
    expect(fitHmm(x.subarray(0, 800), 4, { starts: 2 }).means.length).toBe(4);
    expect(() => fitHmm(x, 5)).toThrow(/2, 3 or 4/);
  });
});

describe('k-means', () => {
  it('separates three well-separated clusters', () => {
    const rng = new Rng(4);
    const n = 300;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const truth = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 3;
      truth[i] = c;
      a[i] = [0, 5, 0][c]! + 0.3 * rng.normal();
      b[i] = [0, 0, 5][c]! + 0.3 * rng.normal();
    }
    const r = kmeans([a, b], 3, { seed: 2 });
    // Same partition up to label names.
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const seen = map.get(truth[i]!);
      if (seen === undefined) map.set(truth[i]!, r.labels[i]!);
      else expect(r.labels[i]).toBe(seen);
    }
    expect(new Set(map.values()).size).toBe(3);
  });
});
