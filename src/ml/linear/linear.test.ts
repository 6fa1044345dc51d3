import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import type { Matrix } from '../data.ts';
import { expectedCalibrationError } from '../calibrate/reliability.ts';
import { rocAuc } from '../metrics/rocAuc.ts';
import { lbfgs } from './lbfgs.ts';
import { fitLogistic, predictLogistic } from './logistic.ts';
import { fitSvm, predictSvm, svmDecision } from './svm.ts';

function data(n: number, seed: number): { X: Matrix; y: Float64Array } {
  const r = new Rng(seed);
  const X = new Float64Array(n * 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) X[j * n + i] = r.normal();
    const z = 1.5 * X[i]! - 2 * X[n + i]! + 0.3;
    y[i] = r.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { X: { data: X, rows: n, cols: 3 }, y };
}

describe('L-BFGS', () => {
  it('minimises the Rosenbrock function', () => {
    const res = lbfgs(
      (x, g) => {
        const [a, b] = [x[0]!, x[1]!];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.of(-1.2, 1),
      { maxIter: 2000, fTol: 0 },
    );
    expect(res.x[0]).toBeCloseTo(1, 6);
    expect(res.x[1]).toBeCloseTo(1, 6);
  });
});

describe('logistic regression', () => {
  it('reaches the optimum (zero gradient) and recovers the generating weights', () => {
    const { X, y } = data(20000, 1);
    const m = fitLogistic(X, y, { l2: 1 });
    expect(m.converged).toBe(true);
    expect(m.weights[0]).toBeCloseTo(1.5, 1);
    expect(m.weights[1]).toBeCloseTo(-2, 1);
    expect(Math.abs(m.weights[2]!)).toBeLessThan(0.05);
    expect(m.intercept).toBeCloseTo(0.3, 1);
    // optimality: X'(p - y) + l2 w = 0 and sum(p - y) = 0
    const p = predictLogistic(m, X);
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let i = 0; i < X.rows; i++) s += (p[i]! - y[i]!) * X.data[j * X.rows + i]!;
      expect(Math.abs(s + m.weights[j]!)).toBeLessThan(1e-5);
    }
    expect(Math.abs(p.reduce((a, v, i) => a + v - y[i]!, 0))).toBeLessThan(1e-5);
  });
  it('refuses labels other than 0/1', () => {
    expect(() => fitLogistic({ data: Float64Array.of(1, 2), rows: 2, cols: 1 }, [0, 2])).toThrow(/row 1 has 2/);
  });
});

describe('linear SVM with Platt probabilities', () => {
  it('ranks well and its probabilities are calibrated', () => {
    const tr = data(4000, 2);
    const te = data(4000, 3);
    const m = fitSvm(tr.X, tr.y, { c: 0.1 });
    expect(rocAuc(te.y, svmDecision(m, te.X))).toBeGreaterThan(0.85);
    const p = predictSvm(m, te.X);
    expect(expectedCalibrationError(te.y, p)).toBeLessThan(0.03);
    expect(m.platt.a).toBeLessThan(0);
  });
});
