/** GARCH model specification and parameter layout shared by the likelihood, fit and forecast. */

/** Conditional variance equation. */
export const GarchModel = { garch: 'garch', gjr: 'gjr', egarch: 'egarch' } as const;
export type GarchModel = (typeof GarchModel)[keyof typeof GarchModel];

/** Innovation distribution: Gaussian or unit-variance Student-t. */
export const GarchDist = { normal: 'normal', t: 't' } as const;
export type GarchDist = (typeof GarchDist)[keyof typeof GarchDist];

/**
 * Start-up rule. `fcp` (Fiorentini, Calzolari & Panattoni 1996): the pre-sample h_0 = e_0^2 = mean
 * squared residual at the current mu, so h_1 = omega + (alpha + beta) h_0. `mci` (fGarch's
 * default "mu current iteration"): h_1 itself = mean squared residual.
 */
export type GarchInit = 'fcp' | 'mci';

/** Full specification of a univariate GARCH-type model. */
export interface GarchSpec {
  model: GarchModel;
  dist: GarchDist;
  /** Constant mean mu, or zero mean (returns already demeaned). */
  mean: 'constant' | 'zero';
  init: GarchInit;
  /**
   * `stationary` (default) enforces persistence < 1; `positive` keeps only positivity and box
   * bounds, as fGarch does (its Student-t fit of dem2gbp has alpha + beta = 1.009).
   */
  constraint: 'stationary' | 'positive';
}

/** Defaults: GARCH(1,1), Gaussian, constant mean, FCP start-up. */
export const defaultSpec: GarchSpec = { model: 'garch', dist: 'normal', mean: 'constant', init: 'fcp', constraint: 'stationary' };

/** Positions of each parameter in the vector theta (-1 when absent). */
export interface ParamLayout {
  names: string[];
  mu: number;
  omega: number;
  alpha: number;
  gamma: number;
  beta: number;
  shape: number;
}

/** Parameter names and positions for a spec: [mu] omega alpha [gamma] beta [shape]. */
export function paramLayout(spec: GarchSpec): ParamLayout {
  const names: string[] = [];
  const add = (n: string): number => names.push(n) - 1;
  const mu = spec.mean === 'constant' ? add('mu') : -1;
  const omega = add('omega');
  const alpha = add('alpha');
  const gamma = spec.model === 'garch' ? -1 : add('gamma');
  const beta = add('beta');
  const shape = spec.dist === 't' ? add('shape') : -1;
  return { names, mu, omega, alpha, gamma, beta, shape };
}

/** E|z| for a unit-variance innovation (EGARCH centring term). */
export function expectedAbsZ(dist: GarchDist, shape: number): number {
  if (dist === 'normal') return Math.sqrt(2 / Math.PI);
  return (2 * Math.sqrt(shape - 2) * Math.exp(lgammaHalfRatio(shape))) / ((shape - 1) * Math.sqrt(Math.PI));
}

import { logGamma } from '../dist/gamma.ts';
function lgammaHalfRatio(nu: number): number {
  return logGamma((nu + 1) / 2) - logGamma(nu / 2);
}

/** True when theta satisfies positivity and (unless spec.constraint is 'positive') covariance stationarity. */
export function isStationary(spec: GarchSpec, lay: ParamLayout, theta: Float64Array): boolean {
  const a = theta[lay.alpha]!;
  const b = theta[lay.beta]!;
  const strict = spec.constraint !== 'positive';
  if (spec.model === 'egarch') return strict ? Math.abs(b) < 1 : Number.isFinite(b);
  const w = theta[lay.omega]!;
  if (!(w > 0) || a < 0 || b < 0) return false;
  if (spec.model === 'garch') return !strict || a + b < 1;
  const g = theta[lay.gamma]!;
  return a + g >= 0 && (!strict || a + 0.5 * g + b < 1);
}

/** Persistence: alpha + beta (GARCH), alpha + gamma/2 + beta (GJR, symmetric innovations), beta (EGARCH). */
export function persistence(spec: GarchSpec, lay: ParamLayout, theta: ArrayLike<number>): number {
  if (spec.model === 'egarch') return theta[lay.beta]!;
  const g = spec.model === 'gjr' ? 0.5 * theta[lay.gamma]! : 0;
  return theta[lay.alpha]! + g + theta[lay.beta]!;
}
