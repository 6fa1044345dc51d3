/** Multi-step variance forecasts, annualised volatility and the volatility-regime flag from a fit. */
import type { GarchFit } from './fit.ts';
import { expectedAbsZ, paramLayout } from './spec.ts';

/** Volatility regime relative to the model's long-run level. */
export type VolRegime = 'low' | 'normal' | 'high';

/**
 * Variance forecasts h_{n+1..n+steps}. GARCH/GJR use the exact expectation recursion
 * (GJR's asymmetry weighted by P(z < 0) = 1/2); EGARCH iterates E[ln h] (the log-variance
 * recursion, exact in logs, a lower bound on E[h] by Jensen).
 */
export function forecastVariance(fit: GarchFit, steps: number): Float64Array {
  const out = new Float64Array(steps);
  if (steps <= 0) return out;
  out[0] = fit.nextVariance;
  const lay = paramLayout(fit.spec);
  const w = fit.theta[lay.omega]!;
  const b = fit.theta[lay.beta]!;
  if (fit.spec.model === 'egarch') {
    let lh = Math.log(out[0]!);
    for (let s = 1; s < steps; s++) {
      lh = w + b * lh;
      out[s] = Math.exp(lh);
    }
    return out;
  }
  const p = fit.persistence;
  for (let s = 1; s < steps; s++) out[s] = w + p * out[s - 1]!;
  return out;
}

/** Long-run (unconditional) variance; Infinity when the fit is not stationary. */
export function longRunVariance(fit: GarchFit): number {
  const lay = paramLayout(fit.spec);
  const w = fit.theta[lay.omega]!;
  if (fit.spec.model === 'egarch') {
    const b = fit.theta[lay.beta]!;
    return Math.abs(b) < 1 ? Math.exp(w / (1 - b)) : Infinity;
  }
  return fit.persistence < 1 ? w / (1 - fit.persistence) : Infinity;
}

/** sqrt(periodsPerYear * variance): annualised volatility in the units of the returns. */
export function annualise(variance: number, periodsPerYear = 252): number {
  return Math.sqrt(periodsPerYear * variance);
}

/** Thresholds on current / long-run volatility for the regime flag. */
export interface RegimeThresholds {
  high: number;
  low: number;
}

/**
 * 'high' when the next-period volatility exceeds `high` x the long-run volatility, 'low' below
 * `low` x; a non-stationary fit is compared with the sample volatility instead.
 */
export function volRegime(fit: GarchFit, th: RegimeThresholds = { high: 1.25, low: 0.8 }): VolRegime {
  let lr = longRunVariance(fit);
  if (!Number.isFinite(lr)) {
    let s = 0;
    for (let t = 0; t < fit.n; t++) s += fit.residuals[t]! ** 2;
    lr = s / fit.n;
  }
  const ratio = Math.sqrt(fit.nextVariance / lr);
  return ratio > th.high ? 'high' : ratio < th.low ? 'low' : 'normal';
}

/** Standardised residuals e_t / sqrt(h_t) (for filtered historical simulation). */
export function standardisedResiduals(fit: GarchFit): Float64Array {
  const z = new Float64Array(fit.n);
  for (let t = 0; t < fit.n; t++) z[t] = fit.residuals[t]! / Math.sqrt(fit.h[t]!);
  return z;
}

/** E|z| of the fit's innovation distribution (exported for EGARCH users). */
export function fitExpectedAbsZ(fit: GarchFit): number {
  return expectedAbsZ(fit.spec.dist, fit.shape);
}
