/**
 * Log-likelihood of GARCH / GJR / EGARCH (1,1) with its exact gradient and per-observation
 * scores, computed in one forward pass that carries d h_t / d theta alongside h_t.
 */
import { digamma, logGamma } from '../dist/gamma.ts';
import { expectedAbsZ, isStationary, type GarchSpec, type ParamLayout } from './spec.ts';

const LN2PI = Math.log(2 * Math.PI);

/** Buffers a likelihood evaluation may fill. */
export interface LikOutputs {
  /** Gradient of the total log-likelihood (length k). */
  grad?: Float64Array;
  /** Per-observation scores, row-major n x k. */
  scores?: Float64Array;
  /** Conditional variances h_t (length n). */
  h?: Float64Array;
}

/**
 * Total log-likelihood of `y` at `theta` (including the -0.5 ln 2 pi terms); -Infinity when theta
 * is outside the stationary region or a variance is not positive.
 */
export function garchLogLik(spec: GarchSpec, lay: ParamLayout, theta: Float64Array, y: Float64Array, out: LikOutputs = {}): number {
  const n = y.length;
  const k = lay.names.length;
  const { grad, scores, h: hOut } = out;
  if (grad) grad.fill(0);
  if (!isStationary(spec, lay, theta)) return -Infinity;
  const mu = lay.mu >= 0 ? theta[lay.mu]! : 0;
  const w = theta[lay.omega]!;
  const a = theta[lay.alpha]!;
  const g = lay.gamma >= 0 ? theta[lay.gamma]! : 0;
  const b = theta[lay.beta]!;
  const nu = lay.shape >= 0 ? theta[lay.shape]! : 0;
  const isT = spec.dist === 't';
  if (isT && !(nu > 2)) return -Infinity;
  const need = grad !== undefined || scores !== undefined;

  // Start-up: hb = mean squared residual at the current mu, and its derivative in mu.
  let s1 = 0;
  let s2 = 0;
  for (let t = 0; t < n; t++) {
    const e = y[t]! - mu;
    s1 += e;
    s2 += e * e;
  }
  const hb = s2 / n;
  const dhbMu = (-2 * s1) / n;

  // Distribution constants.
  const c = nu - 2;
  const tConst = isT ? logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(Math.PI * c) : -0.5 * LN2PI;
  const dConstNu = isT ? 0.5 * digamma((nu + 1) / 2) - 0.5 * digamma(nu / 2) - 0.5 / c : 0;
  const kappa = spec.model === 'egarch' ? expectedAbsZ(spec.dist, nu) : 0;
  const dKappaNu = spec.model === 'egarch' && isT ? kappa * (0.5 / c + 0.5 * digamma((nu + 1) / 2) - 0.5 * digamma(nu / 2) - 1 / (nu - 1)) : 0;

  // dh holds d h_t / d theta (GARCH, GJR) or d ln h_t / d theta (EGARCH).
  const dh = new Float64Array(k);
  const dhPrev = new Float64Array(k);
  let h: number;
  let lh = 0;
  const egarch = spec.model === 'egarch';
  if (egarch) {
    lh = spec.init === 'fcp' ? w + b * Math.log(hb) : Math.log(hb);
    if (need) {
      if (spec.init === 'fcp') {
        dh[lay.omega] = 1;
        dh[lay.beta] = Math.log(hb);
        if (lay.mu >= 0) dh[lay.mu] = (b * dhbMu) / hb;
      } else if (lay.mu >= 0) dh[lay.mu] = dhbMu / hb;
    }
    h = Math.exp(lh);
  } else {
    const pers = a + 0.5 * g + b;
    if (spec.init === 'fcp') {
      h = w + pers * hb;
      if (need) {
        dh[lay.omega] = 1;
        dh[lay.alpha] = hb;
        if (lay.gamma >= 0) dh[lay.gamma] = 0.5 * hb;
        dh[lay.beta] = hb;
        if (lay.mu >= 0) dh[lay.mu] = pers * dhbMu;
      }
    } else {
      h = hb;
      if (need && lay.mu >= 0) dh[lay.mu] = dhbMu;
    }
  }

  let ll = 0;
  for (let t = 0; t < n; t++) {
    if (!(h > 0) || !Number.isFinite(h)) return -Infinity;
    if (hOut) hOut[t] = h;
    const e = y[t]! - mu;
    const e2 = e * e;
    let lt: number;
    let dldh: number;
    let dlde: number;
    let dldnu = 0;
    if (isT) {
      const q = e2 / (h * c);
      const l1q = Math.log1p(q);
      lt = tConst - 0.5 * Math.log(h) - 0.5 * (nu + 1) * l1q;
      if (need) {
        dldh = -0.5 / h + (0.5 * (nu + 1) * q) / (h * (1 + q));
        dlde = (-(nu + 1) * e) / (h * c * (1 + q));
        dldnu = dConstNu - 0.5 * l1q + (0.5 * (nu + 1) * q) / (c * (1 + q));
      } else {
        dldh = 0;
        dlde = 0;
      }
    } else {
      lt = tConst - 0.5 * Math.log(h) - (0.5 * e2) / h;
      dldh = (0.5 * (e2 / h - 1)) / h;
      dlde = -e / h;
    }
    ll += lt;
    if (need) {
      // For EGARCH dh is d ln h, so d l / d ln h = h * d l / d h.
      const scale = egarch ? dldh * h : dldh;
      const row = t * k;
      for (let j = 0; j < k; j++) {
        let sj = scale * dh[j]!;
        if (j === lay.mu) sj -= dlde;
        if (j === lay.shape) sj += dldnu;
        if (scores) scores[row + j] = sj;
        if (grad) grad[j] = grad[j]! + sj;
      }
    }
    if (t === n - 1) break;
    // Next variance.
    if (egarch) {
      const sq = Math.sqrt(h);
      const z = e / sq;
      const az = Math.abs(z);
      const lhNext = w + a * (az - kappa) + g * z + b * lh;
      if (need) {
        dhPrev.set(dh);
        const sgn = z > 0 ? 1 : z < 0 ? -1 : 0;
        const dzCoef = a * sgn + g;
        for (let j = 0; j < k; j++) {
          // dz = de / sqrt(h) - 0.5 z d ln h
          let dz = -0.5 * z * dhPrev[j]!;
          if (j === lay.mu) dz -= 1 / sq;
          let v = dzCoef * dz + b * dhPrev[j]!;
          if (j === lay.omega) v += 1;
          else if (j === lay.alpha) v += az - kappa;
          else if (j === lay.gamma) v += z;
          else if (j === lay.beta) v += lh;
          else if (j === lay.shape) v -= a * dKappaNu;
          dh[j] = v;
        }
      }
      lh = lhNext;
      h = Math.exp(lh);
    } else {
      const neg = e < 0 ? 1 : 0;
      const arch = a + g * neg;
      const hNext = w + arch * e2 + b * h;
      if (need) {
        for (let j = 0; j < k; j++) {
          let v = b * dh[j]!;
          if (j === lay.omega) v += 1;
          else if (j === lay.alpha) v += e2;
          else if (j === lay.gamma) v += neg * e2;
          else if (j === lay.beta) v += h;
          else if (j === lay.mu) v -= 2 * arch * e;
          dh[j] = v;
        }
      }
      h = hNext;
    }
  }
  return ll;
}
