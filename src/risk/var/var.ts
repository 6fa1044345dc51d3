/**
 * Value at risk and expected shortfall of a return series, reported as positive loss fractions
 * (multiply by a position value for money). Methods: historical, parametric normal,
 * Cornish-Fisher, and GARCH-filtered historical simulation (Barone-Adesi et al. 1999).
 */
import { BadInputError } from '../../core/errors.ts';
import { normPdf, normQuantile } from '../../core/math/normal.ts';
import { fitGarch } from '../garch/fit.ts';
import { standardisedResiduals } from '../garch/forecast.ts';
import type { GarchSpec } from '../garch/spec.ts';
import { VarMethod } from './varMethod.ts';

/** VaR methods. */
export { VarMethod };

/** VaR and ES at a confidence level, as positive losses in return units. */
export interface VarResult {
  method: VarMethod;
  level: number;
  var: number;
  es: number;
}

/** Sample moments used by the parametric methods. */
export function moments(r: ArrayLike<number>): { mean: number; sd: number; skew: number; exKurt: number } {
  const n = r.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += r[i]!;
  m /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = r[i]! - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean: m, sd: Math.sqrt((m2 * n) / (n - 1)), skew: m3 / m2 ** 1.5, exKurt: m4 / (m2 * m2) - 3 };
}

/** Empirical VaR (quantile with linear interpolation, R type 7) and ES (mean loss at or beyond VaR). */
export function historicalVar(r: ArrayLike<number>, level: number): VarResult {
  check(r, level);
  const s = Float64Array.from(r as ArrayLike<number>).sort();
  const p = 1 - level;
  const q = quantileSorted(s, p);
  let sum = 0;
  let k = 0;
  for (let i = 0; i < s.length && s[i]! <= q; i++) {
    sum += s[i]!;
    k++;
  }
  return { method: 'historical', level, var: -q, es: k > 0 ? -sum / k : -q };
}

/** Gaussian VaR/ES from the sample mean and standard deviation. */
export function normalVar(r: ArrayLike<number>, level: number): VarResult {
  check(r, level);
  const { mean, sd } = moments(r);
  const z = normQuantile(1 - level);
  return { method: 'normal', level, var: -(mean + sd * z), es: -(mean - (sd * normPdf(z)) / (1 - level)) };
}

/**
 * Cornish-Fisher VaR: the normal quantile adjusted for skewness and excess kurtosis; ES by
 * averaging the adjusted quantile over the tail (midpoint rule, 200 slices).
 */
export function cornishFisherVar(r: ArrayLike<number>, level: number): VarResult {
  check(r, level);
  const { mean, sd, skew, exKurt } = moments(r);
  const cf = (p: number): number => {
    const z = normQuantile(p);
    return z + ((z * z - 1) * skew) / 6 + ((z ** 3 - 3 * z) * exKurt) / 24 - ((2 * z ** 3 - 5 * z) * skew * skew) / 36;
  };
  const a = 1 - level;
  let tail = 0;
  const slices = 200;
  for (let i = 0; i < slices; i++) tail += cf(((i + 0.5) / slices) * a);
  tail /= slices;
  return { method: 'cornish-fisher', level, var: -(mean + sd * cf(a)), es: -(mean + sd * tail) };
}

/** Filtered historical simulation: GARCH standardised residuals rescaled by the next-period volatility. */
export function fhsVar(r: Float64Array, level: number, spec: Partial<GarchSpec> = {}): VarResult & { sigmaNext: number } {
  check(r, level);
  const fit = fitGarch(r, spec);
  const z = standardisedResiduals(fit);
  const h = historicalVar(z, level);
  const sig = Math.sqrt(fit.nextVariance);
  return { method: 'fhs', level, var: -(fit.mu - sig * h.var), es: -(fit.mu - sig * h.es), sigmaNext: sig };
}

/** Dispatch by method. */
export function valueAtRisk(r: Float64Array, level: number, method: VarMethod): VarResult {
  switch (method) {
    case 'historical':
      return historicalVar(r, level);
    case 'normal':
      return normalVar(r, level);
    case 'cornish-fisher':
      return cornishFisherVar(r, level);
    case 'fhs':
      return fhsVar(r, level);
    default:
      throw new BadInputError(`VaR: unknown method "${String(method)}" (use ${Object.values(VarMethod).join(', ')})`);
  }
}

/** Portfolio returns sum_j w_j r_{j,t} from column series. */
export function portfolioReturns(columns: readonly Float64Array[], weights: readonly number[]): Float64Array {
  if (columns.length !== weights.length) throw new BadInputError(`portfolio: ${columns.length} columns but ${weights.length} weights`);
  const n = columns[0]?.length ?? 0;
  const out = new Float64Array(n);
  for (let j = 0; j < columns.length; j++) {
    const c = columns[j]!;
    if (c.length !== n) throw new BadInputError('portfolio: columns differ in length');
    const w = weights[j]!;
    for (let t = 0; t < n; t++) out[t] = out[t]! + w * c[t]!;
  }
  return out;
}

/** Money VaR/ES of a position worth `value`. */
export function positionVar(res: VarResult, value: number): { var: number; es: number } {
  return { var: res.var * Math.abs(value), es: res.es * Math.abs(value) };
}

function quantileSorted(s: Float64Array, p: number): number {
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

function check(r: ArrayLike<number>, level: number): void {
  if (!(level > 0.5 && level < 1)) throw new BadInputError(`VaR: level must be in (0.5, 1), e.g. 0.99 (got ${level})`);
  if (r.length < 10) throw new BadInputError(`VaR: need at least 10 returns (got ${r.length})`);
  for (let i = 0; i < r.length; i++) if (!Number.isFinite(r[i]!)) throw new BadInputError(`VaR: return ${i + 1} is not finite`);
}
