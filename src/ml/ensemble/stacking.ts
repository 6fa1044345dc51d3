/**
 * Stacking: base learners are fitted on the training part of each (purged)
 * fold and predict its test part; the meta-learner (L2 logistic regression on
 * the logits of those out-of-fold probabilities) never sees a prediction made
 * on a row its base learner trained on. Base learners are then refitted on all
 * rows for live use.
 */
import { BadInputError } from '../../core/errors.ts';
import { takeRows, takeValues, type Matrix } from '../data.ts';
import { fitLogistic, predictLogistic, type LogisticModel } from '../linear/logistic.ts';
import type { Fold } from '../validate/fold.ts';
import { smote, type SmoteOptions } from './smote.ts';

/** A learner: fit on rows, return a predictor of P(y=1). */
export interface Learner {
  readonly name: string;
  fit(X: Matrix, y: Float64Array): (X: Matrix) => Float64Array;
}

/** Wrap a learner so SMOTE oversamples each training set it is fitted on (never the rows it predicts). */
export function withSmote(learner: Learner, o: SmoteOptions = {}): Learner {
  return {
    name: `${learner.name}+smote`,
    fit: (X, y) => {
      const s = smote(X, y, o);
      return learner.fit(s.X, s.y);
    },
  };
}

/** A fitted stack. */
export interface StackingModel {
  readonly names: string[];
  readonly meta: LogisticModel;
  /** Base predictors refitted on all rows. */
  readonly base: ((X: Matrix) => Float64Array)[];
  /** Out-of-fold base predictions the meta-learner was fitted on (n x L, column-major; NaN where uncovered). */
  readonly oof: Matrix;
}

function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

/** Out-of-fold predictions of each learner over the given folds (rows never in a test set stay NaN). */
export function outOfFold(X: Matrix, y: Float64Array, learners: readonly Learner[], folds: readonly Fold[]): Matrix {
  const n = X.rows;
  const L = learners.length;
  const data = new Float64Array(n * L).fill(NaN);
  for (const f of folds) {
    if (f.train.length === 0 || f.test.length === 0) continue;
    const Xtr = takeRows(X, f.train);
    const ytr = takeValues(y, f.train);
    const Xte = takeRows(X, f.test);
    learners.forEach((l, k) => {
      const p = l.fit(Xtr, ytr)(Xte);
      if (p.length !== f.test.length) throw new BadInputError(`stacking: learner ${l.name} returned ${p.length} predictions for ${f.test.length} rows`);
      for (let t = 0; t < f.test.length; t++) data[k * n + f.test[t]!] = p[t]!;
    });
  }
  return { data, rows: n, cols: L };
}

/** Fit a stacking ensemble with folds from purgedKFold (or any leak-free splitter). */
export function fitStacking(X: Matrix, y: Float64Array, learners: readonly Learner[], folds: readonly Fold[], o: { metaL2?: number } = {}): StackingModel {
  if (learners.length === 0) throw new BadInputError('stacking: no base learners');
  const oof = outOfFold(X, y, learners, folds);
  const n = X.rows;
  const L = learners.length;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (let k = 0; k < L; k++) if (Number.isNaN(oof.data[k * n + i]!)) ok = false;
    if (ok) rows.push(i);
  }
  if (rows.length < 10) throw new BadInputError(`stacking: only ${rows.length} rows have out-of-fold predictions`);
  const Z = new Float64Array(rows.length * L);
  for (let k = 0; k < L; k++) rows.forEach((i, r) => (Z[k * rows.length + r] = logit(oof.data[k * n + i]!)));
  const meta = fitLogistic({ data: Z, rows: rows.length, cols: L }, takeValues(y, rows), { l2: o.metaL2 ?? 1 });
  const base = learners.map((l) => l.fit(X, y));
  return { names: learners.map((l) => l.name), meta, base, oof };
}

/** Stacked P(y=1). */
export function predictStacking(m: StackingModel, X: Matrix): Float64Array {
  const L = m.base.length;
  const Z = new Float64Array(X.rows * L);
  m.base.forEach((f, k) => {
    const p = f(X);
    for (let i = 0; i < X.rows; i++) Z[k * X.rows + i] = logit(p[i]!);
  });
  return predictLogistic(m.meta, { data: Z, rows: X.rows, cols: L });
}
