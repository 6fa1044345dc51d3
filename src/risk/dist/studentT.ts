/** Student-t distribution: density, cdf (via the incomplete beta) and quantile. */
import { normQuantile } from '../../core/math/normal.ts';
import { logBeta, incBeta } from './beta.ts';
import { logGamma } from './gamma.ts';

/** Log density of Student-t with `df` degrees of freedom. */
export function tLogPdf(x: number, df: number): number {
  return logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((x * x) / df);
}

/** Density of Student-t. */
export function tPdf(x: number, df: number): number {
  return Math.exp(tLogPdf(x, df));
}

/** P(T <= x) for Student-t with `df` degrees of freedom (df > 0, not necessarily integer). */
export function tCdf(x: number, df: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  // I_{df/(df+x^2)}(df/2, 1/2) is the two-tailed mass beyond |x|; computed this way it keeps tail precision.
  const tail = 0.5 * incBeta(df / (df + x * x), df / 2, 0.5);
  return x > 0 ? 1 - tail : tail;
}

/** Quantile of Student-t: Newton on the cdf from a normal start, bisection-safeguarded. */
export function tQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p > 0.5) return -tQuantile(1 - p, df);
  // Lower tail: bracket [lo, hi] with hi = 0, then safeguarded Newton.
  let x = normQuantile(p);
  let lo = -1;
  while (tCdf(lo, df) > p) lo *= 2;
  let hi = 0;
  if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
  const lnorm = -logBeta(0.5, df / 2) - 0.5 * Math.log(df);
  for (let i = 0; i < 200; i++) {
    const f = tCdf(x, df) - p;
    if (f > 0) hi = x;
    else lo = x;
    const pdf = Math.exp(lnorm - ((df + 1) / 2) * Math.log1p((x * x) / df));
    let nx = x - f / pdf;
    if (!(nx > lo && nx < hi)) nx = 0.5 * (lo + hi);
    if (Math.abs(nx - x) <= 1e-15 * Math.max(1, Math.abs(x))) return nx;
    x = nx;
  }
  return x;
}
