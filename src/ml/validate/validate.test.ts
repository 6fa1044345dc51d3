import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { cpcv } from './cpcv.ts';
import { kFold } from './kFold.ts';
import { blockStats, pbo, pboFromBlocks } from './pbo.ts';
import { purgedKFold } from './purgedKFold.ts';
import { timeSeriesSplit } from './timeSeriesSplit.ts';
import { walkForward, walkForwardSplits } from './walkForward.ts';

const arr = (x: Int32Array): number[] => Array.from(x);

describe('timeSeriesSplit', () => {
  it('matches scikit-learn TimeSeriesSplit(n_splits=3) on 10 rows, and honours gap and rolling windows', () => {
    const f = timeSeriesSplit(10, { nSplits: 3 });
    expect(f.map((x) => [arr(x.train), arr(x.test)])).toEqual([
      [[0, 1, 2, 3], [4, 5]],
      [[0, 1, 2, 3, 4, 5], [6, 7]],
      [[0, 1, 2, 3, 4, 5, 6, 7], [8, 9]],
    ]);
    const g = timeSeriesSplit(10, { nSplits: 3, gap: 1, mode: 'rolling', trainSize: 2 });
    expect(g.map((x) => arr(x.train))).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(g.map((x) => x.test[0])).toEqual([4, 6, 8]);
    expect(() => timeSeriesSplit(3, { nSplits: 5 })).toThrow(/too few/);
  });
});

describe('kFold', () => {
  it('refuses shuffled folds on a time series, with the reason and the alternatives', () => {
    expect(() => kFold(100, { k: 5, shuffle: true })).toThrow(/shuffled k-fold refused for time series.*purgedKFold/s);
    const f = kFold(10, { k: 5, shuffle: true, timeSeries: false, seed: 1 });
    expect(f.flatMap((x) => arr(x.test)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('purgedKFold', () => {
  const n = 20;
  const spans = { t0: Float64Array.from({ length: n }, (_, i) => i), t1: Float64Array.from({ length: n }, (_, i) => i + 3) };
  it('purges overlapping labels and embargoes the rows after the test block', () => {
    const f = purgedKFold(spans, { k: 4, embargoPct: 0.1 });
    expect(arr(f[1]!.test)).toEqual([5, 6, 7, 8, 9]);
    expect(arr(f[1]!.train)).toEqual([0, 1, 2, 14, 15, 16, 17, 18, 19]);
  });
  it('never trains on a label span that overlaps the test span', () => {
    const r = new Rng(2);
    const t0 = Float64Array.from({ length: 300 }, (_, i) => i);
    const t1 = t0.map((v) => v + r.int(15));
    for (const f of purgedKFold({ t0, t1 }, { k: 6, embargoPct: 0.02 })) {
      const start = Math.min(...arr(f.test).map((i) => t0[i]!));
      const end = Math.max(...arr(f.test).map((i) => t1[i]!));
      for (const i of f.train) expect(t0[i]! >= end || t1[i]! <= start).toBe(true);
    }
  });
  it('refuses spans out of time order', () => {
    expect(() => purgedKFold({ t0: [2, 1], t1: [3, 3] }, { k: 2 })).toThrow(/not in time order/);
  });
});

describe('cpcv', () => {
  it('N=6, k=2: 15 splits and 5 paths, each path covering every group once, each (split, group) used once', () => {
    const n = 60;
    const spans = { t0: Float64Array.from({ length: n }, (_, i) => i), t1: Float64Array.from({ length: n }, (_, i) => i + 2) };
    const c = cpcv(spans, { nGroups: 6, nTestGroups: 2, embargoPct: 0.02 });
    expect(c.splits).toHaveLength(15);
    expect(c.paths).toHaveLength(5);
    const used = new Set<string>();
    for (const p of c.paths) {
      p.splitOfGroup.forEach((s, g) => {
        expect(c.splits[s]!.testGroups).toContain(g);
        used.add(`${s}:${g}`);
      });
    }
    expect(used.size).toBe(30);
    for (const s of c.splits) {
      const test = new Set(arr(s.test));
      for (const i of s.train) {
        expect(test.has(i)).toBe(false);
        for (const j of test) expect(spans.t0[i]! >= spans.t1[j]! || spans.t1[i]! <= spans.t0[j]!).toBe(true);
      }
    }
  });
});

describe('walkForward', () => {
  it('retrains on the past only and leaves the warm-up unpredicted', () => {
    const folds = walkForwardSplits(20, { trainSize: 8, testSize: 5, gap: 2, expanding: false });
    expect(folds.map((f) => [f.train[0], f.train[f.train.length - 1], f.test[0], f.test[f.test.length - 1]])).toEqual([
      [0, 7, 10, 14],
      [5, 12, 15, 19],
    ]);
    const out = walkForward(20, { trainSize: 8, testSize: 5, gap: 2 }, (train, test) => {
      for (const i of train) expect(i).toBeLessThan(test[0]! - 2 + 1);
      return Array.from(test, () => train.length);
    });
    expect(Number.isNaN(out[9]!)).toBe(true);
    expect(out[10]).toBe(8);
    expect(out[15]).toBe(13);
  });
});

describe('pbo (CSCV)', () => {
  it('is near 1/2 for pure-noise variants and near 0 when one variant truly has an edge', () => {
    const T = 480;
    const N = 12;
    const r = new Rng(7);
    const noise = new Float64Array(T * N).map(() => r.normal());
    const a = pbo(noise, T, N, 8);
    expect(a.combinations).toBe(70);
    expect(a.pbo).toBeGreaterThan(0.2);
    expect(a.pbo).toBeLessThan(0.8);
    const edge = Float64Array.from(noise);
    for (let t = 0; t < T; t++) edge[3 * T + t] += 0.8;
    expect(pbo(edge, T, N, 8).pbo).toBeLessThan(0.05);
    expect(() => pbo(noise, T, N, 7)).toThrow(/even/);
  });
  it('matches a hand-checked 3-variant, 2-block case', () => {
    // A: block means (1, -1); B: (0, 0); C: (-1, 2). IS block 0 picks A, which is last of 3 in block 1:
    // w = (0 + 1) / 4, logit ln(1/3); IS block 1 picks C, last in block 0: the same. PBO = 1.
    const perf = Float64Array.from([1, 1, -1, -1, 0, 0, 0, 0, -1, -1, 2, 2]);
    const r = pbo(perf, 4, 3, 2, (x) => x.reduce((a, b) => a + b, 0) / x.length);
    expect(r.combinations).toBe(2);
    expect(r.pbo).toBe(1);
    expect(Array.from(r.logits)).toEqual([Math.log(1 / 3), Math.log(1 / 3)]);
    // A variant best in both blocks is never overfit: w = 3/4 in both splits, logit ln 3.
    const skill = Float64Array.from([1, 1, 1, 1, 0, 0, 0, 0, -1, -1, -1, -1]);
    const s = pbo(skill, 4, 3, 2, (x) => x.reduce((a, b) => a + b, 0) / x.length);
    expect(s.pbo).toBe(0);
    expect(Array.from(s.logits)).toEqual([Math.log(3), Math.log(3)]);
  });

  it('from block sums equals the full-matrix Sharpe form (the one the sweeps use)', () => {
    const T = 240;
    const N = 9;
    const r = new Rng(11);
    const perf = new Float64Array(T * N).map(() => r.normal() * 0.01 + 0.0005);
    const full = pbo(perf, T, N, 8);
    const fromBlocks = pboFromBlocks(Array.from({ length: N }, (_, j) => blockStats(perf.subarray(j * T, (j + 1) * T), 8)), 8);
    expect(fromBlocks.combinations).toBe(70);
    expect(fromBlocks.pbo).toBe(full.pbo);
    for (let c = 0; c < 70; c++) expect(fromBlocks.logits[c]).toBeCloseTo(full.logits[c]!, 12);
    expect(pboFromBlocks([blockStats(perf.subarray(0, T), 8)], 8).pbo).toBeNaN();
  });
});
