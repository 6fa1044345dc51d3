/** VaR backtests: Kupiec's proportion-of-failures and Christoffersen's independence likelihood-ratio tests. */
import { BadInputError } from '../../core/errors.ts';
import { chiSquareSf } from '../dist/chiSquare.ts';

/** A likelihood-ratio test result. */
export interface LrTest {
  lr: number;
  pValue: number;
}

function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

/** Kupiec POF: x exceptions in n days against an expected rate p = 1 - level. */
export function kupiecPof(exceptions: number, n: number, level: number): LrTest & { rate: number } {
  if (!(n > 0) || exceptions < 0 || exceptions > n) throw new BadInputError(`Kupiec: need 0 <= exceptions <= n, n > 0 (got ${exceptions}, ${n})`);
  const p = 1 - level;
  const phat = exceptions / n;
  const l0 = xlogy(n - exceptions, 1 - p) + xlogy(exceptions, p);
  const l1 = xlogy(n - exceptions, 1 - phat) + xlogy(exceptions, phat);
  const lr = Math.max(0, -2 * (l0 - l1));
  return { lr, pValue: chiSquareSf(lr, 1), rate: phat };
}

/** Christoffersen independence: do exceptions cluster? `hits` is 1 on an exception day. */
export function christoffersenIndependence(hits: ArrayLike<number>): LrTest & { n00: number; n01: number; n10: number; n11: number } {
  let n00 = 0;
  let n01 = 0;
  let n10 = 0;
  let n11 = 0;
  for (let t = 1; t < hits.length; t++) {
    const a = hits[t - 1] ? 1 : 0;
    const b = hits[t] ? 1 : 0;
    if (a === 0 && b === 0) n00++;
    else if (a === 0) n01++;
    else if (b === 0) n10++;
    else n11++;
  }
  const pi0 = n01 / Math.max(1, n00 + n01);
  const pi1 = n11 / Math.max(1, n10 + n11);
  const pi = (n01 + n11) / Math.max(1, n00 + n01 + n10 + n11);
  const l0 = xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi);
  const l1 = xlogy(n00, 1 - pi0) + xlogy(n01, pi0) + xlogy(n10, 1 - pi1) + xlogy(n11, pi1);
  const lr = Math.max(0, -2 * (l0 - l1));
  return { lr, pValue: chiSquareSf(lr, 1), n00, n01, n10, n11 };
}

/** Exceptions of a VaR forecast series: hit_t = 1 when the return r_t < -var_t. */
export function varHits(returns: ArrayLike<number>, varForecasts: ArrayLike<number>): Uint8Array {
  const n = Math.min(returns.length, varForecasts.length);
  const h = new Uint8Array(n);
  for (let t = 0; t < n; t++) h[t] = returns[t]! < -varForecasts[t]! ? 1 : 0;
  return h;
}

/** Both tests (and the conditional-coverage sum, chi-square with 2 df) on a hit series. */
export function backtestVar(hits: Uint8Array, level: number): { exceptions: number; n: number; kupiec: LrTest; independence: LrTest; conditionalCoverage: LrTest } {
  let x = 0;
  for (let t = 0; t < hits.length; t++) x += hits[t]!;
  const kupiec = kupiecPof(x, hits.length, level);
  const independence = christoffersenIndependence(hits);
  const cc = kupiec.lr + independence.lr;
  return {
    exceptions: x,
    n: hits.length,
    kupiec: { lr: kupiec.lr, pValue: kupiec.pValue },
    independence: { lr: independence.lr, pValue: independence.pValue },
    conditionalCoverage: { lr: cc, pValue: chiSquareSf(cc, 2) },
  };
}

/** Rolling one-day-ahead VaR from a trailing window with any estimator (no future data used). */
export function rollingVar(returns: Float64Array, window: number, estimate: (w: Float64Array) => number): Float64Array {
  const out = new Float64Array(Math.max(0, returns.length - window));
  for (let t = window; t < returns.length; t++) out[t - window] = estimate(returns.subarray(t - window, t));
  return out;
}
