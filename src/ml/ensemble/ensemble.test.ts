import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import type { Matrix } from '../data.ts';
import { fitLogistic, predictLogistic } from '../linear/logistic.ts';
import { rocAuc } from '../metrics/rocAuc.ts';
import { forestPredict, trainForest } from '../tree/forest.ts';
import { purgedKFold } from '../validate/purgedKFold.ts';
import { smote } from './smote.ts';
import { fitStacking, predictStacking, withSmote, type Learner } from './stacking.ts';
import { majorityVote, weightedVote } from './vote.ts';

const BUY = 1;
const HOLD = 0;
const SELL = -1;

describe('voting', () => {
  it("the agent's 3-vote acts only when 2 of 3 agree", () => {
    const out = majorityVote(
      [
        [BUY, BUY, SELL, BUY],
        [BUY, SELL, SELL, HOLD],
        [SELL, HOLD, BUY, SELL],
      ],
      { minAgree: 2, fallback: HOLD },
    );
    expect(Array.from(out)).toEqual([BUY, HOLD, SELL, HOLD]);
    expect(Array.from(majorityVote([[1], [0], [0]], { fallback: HOLD, weights: [3, 1, 1] }))).toEqual([1]);
  });
  it('weighted soft vote', () => {
    expect(Array.from(weightedVote([[0.9, 0.2], [0.5, 0.4]], [3, 1]))).toEqual([0.8, 0.25]);
  });
});

describe('SMOTE', () => {
  it('balances the classes with points on minority segments, deterministically', () => {
    const r = new Rng(1);
    const n = 300;
    const data = new Float64Array(n * 2).map(() => r.normal());
    const y = new Float64Array(n).map((_, i) => (i % 10 === 0 ? 1 : 0));
    const s = smote({ data, rows: n, cols: 2 }, y, { k: 3, seed: 2 });
    expect(s.synthetic).toBe(270 - 30);
    expect(s.y.filter((v) => v === 1).length).toBe(270);
    const minX = Array.from({ length: 30 }, (_, k) => data[k * 10]!);
    const synthX = Array.from(s.X.data.subarray(n, n + s.synthetic));
    for (const v of synthX) expect(v >= Math.min(...minX) && v <= Math.max(...minX)).toBe(true);
    expect(Array.from(smote({ data, rows: n, cols: 2 }, y, { k: 3, seed: 2 }).X.data)).toEqual(Array.from(s.X.data));
  });
});

function data(n: number, seed: number): { X: Matrix; y: Float64Array; t0: Float64Array; t1: Float64Array } {
  const r = new Rng(seed);
  const X = new Float64Array(n * 3).map(() => r.normal());
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = 1.2 * X[i]! + (X[n + i]! * X[2 * n + i]! > 0 ? 1.2 : -1.2) + 0.5 * r.normal() > 0 ? 1 : 0;
  const t0 = Float64Array.from({ length: n }, (_, i) => i);
  return { X: { data: X, rows: n, cols: 3 }, y, t0, t1: t0.map((v) => v + 5) };
}

describe('stacking', () => {
  // each base learner sees part of the signal: the linear feature, or the interaction
  const cols = (X: Matrix, js: number[]): Matrix => ({ data: Float64Array.from(js.flatMap((j) => Array.from(X.data.subarray(j * X.rows, (j + 1) * X.rows)))), rows: X.rows, cols: js.length });
  const logistic: Learner = {
    name: 'logistic',
    fit: (X, y) => {
      const m = fitLogistic(cols(X, [0]), y);
      return (Z) => predictLogistic(m, cols(Z, [0]));
    },
  };
  const forest: Learner = {
    name: 'forest',
    fit: (X, y) => {
      const m = trainForest(cols(X, [1, 2]), y, { trees: 25, minSamplesLeaf: 5, seed: 1, maxFeatures: 1 });
      return (Z) => forestPredict(m, cols(Z, [1, 2]));
    },
  };
  it('meta-learns on purged out-of-fold predictions and beats each base learner', () => {
    const tr = data(2000, 1);
    const te = data(2000, 2);
    const folds = purgedKFold(tr, { k: 5, embargoPct: 0.01 });
    const m = fitStacking(tr.X, tr.y, [logistic, forest], folds);
    const aucs = m.base.map((f) => rocAuc(te.y, f(te.X)));
    const stacked = rocAuc(te.y, predictStacking(m, te.X));
    expect(stacked).toBeGreaterThan(Math.max(...aucs) + 0.02);
    expect(m.meta.weights[0]!).toBeGreaterThan(0);
    expect(m.meta.weights[1]!).toBeGreaterThan(0);
  });
  it('applies SMOTE to training folds only', () => {
    const tr = data(600, 3);
    const seen: number[] = [];
    const spy: Learner = {
      name: 'spy',
      fit: (X, y) => {
        seen.push(X.rows, y.filter((v) => v === 1).length * 2 - X.rows);
        return (Z) => new Float64Array(Z.rows).fill(0.5);
      },
    };
    const folds = purgedKFold(tr, { k: 3 });
    const imbalanced = { ...tr, y: tr.y.map((v, i) => (i % 4 === 0 ? v : 0)) };
    const m = fitStacking(tr.X, imbalanced.y, [withSmote(spy, { seed: 1 })], folds);
    // each fit saw a balanced, enlarged training set; predictions cover exactly the original rows
    for (let k = 0; k < seen.length; k += 2) expect(seen[k + 1]).toBe(0);
    expect(m.oof.rows).toBe(600);
  });
});
