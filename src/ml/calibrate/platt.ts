/**
 * Platt scaling: P(y=1 | f) = 1 / (1 + exp(A f + B)), fitted by Newton's method
 * with backtracking on Platt's smoothed targets (Lin, Lin and Weng 2007, the
 * algorithm LIBSVM and scikit-learn use).
 */
import { BadInputError } from '../../core/errors.ts';

/** A fitted Platt scaler. */
export interface PlattScaler {
  readonly kind: 'platt';
  readonly a: number;
  readonly b: number;
}

/** Fit A, B on decision values `f` and 0/1 labels `y`. */
export function fitPlatt(f: ArrayLike<number>, y: ArrayLike<number>): PlattScaler {
  const n = f.length;
  if (y.length !== n || n === 0) throw new BadInputError(`fitPlatt: ${n} scores and ${y.length} labels`);
  let nPos = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) nPos++;
  const nNeg = n - nPos;
  const hiT = (nPos + 1) / (nPos + 2);
  const loT = 1 / (nNeg + 2);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = y[i] === 1 ? hiT : loT;
  const sigma = 1e-12;
  let A = 0;
  let B = Math.log((nNeg + 1) / (nPos + 1));
  const objective = (a: number, b: number): number => {
    let fv = 0;
    for (let i = 0; i < n; i++) {
      const z = f[i]! * a + b;
      fv += z >= 0 ? t[i]! * z + Math.log1p(Math.exp(-z)) : (t[i]! - 1) * z + Math.log1p(Math.exp(z));
    }
    return fv;
  };
  let fval = objective(A, B);
  for (let it = 0; it < 100; it++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const z = f[i]! * A + B;
      const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      const q = 1 - p;
      const d2 = p * q;
      h11 += f[i]! * f[i]! * d2;
      h22 += d2;
      h21 += f[i]! * d2;
      const d1 = t[i]! - p;
      g1 += f[i]! * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= 1e-10) {
      const nA = A + step * dA;
      const nB = B + step * dB;
      const nf = objective(nA, nB);
      if (nf < fval + 1e-4 * step * gd) {
        A = nA;
        B = nB;
        fval = nf;
        break;
      }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  return { kind: 'platt', a: A, b: B };
}

/** Calibrated probabilities for decision values. */
export function applyPlatt(s: PlattScaler, f: ArrayLike<number>): Float64Array {
  const out = new Float64Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const z = s.a * f[i]! + s.b;
    out[i] = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
  }
  return out;
}
