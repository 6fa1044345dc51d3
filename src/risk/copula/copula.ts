/**
 * Elliptical copulas on rank pseudo-observations. Gaussian: correlation of the normal scores.
 * Student-t: correlation from Kendall's tau (R = sin(pi tau / 2)) and degrees of freedom by
 * maximum likelihood (golden-section search on ln nu). Tail dependence and seeded simulation.
 */
import { BadInputError } from '../../core/errors.ts';
import { normCdf, normQuantile } from '../../core/math/normal.ts';
import type { Rng } from '../../core/rng.ts';
import { logGamma } from '../dist/gamma.ts';
import { tCdf, tQuantile } from '../dist/studentT.ts';
import { cholesky, spdInverse } from '../linalg.ts';
import { kendallTau, pearson, pseudoObs } from './pseudoObs.ts';

/** Copula families. */
export type CopulaFamily = 'gaussian' | 't';

/** A fitted copula: correlation row-major d x d, df for t (Infinity for Gaussian). */
export interface CopulaFit {
  family: CopulaFamily;
  d: number;
  corr: Float64Array;
  df: number;
  loglik: number;
  n: number;
}

/** Fit a copula to raw data columns (converted to pseudo-observations here). */
export function fitCopula(columns: readonly Float64Array[], family: CopulaFamily = 'gaussian'): CopulaFit {
  const d = columns.length;
  if (d < 2) throw new BadInputError(`copula: need at least 2 columns (got ${d})`);
  const n = columns[0]!.length;
  if (n < 10) throw new BadInputError(`copula: need at least 10 rows (got ${n})`);
  for (const c of columns) if (c.length !== n) throw new BadInputError('copula: columns differ in length');
  const u = columns.map((c) => pseudoObs(c));
  if (family === 'gaussian') {
    const z = u.map((c) => c.map(normQuantile));
    const corr = corrMatrix(z, (a, b) => pearson(a, b));
    return { family, d, corr, df: Infinity, loglik: gaussianCopulaLogLik(z, corr), n };
  }
  if (family !== 't') throw new BadInputError(`copula: unknown family "${String(family)}" (use gaussian or t)`);
  let corr = corrMatrix(u, (a, b) => Math.sin((Math.PI / 2) * kendallTau(a, b)));
  if (!cholesky(corr, d)) corr = corrMatrix(u.map((c) => c.map(normQuantile)), (a, b) => pearson(a, b));
  // Golden section on ln nu in [ln 2.05, ln 200].
  const f = (lnu: number): number => tCopulaLogLik(u, corr, Math.exp(lnu));
  let a = Math.log(2.05);
  let b = Math.log(200);
  const gr = (Math.sqrt(5) - 1) / 2;
  let c1 = b - gr * (b - a);
  let c2 = a + gr * (b - a);
  let f1 = f(c1);
  let f2 = f(c2);
  while (b - a > 2e-3) {
    if (f1 > f2) {
      b = c2;
      c2 = c1;
      f2 = f1;
      c1 = b - gr * (b - a);
      f1 = f(c1);
    } else {
      a = c1;
      c1 = c2;
      f1 = f2;
      c2 = a + gr * (b - a);
      f2 = f(c2);
    }
  }
  const df = Math.exp(0.5 * (a + b));
  return { family, d, corr, df, loglik: f(Math.log(df)), n };
}

function corrMatrix(cols: readonly Float64Array[], r: (a: Float64Array, b: Float64Array) => number): Float64Array {
  const d = cols.length;
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    m[i * d + i] = 1;
    for (let j = 0; j < i; j++) {
      const v = r(cols[i]!, cols[j]!);
      m[i * d + j] = v;
      m[j * d + i] = v;
    }
  }
  return m;
}

/** Gaussian copula log-likelihood of normal scores z (columns). */
export function gaussianCopulaLogLik(z: readonly Float64Array[], corr: Float64Array): number {
  const d = z.length;
  const inv = spdInverse(corr, d);
  if (!inv) return -Infinity;
  const n = z[0]!.length;
  let ll = -0.5 * n * inv.logDet;
  for (let t = 0; t < n; t++) {
    let q = 0;
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) q += z[i]![t]! * ((i === j ? inv.inv[i * d + j]! - 1 : inv.inv[i * d + j]!) * z[j]![t]!);
    ll -= 0.5 * q;
  }
  return ll;
}

/** Student-t copula log-likelihood of pseudo-observations u at correlation `corr` and df `nu`. */
export function tCopulaLogLik(u: readonly Float64Array[], corr: Float64Array, nu: number): number {
  const d = u.length;
  const inv = spdInverse(corr, d);
  if (!inv) return -Infinity;
  const n = u[0]!.length;
  const x = u.map((c) => c.map((p) => tQuantile(p, nu)));
  const cMv = logGamma((nu + d) / 2) - logGamma(nu / 2) - (d / 2) * Math.log(nu * Math.PI) - 0.5 * inv.logDet;
  const cU = logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI);
  let ll = 0;
  for (let t = 0; t < n; t++) {
    let q = 0;
    let marg = 0;
    for (let i = 0; i < d; i++) {
      const xi = x[i]![t]!;
      marg += cU - ((nu + 1) / 2) * Math.log1p((xi * xi) / nu);
      for (let j = 0; j < d; j++) q += xi * inv.inv[i * d + j]! * x[j]![t]!;
    }
    ll += cMv - ((nu + d) / 2) * Math.log1p(q / nu) - marg;
  }
  return ll;
}

/** Coefficient of (lower = upper) tail dependence of a bivariate elliptical copula. */
export function tailDependence(family: CopulaFamily, rho: number, df = Infinity): number {
  if (family === 'gaussian' || !Number.isFinite(df)) return rho >= 1 ? 1 : 0;
  return 2 * tCdf(-Math.sqrt(((df + 1) * (1 - rho)) / (1 + rho)), df + 1);
}

/** Empirical lower and upper tail dependence at k = floor(sqrt(n)) ranks (Schmidt & Stadtmueller). */
export function empiricalTailDependence(x: ArrayLike<number>, y: ArrayLike<number>, k?: number): { lower: number; upper: number } {
  const n = x.length;
  const kk = k ?? Math.max(1, Math.floor(Math.sqrt(n)));
  const u = pseudoObs(x);
  const v = pseudoObs(y);
  const thr = kk / (n + 1) + 1e-12;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    if (u[i]! <= thr && v[i]! <= thr) lo++;
    if (u[i]! >= 1 - thr && v[i]! >= 1 - thr) hi++;
  }
  return { lower: lo / kk, upper: hi / kk };
}

/** Draw n vectors of uniforms from a fitted copula; returns d columns. */
export function simulateCopula(fit: CopulaFit, n: number, rng: Rng): Float64Array[] {
  const { d } = fit;
  const l = cholesky(fit.corr, d);
  if (!l) throw new BadInputError('copula: correlation matrix is not positive definite');
  const out = Array.from({ length: d }, () => new Float64Array(n));
  const z = new Float64Array(d);
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < d; i++) z[i] = rng.normal();
    const w = fit.family === 't' ? Math.sqrt(fit.df / (2 * gammaVariate(fit.df / 2, rng))) : 1;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s += l[i * d + j]! * z[j]!;
      out[i]![t] = fit.family === 't' ? tCdf(s * w, fit.df) : normCdf(s);
    }
  }
  return out;
}

/** Gamma(shape, 1) variate (Marsaglia & Tsang 2000; boost for shape < 1). */
export function gammaVariate(shape: number, rng: Rng): number {
  if (shape < 1) return gammaVariate(shape + 1, rng) * Math.pow(rng.next() || 1e-300, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
