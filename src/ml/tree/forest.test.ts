import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { rocAuc } from '../metrics/rocAuc.ts';
import { accuracy } from '../metrics/classification.ts';
import { forestFromJson, forestPredict, forestToJson, trainForest } from './forest.ts';

function synth(n: number, seed: number): { X: { data: Float64Array; rows: number; cols: number }; y: Float64Array } {
  const r = new Rng(seed);
  const data = new Float64Array(n * 6);
  for (let i = 0; i < data.length; i++) data[i] = r.normal();
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = data[i]! * data[n + i]! + 0.5 * data[2 * n + i]! + 0.3 * r.normal() > 0 ? 1 : 0;
  return { X: { data, rows: n, cols: 6 }, y };
}

describe('random forest', () => {
  const tr = synth(3000, 1);
  const te = synth(2000, 2);
  it('learns an interaction, and its OOB accuracy tracks the test accuracy', () => {
    const m = trainForest(tr.X, tr.y, { trees: 40, seed: 3, minSamplesLeaf: 3 });
    const p = forestPredict(m, te.X);
    expect(rocAuc(te.y, p)).toBeGreaterThan(0.9);
    const acc = accuracy(te.y, Array.from(p, (v) => (v >= 0.5 ? 1 : 0)));
    expect(m.oobScore).not.toBeNull();
    expect(Math.abs(m.oobScore! - acc)).toBeLessThan(0.04);
    for (const v of p) expect(v >= 0 && v <= 1).toBe(true);
  });
  it('is deterministic for a seed and round-trips through JSON', () => {
    const a = trainForest(tr.X, tr.y, { trees: 5, seed: 9, maxDepth: 6 });
    const b = trainForest(tr.X, tr.y, { trees: 5, seed: 9, maxDepth: 6 });
    expect(Array.from(forestPredict(a, te.X))).toEqual(Array.from(forestPredict(b, te.X)));
    const c = forestFromJson(JSON.parse(JSON.stringify(forestToJson(a))));
    expect(Array.from(forestPredict(c, te.X))).toEqual(Array.from(forestPredict(a, te.X)));
  });
  it('does multiclass and regression', () => {
    const n = 2000;
    const r = new Rng(4);
    const data = new Float64Array(n * 2).map(() => r.normal());
    const cls = new Float64Array(n).map((_, i) => (data[i]! < -0.5 ? 0 : data[i]! > 0.5 ? 2 : 1));
    const mc = trainForest({ data, rows: n, cols: 2 }, cls, { numClass: 3, trees: 20, maxFeatures: 1 });
    const p = forestPredict(mc, { data, rows: n, cols: 2 });
    expect(p[0]! + p[n]! + p[2 * n]!).toBeCloseTo(1, 12);
    expect(mc.oobScore!).toBeGreaterThan(0.95);
    const yr = new Float64Array(n).map((_, i) => Math.sin(data[i]!) + 0.1 * r.normal());
    const rg = trainForest({ data, rows: n, cols: 2 }, yr, { task: 'regression', trees: 30, minSamplesLeaf: 5, maxFeatures: 1 });
    expect(rg.oobScore!).toBeGreaterThan(0.9);
  });
});
