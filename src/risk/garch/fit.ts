/**
 * Maximum-likelihood fit of GARCH / GJR / EGARCH (1,1): BFGS over bounded-logistic transformed
 * parameters (stationarity enforced), then Newton polishing in the natural parameters with a
 * Hessian from central differences of the exact gradient; Hessian and QMLE sandwich errors.
 */
import { BadInputError } from '../../core/errors.ts';
import { maxAbs } from '../../core/math/vector.ts';
import { bfgs } from '../optim/bfgs.ts';
import { fromUnbounded, jacobianDiag, toUnbounded, type Bound } from '../optim/transforms.ts';
import { invert, matMul } from '../linalg.ts';
import { garchLogLik } from './likelihood.ts';
import { defaultSpec, isStationary, paramLayout, persistence, type GarchSpec, type ParamLayout } from './spec.ts';

/** A fitted model. Parameters absent from the model are NaN in the named fields. */
export interface GarchFit {
  spec: GarchSpec;
  names: string[];
  theta: Float64Array;
  mu: number;
  omega: number;
  alpha: number;
  beta: number;
  gamma: number;
  shape: number;
  loglik: number;
  /** Standard errors from the inverse observed information (Hessian). */
  se: Float64Array;
  /** QMLE sandwich standard errors H^-1 (S'S) H^-1 (Bollerslev-Wooldridge). */
  robustSe: Float64Array;
  persistence: number;
  /** Conditional variances h_1..h_n. */
  h: Float64Array;
  /** Residuals y_t - mu. */
  residuals: Float64Array;
  /** Variance for the period after the sample, h_{n+1}. */
  nextVariance: number;
  n: number;
  iterations: number;
  converged: boolean;
}

/** Fit options beyond the spec. */
export interface GarchFitOptions {
  /** Starting values in the layout order (default: data-driven). */
  start?: ArrayLike<number>;
}

/** Fit `spec` to returns `y` by maximum likelihood. */
export function fitGarch(y: Float64Array, specIn: Partial<GarchSpec> = {}, opts: GarchFitOptions = {}): GarchFit {
  const spec: GarchSpec = { ...defaultSpec, ...specIn };
  const n = y.length;
  if (n < 20) throw new BadInputError(`GARCH needs at least 20 returns, got ${n}`);
  for (let t = 0; t < n; t++) if (!Number.isFinite(y[t]!)) throw new BadInputError(`GARCH: return ${t + 1} is not a finite number`);
  const lay = paramLayout(spec);
  const k = lay.names.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += y[t]!;
  mean /= n;
  let v = 0;
  for (let t = 0; t < n; t++) v += (y[t]! - mean) ** 2;
  v /= n;
  if (!(v > 0)) throw new BadInputError('GARCH: the returns have zero variance');
  const sd = Math.sqrt(v);

  const bounds = makeBounds(spec, lay, mean, sd, v);
  const theta0 = new Float64Array(k);
  if (opts.start) theta0.set(Array.from(opts.start));
  else defaultStart(spec, lay, mean, v, theta0);

  // Objective in u-space: mean negative log-likelihood (scaled by 1/n for conditioning).
  const theta = new Float64Array(k);
  const gTheta = new Float64Array(k);
  const jac = new Float64Array(k);
  const objective = (u: Float64Array, g: Float64Array): number => {
    fromUnbounded(u, bounds, theta);
    const ll = garchLogLik(spec, lay, theta, y, { grad: gTheta });
    if (!Number.isFinite(ll)) return Infinity;
    jacobianDiag(u, bounds, jac);
    for (let i = 0; i < k; i++) g[i] = (-gTheta[i]! * jac[i]!) / n;
    return -ll / n;
  };
  const res = bfgs(objective, toUnbounded(theta0, bounds), { maxIter: 400, gtol: 1e-10 });
  const est = fromUnbounded(res.x, bounds);

  // Newton polish in theta: the transform flattens the objective near bounds; this restores full precision.
  let ll = garchLogLik(spec, lay, est, y, { grad: gTheta });
  let hess = numericHessian(spec, lay, est, y);
  for (let it = 0; it < 8; it++) {
    const hInv = invert(hess, k);
    if (!hInv) break;
    const step = new Float64Array(k);
    let dec = 0;
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s -= hInv[i * k + j]! * gTheta[j]!;
      step[i] = s;
      dec += s * gTheta[i]!;
    }
    if (!(dec > 0)) break; // Hessian not negative definite here: keep the BFGS point.
    let accepted = false;
    for (let lam = 1; lam > 1e-4; lam /= 2) {
      const cand = new Float64Array(k);
      for (let i = 0; i < k; i++) cand[i] = est[i]! + lam * step[i]!;
      if (!inBounds(cand, bounds) || !isStationary(spec, lay, cand)) continue;
      const g2 = new Float64Array(k);
      const ll2 = garchLogLik(spec, lay, cand, y, { grad: g2 });
      if (ll2 >= ll - 1e-12 * Math.abs(ll)) {
        est.set(cand);
        gTheta.set(g2);
        ll = ll2;
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    // The Hessian barely moves near the optimum: reuse it (chord Newton), recompute once at the end.
    if (dec < 1e-18) break;
  }
  hess = numericHessian(spec, lay, est, y);

  const scores = new Float64Array(n * k);
  const h = new Float64Array(n);
  ll = garchLogLik(spec, lay, est, y, { grad: gTheta, scores, h });
  const { se, robustSe } = standardErrors(hess, scores, n, k);
  const get = (i: number): number => (i >= 0 ? est[i]! : NaN);
  const mu = lay.mu >= 0 ? est[lay.mu]! : 0;
  const residuals = new Float64Array(n);
  for (let t = 0; t < n; t++) residuals[t] = y[t]! - mu;
  return {
    spec,
    names: lay.names,
    theta: est,
    mu,
    omega: get(lay.omega),
    alpha: get(lay.alpha),
    beta: get(lay.beta),
    gamma: get(lay.gamma),
    shape: get(lay.shape),
    loglik: ll,
    se,
    robustSe,
    persistence: persistence(spec, lay, est),
    h,
    residuals,
    nextVariance: nextVariance(spec, lay, est, h[n - 1]!, residuals[n - 1]!),
    n,
    iterations: res.iterations,
    converged: res.converged && maxAbs(gTheta) < 1e-3 * Math.max(1, Math.abs(ll)),
  };
}

/** One-step-ahead variance from the last h and residual. */
export function nextVariance(spec: GarchSpec, lay: ParamLayout, theta: ArrayLike<number>, hLast: number, eLast: number): number {
  const w = theta[lay.omega]!;
  const a = theta[lay.alpha]!;
  const b = theta[lay.beta]!;
  const g = lay.gamma >= 0 ? theta[lay.gamma]! : 0;
  if (spec.model === 'egarch') {
    const z = eLast / Math.sqrt(hLast);
    const kappa = expectedAbs(spec, lay, theta);
    return Math.exp(w + a * (Math.abs(z) - kappa) + g * z + b * Math.log(hLast));
  }
  return w + (a + (eLast < 0 ? g : 0)) * eLast * eLast + b * hLast;
}

import { expectedAbsZ } from './spec.ts';
function expectedAbs(spec: GarchSpec, lay: ParamLayout, theta: ArrayLike<number>): number {
  return expectedAbsZ(spec.dist, lay.shape >= 0 ? theta[lay.shape]! : 0);
}

/** Hessian of the log-likelihood by central differences of the exact gradient (symmetrised). */
export function numericHessian(spec: GarchSpec, lay: ParamLayout, theta: Float64Array, y: Float64Array): Float64Array {
  const k = theta.length;
  const hess = new Float64Array(k * k);
  const gp = new Float64Array(k);
  const gm = new Float64Array(k);
  const x = Float64Array.from(theta);
  for (let j = 0; j < k; j++) {
    const step = 1e-5 * Math.max(Math.abs(theta[j]!), 1e-3);
    x[j] = theta[j]! + step;
    garchLogLik(spec, lay, x, y, { grad: gp });
    x[j] = theta[j]! - step;
    garchLogLik(spec, lay, x, y, { grad: gm });
    x[j] = theta[j]!;
    for (let i = 0; i < k; i++) hess[i * k + j] = (gp[i]! - gm[i]!) / (2 * step);
  }
  for (let i = 0; i < k; i++)
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (hess[i * k + j]! + hess[j * k + i]!);
      hess[i * k + j] = m;
      hess[j * k + i] = m;
    }
  return hess;
}

/** Hessian-based and sandwich standard errors; NaN where the information is singular. */
export function standardErrors(hess: Float64Array, scores: Float64Array, n: number, k: number): { se: Float64Array; robustSe: Float64Array } {
  const info = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) info[i] = -hess[i]!;
  const se = new Float64Array(k).fill(NaN);
  const robustSe = new Float64Array(k).fill(NaN);
  const iInv = invert(info, k);
  if (!iInv) return { se, robustSe };
  const opg = new Float64Array(k * k);
  for (let t = 0; t < n; t++) {
    const r = t * k;
    for (let i = 0; i < k; i++) {
      const si = scores[r + i]!;
      for (let j = 0; j < k; j++) opg[i * k + j] = opg[i * k + j]! + si * scores[r + j]!;
    }
  }
  const sand = matMul(matMul(iInv, opg, k), iInv, k);
  for (let i = 0; i < k; i++) {
    se[i] = Math.sqrt(iInv[i * k + i]!);
    robustSe[i] = Math.sqrt(sand[i * k + i]!);
  }
  return { se, robustSe };
}

function makeBounds(spec: GarchSpec, lay: ParamLayout, mean: number, sd: number, v: number): Bound[] {
  const b: Bound[] = [];
  for (const name of lay.names) {
    switch (name) {
      case 'mu':
        b.push({ lo: mean - 2 * sd, hi: mean + 2 * sd });
        break;
      case 'omega':
        b.push(spec.model === 'egarch' ? { lo: Math.log(v) - 30, hi: Math.log(v) + 30 } : { lo: 0, hi: 10 * v });
        break;
      case 'alpha':
        b.push(spec.model === 'egarch' ? { lo: -1, hi: 2 } : { lo: 0, hi: 1 });
        break;
      case 'gamma':
        b.push({ lo: -1, hi: spec.model === 'egarch' ? 1 : 2 });
        break;
      case 'beta':
        b.push(spec.model === 'egarch' ? { lo: -1, hi: 1 } : { lo: 0, hi: 1 });
        break;
      case 'shape':
        b.push({ lo: 2.01, hi: 200 });
        break;
    }
  }
  return b;
}

function defaultStart(spec: GarchSpec, lay: ParamLayout, mean: number, v: number, out: Float64Array): void {
  if (lay.mu >= 0) out[lay.mu] = mean;
  if (spec.model === 'egarch') {
    out[lay.omega] = 0.02 * Math.log(v);
    out[lay.alpha] = 0.15;
    out[lay.gamma] = 0;
    out[lay.beta] = 0.98;
  } else {
    out[lay.omega] = 0.1 * v;
    out[lay.alpha] = spec.model === 'gjr' ? 0.05 : 0.1;
    if (lay.gamma >= 0) out[lay.gamma] = 0.1;
    out[lay.beta] = 0.8;
  }
  if (lay.shape >= 0) out[lay.shape] = 8;
}

function inBounds(x: Float64Array, bounds: readonly Bound[]): boolean {
  for (let i = 0; i < x.length; i++) if (!(x[i]! > bounds[i]!.lo && x[i]! < bounds[i]!.hi)) return false;
  return true;
}
