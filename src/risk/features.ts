/**
 * The scan's eight risk features for one symbol: forecast volatility, annualised volatility,
 * current volatility, volatility regime, correlation with each benchmark, lower and upper tail
 * dependence and the diversification benefit (the last three against the first benchmark).
 */
import { BadInputError } from '../core/errors.ts';
import { empiricalTailDependence } from './copula/copula.ts';
import { pearson } from './copula/pseudoObs.ts';
import { fitGarch } from './garch/fit.ts';
import { annualise, forecastVariance, volRegime, type VolRegime } from './garch/forecast.ts';

/** Risk features of one symbol. Volatilities are per period in return units unless annualised. */
export interface RiskFeatures {
  /** Mean GARCH variance over the next `horizon` periods, as a per-period volatility. */
  forecastVol: number;
  /** forecastVol annualised (x sqrt(periodsPerYear)). */
  annualisedVol: number;
  /** Conditional volatility of the last observed period, sqrt(h_n). */
  currentVol: number;
  volRegime: VolRegime;
  /** Pearson correlation with each benchmark over the common (trailing) window. */
  corr: Record<string, number>;
  /** Empirical tail dependence with the first benchmark. */
  lowerTail: number;
  upperTail: number;
  /** 1 - vol(equal-weight pair) / mean(vol): what pairing with the first benchmark saves. */
  diversificationBenefit: number;
}

/** Options: forecast horizon (default 21 periods) and periods per year (default 252). */
export interface RiskFeatureOptions {
  horizon?: number;
  periodsPerYear?: number;
}

/** Compute the features. Series are aligned on their trailing common length. */
export function riskFeatures(returns: Float64Array, benchmarks: Readonly<Record<string, Float64Array>>, opts: RiskFeatureOptions = {}): RiskFeatures {
  const names = Object.keys(benchmarks);
  if (names.length === 0) throw new BadInputError('risk features: need at least one benchmark series');
  const fit = fitGarch(returns);
  const f = forecastVariance(fit, opts.horizon ?? 21);
  let mean = 0;
  for (let i = 0; i < f.length; i++) mean += f[i]!;
  mean /= f.length;
  const corr: Record<string, number> = {};
  for (const nm of names) {
    const [a, b] = tailAlign(returns, benchmarks[nm]!);
    corr[nm] = pearson(a, b);
  }
  const [a, b] = tailAlign(returns, benchmarks[names[0]!]!);
  const td = empiricalTailDependence(a, b);
  const sa = sd(a);
  const sb = sd(b);
  const pair = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) pair[i] = 0.5 * (a[i]! + b[i]!);
  return {
    forecastVol: Math.sqrt(mean),
    annualisedVol: annualise(mean, opts.periodsPerYear ?? 252),
    currentVol: Math.sqrt(fit.h[fit.n - 1]!),
    volRegime: volRegime(fit),
    corr,
    lowerTail: td.lower,
    upperTail: td.upper,
    diversificationBenefit: 1 - sd(pair) / (0.5 * (sa + sb)),
  };
}

function tailAlign(a: Float64Array, b: Float64Array): [Float64Array, Float64Array] {
  const n = Math.min(a.length, b.length);
  if (n < 20) throw new BadInputError(`risk features: need at least 20 overlapping returns (got ${n})`);
  return [a.subarray(a.length - n), b.subarray(b.length - n)];
}

function sd(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i]!;
  m /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - m) ** 2;
  return Math.sqrt(v / (x.length - 1));
}
