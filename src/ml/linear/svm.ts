/**
 * Linear SVM: L2-regularised squared hinge loss (LIBLINEAR's L2-loss SVC,
 * differentiable, so L-BFGS applies), with probabilities by Platt scaling fitted
 * on out-of-fold decision values from contiguous (unshuffled) folds.
 */
import { BadInputError } from '../../core/errors.ts';
import { takeRows, takeValues, type Matrix } from '../data.ts';
import { applyPlatt, fitPlatt, type PlattScaler } from '../calibrate/platt.ts';
import { lbfgs } from './lbfgs.ts';
import { linearScores } from './logistic.ts';

/** A fitted linear SVM with its Platt scaler. */
export interface SvmModel {
  readonly kind: 'svm';
  readonly weights: Float64Array;
  readonly intercept: number;
  readonly platt: PlattScaler;
}

/** Options for fitSvm. */
export interface SvmOptions {
  /** Cost C (larger = less regularisation). */
  c?: number;
  /** Contiguous folds for the Platt fit (>= 2). */
  plattFolds?: number;
}

function fitRaw(X: Matrix, y: ArrayLike<number>, C: number): { w: Float64Array; b: number } {
  const n = X.rows;
  const p = X.cols;
  const z = new Float64Array(n);
  const r = new Float64Array(n);
  const fn = (theta: Float64Array, g: Float64Array): number => {
    const w = theta.subarray(0, p);
    linearScores(X, w, theta[p]!, z);
    let f = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const s = y[i] === 1 ? 1 : -1;
      const m = 1 - s * z[i]!;
      if (m > 0) {
        f += C * m * m;
        r[i] = -2 * C * m * s;
      } else r[i] = 0;
      gb += r[i]!;
    }
    for (let j = 0; j < p; j++) {
      const off = j * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += r[i]! * X.data[off + i]!;
      g[j] = s + w[j]!;
      f += 0.5 * w[j]! * w[j]!;
    }
    g[p] = gb;
    return f;
  };
  const res = lbfgs(fn, new Float64Array(p + 1), { maxIter: 1000, gradTol: 1e-9, fTol: 1e-15 });
  return { w: res.x.slice(0, p), b: res.x[p]! };
}

/** Fit on 0/1 labels. */
export function fitSvm(X: Matrix, y: ArrayLike<number>, o: SvmOptions = {}): SvmModel {
  const n = X.rows;
  if (y.length !== n) throw new BadInputError(`fitSvm: X has ${n} rows but y has ${y.length}`);
  const C = o.c ?? 1;
  const k = o.plattFolds ?? 5;
  if (!(C > 0)) throw new BadInputError(`fitSvm: C must be > 0 (got ${C})`);
  if (!(Number.isInteger(k) && k >= 2 && k <= n)) throw new BadInputError(`fitSvm: plattFolds must be an integer in 2..${n}`);
  const oof = new Float64Array(n);
  for (let f = 0; f < k; f++) {
    const a = Math.floor((f * n) / k);
    const b = Math.floor(((f + 1) * n) / k);
    const train = Int32Array.from({ length: n - (b - a) }, (_, i) => (i < a ? i : i + (b - a)));
    const test = Int32Array.from({ length: b - a }, (_, i) => a + i);
    const m = fitRaw(takeRows(X, train), takeValues(y, train), C);
    oof.set(linearScores(takeRows(X, test), m.w, m.b), a);
  }
  const full = fitRaw(X, y, C);
  return { kind: 'svm', weights: full.w, intercept: full.b, platt: fitPlatt(oof, y) };
}

/** Decision values w.x + b. */
export function svmDecision(m: SvmModel, X: Matrix): Float64Array {
  return linearScores(X, m.weights, m.intercept);
}

/** Platt-scaled P(y=1). */
export function predictSvm(m: SvmModel, X: Matrix): Float64Array {
  return applyPlatt(m.platt, svmDecision(m, X));
}
