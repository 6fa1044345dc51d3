/**
 * L2-regularised logistic regression fitted by L-BFGS. Loss:
 * sum_i log(1 + exp(-s_i z_i)) + (l2 / 2) |w|^2 with s_i = +-1 and z = Xw + b;
 * the intercept is not penalised (scikit-learn's convention with C = 1/l2).
 */
import { BadInputError } from '../../core/errors.ts';
import type { Matrix } from '../data.ts';
import { sigmoid } from '../tree/objective.ts';
import { lbfgs } from './lbfgs.ts';

/** A fitted logistic model. */
export interface LogisticModel {
  readonly kind: 'logistic';
  readonly weights: Float64Array;
  readonly intercept: number;
  readonly converged: boolean;
}

/** Options for fitLogistic. */
export interface LogisticOptions {
  /** L2 strength (1/C). */
  l2?: number;
  maxIter?: number;
  /** Per-row sample weights. */
  sampleWeight?: ArrayLike<number>;
}

/** Linear scores z = Xw + b for each row. */
export function linearScores(X: Matrix, w: Float64Array, b: number, out = new Float64Array(X.rows)): Float64Array {
  out.fill(b);
  for (let j = 0; j < X.cols; j++) {
    const wj = w[j]!;
    if (wj === 0) continue;
    const off = j * X.rows;
    for (let i = 0; i < X.rows; i++) out[i] += wj * X.data[off + i]!;
  }
  return out;
}

/** Fit on a column-major matrix and 0/1 labels. */
export function fitLogistic(X: Matrix, y: ArrayLike<number>, o: LogisticOptions = {}): LogisticModel {
  const n = X.rows;
  const p = X.cols;
  if (y.length !== n) throw new BadInputError(`fitLogistic: X has ${n} rows but y has ${y.length}`);
  for (let i = 0; i < n; i++) if (y[i] !== 0 && y[i] !== 1) throw new BadInputError(`fitLogistic: labels must be 0/1; row ${i} has ${y[i]}`);
  const l2 = o.l2 ?? 1;
  const sw = o.sampleWeight;
  const z = new Float64Array(n);
  const r = new Float64Array(n);
  const fn = (theta: Float64Array, g: Float64Array): number => {
    const w = theta.subarray(0, p);
    linearScores(X, w, theta[p]!, z);
    let f = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const s = y[i] === 1 ? 1 : -1;
      const m = s * z[i]!;
      const wi = sw ? sw[i]! : 1;
      // log(1 + exp(-m)), stable
      f += wi * (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m)));
      r[i] = wi * (sigmoid(z[i]!) - y[i]!);
      gb += r[i]!;
    }
    for (let j = 0; j < p; j++) {
      const off = j * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += r[i]! * X.data[off + i]!;
      g[j] = s + l2 * w[j]!;
      f += 0.5 * l2 * w[j]! * w[j]!;
    }
    g[p] = gb;
    return f;
  };
  const res = lbfgs(fn, new Float64Array(p + 1), { maxIter: o.maxIter ?? 1000, gradTol: 1e-9, fTol: 1e-15 });
  return { kind: 'logistic', weights: res.x.slice(0, p), intercept: res.x[p]!, converged: res.converged };
}

/** P(y=1) per row. */
export function predictLogistic(m: LogisticModel, X: Matrix): Float64Array {
  const z = linearScores(X, m.weights, m.intercept);
  for (let i = 0; i < z.length; i++) z[i] = sigmoid(z[i]!);
  return z;
}
