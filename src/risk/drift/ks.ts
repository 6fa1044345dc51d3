/**
 * Two-sample Kolmogorov-Smirnov test. Exact p-values (lattice-path count, as R's psmirnov) when
 * m * n < 10000 and there are no ties; the Kolmogorov limit distribution otherwise.
 */
import { BadInputError } from '../../core/errors.ts';

/** Result of a two-sample KS test. */
export interface KsResult {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
  ties: boolean;
}

/** Two-sided two-sample KS test of `x` against `y` (NaNs dropped). */
export function ksTest2(x: ArrayLike<number>, y: ArrayLike<number>, exact?: boolean): KsResult {
  const a = sortedFinite(x);
  const b = sortedFinite(y);
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) throw new BadInputError(`KS test: both samples need finite values (got ${m} and ${n})`);
  let i = 0;
  let j = 0;
  let d = 0;
  let ties = false;
  while (i < m && j < n) {
    const v = Math.min(a[i]!, b[j]!);
    if (a[i] === v && b[j] === v) ties = true;
    while (i < m && a[i] === v) i++;
    while (j < n && b[j] === v) j++;
    d = Math.max(d, Math.abs(i / m - j / n));
  }
  if (!ties) ties = hasTies(a) || hasTies(b);
  const useExact = exact ?? (m * n < 10000 && !ties);
  if (useExact) return { statistic: d, pValue: Math.min(1, Math.max(0, 1 - psmirnovExact(d, m, n))), method: 'exact', ties };
  const lambda = Math.sqrt((m * n) / (m + n)) * d;
  return { statistic: d, pValue: Math.min(1, Math.max(0, 1 - kolmogorovCdf(lambda))), method: 'asymptotic', ties };
}

/** P(D < d) for the two-sample statistic with sizes m, n under H0, no ties (Kim & Jennrich lattice count). */
export function psmirnovExact(d: number, m: number, n: number): number {
  if (m > n) [m, n] = [n, m];
  const md = m;
  const nd = n;
  // Shift by half a lattice step so D == d counts as "not below" robustly under rounding.
  const q = (0.5 + Math.floor(d * md * nd - 1e-7)) / (md * nd);
  const u = new Float64Array(n + 1);
  for (let j = 0; j <= n; j++) u[j] = j / nd > q ? 0 : 1;
  for (let i = 1; i <= m; i++) {
    const w = i / (i + n);
    u[0] = i / md > q ? 0 : w * u[0]!;
    for (let j = 1; j <= n; j++) u[j] = Math.abs(i / md - j / nd) > q ? 0 : w * u[j]! + u[j - 1]!;
  }
  return u[n]!;
}

/** Limiting Kolmogorov distribution P(K <= x) (two series, each used where it converges fast). */
export function kolmogorovCdf(x: number): number {
  if (x <= 0) return 0;
  if (x < 1) {
    const k = -(Math.PI * Math.PI) / (8 * x * x);
    let s = 0;
    for (let i = 1; i < 40; i += 2) s += Math.exp(i * i * k);
    return (Math.sqrt(2 * Math.PI) / x) * s;
  }
  let s = 0;
  let sign = 1;
  for (let i = 1; i < 100; i++) {
    const term = Math.exp(-2 * i * i * x * x);
    s += sign * term;
    if (term < 1e-17) break;
    sign = -sign;
  }
  return 1 - 2 * s;
}

function sortedFinite(x: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) out.push(x[i]!);
  return Float64Array.from(out).sort();
}

function hasTies(s: Float64Array): boolean {
  for (let i = 1; i < s.length; i++) if (s[i] === s[i - 1]) return true;
  return false;
}
