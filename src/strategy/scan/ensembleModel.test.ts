import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { rocAuc } from '../../ml/metrics/rocAuc.ts';
import { fromArtifactJson, toArtifactJson } from './artifactJson.ts';
import { applyPreprocessor, fitPreprocessor, QUICK_ENSEMBLE, ScanEnsemble, trainEnsemble, type EnsembleArtifact } from './ensembleModel.ts';

function data(n: number, seed: number): { X: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const p = 4;
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X[j * n + i] = rng.normal();
    // One missing value in ten: the preprocessor imputes the training median.
    if (i % 10 === 3) X[2 * n + i] = NaN;
    y[i] = X[i]! + 0.5 * X[n + i]! + 0.5 * rng.normal() > 1.1 ? 1 : 0;
  }
  return { X, y };
}

describe('scan ensemble', () => {
  it('stacks five learners on purged out-of-fold predictions, oversamples a rare class, calibrates and separates held-out rows', () => {
    const n = 600;
    const { X, y } = data(n, 1);
    const t0 = Float64Array.from({ length: n }, (_, i) => i);
    const t1 = Float64Array.from({ length: n }, (_, i) => i + 2);
    const cfg = { ...QUICK_ENSEMBLE, forest: { ...QUICK_ENSEMBLE.forest, trees: 8 }, gbdt: { ...QUICK_ENSEMBLE.gbdt, rounds: 10 } };
    const fit = trainEnsemble({ data: X, rows: n, cols: 4 }, y, { t0, t1 }, ['a', 'b', 'c', 'd'], { horizonDays: 5, avgWin: 0.02, avgLoss: -0.015 }, cfg);
    let pos = 0;
    for (const v of y) pos += v;
    expect(pos / n).toBeLessThan(0.4);
    expect(fit.artifact.smote).toBe(true);
    expect(fit.artifact.base.map((b) => b.kind)).toEqual(['forest', 'gbdt', 'mlp', 'svm', 'logistic']);
    expect(fit.artifact.threshold).toBeGreaterThan(0);
    expect(fit.artifact.threshold).toBeLessThan(1);
    const e = new ScanEnsemble(fromArtifactJson<EnsembleArtifact>(toArtifactJson(fit.artifact)));
    const test = data(300, 2);
    const p = e.predictProba(test.X, 300);
    for (const v of p) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(rocAuc(test.y, p)).toBeGreaterThan(0.8);
    expect(Array.from(p)).toEqual(Array.from(new ScanEnsemble(fit.artifact).predictProba(test.X, 300)));
  });

  it('imputes with training medians and standardises with training moments', () => {
    const X = Float64Array.from([1, 2, NaN, 4, 10, 10, 10, 10]);
    const pp = fitPreprocessor({ data: X, rows: 4, cols: 2 });
    expect(pp.median[0]).toBe(2);
    const z = applyPreprocessor(pp, Float64Array.from([NaN, 10]), 1);
    expect(z.data[0]).toBeCloseTo((2 - 2.25) / pp.sd[0]!, 12);
    expect(z.data[1]).toBe(0);
    expect(() => applyPreprocessor(pp, new Float64Array(3), 1)).toThrow(/expected 1 x 2 inputs/);
  });
});
