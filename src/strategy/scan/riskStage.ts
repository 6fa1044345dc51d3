/**
 * Stage 4 (risk): the eight risk features of src/risk/features.ts (GARCH(1,1)
 * forecast, annualised and current volatility, volatility regime, correlation
 * with each benchmark, lower/upper tail dependence and diversification benefit
 * against the first) on daily log returns aligned by date with the benchmarks,
 * and a 1-10 risk score:
 *
 *   risk = clamp(round(annualisedVol / 6% + (regime high ? 1 : 0) + (lowerTail > 0.4 ? 1 : 0)), 1, 10)
 *
 * so 6% annual volatility scores 1, 36% scores 6 (the default HOLD limit), 60% scores 10.
 */
import type { BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import { riskFeatures, type RiskFeatures } from '../../risk/features.ts';

/** The risk block of a signal (snake_case, as the API returns it). */
export interface RiskMetrics {
  forecast_vol: number;
  annualised_vol: number;
  current_vol: number;
  vol_regime: 'low' | 'normal' | 'high';
  correlation: Record<string, number>;
  lower_tail_dependence: number;
  upper_tail_dependence: number;
  diversification_benefit: number;
  risk_score: number;
  /** Daily returns the features were computed on. */
  observations: number;
}

/** Daily returns used for risk (about two years). */
export const RISK_WINDOW = 500;

/** The documented 1-10 score. */
export function riskScore(f: Pick<RiskFeatures, 'annualisedVol' | 'volRegime' | 'lowerTail'>): number {
  const raw = f.annualisedVol / 0.06 + (f.volRegime === 'high' ? 1 : 0) + (f.lowerTail > 0.4 ? 1 : 0);
  return Math.min(10, Math.max(1, Math.round(Number.isFinite(raw) ? raw : 10)));
}

/** Log returns of `s` and of each benchmark on the dates all of them share, the last `window` of them. */
export function alignedReturns(s: BarSeries, benchmarks: Readonly<Record<string, BarSeries>>, window = RISK_WINDOW): { returns: Float64Array; bench: Record<string, Float64Array> } {
  const names = Object.keys(benchmarks);
  const idx = names.map((n) => new Map(Array.from(benchmarks[n]!.time, (t, i) => [t, i] as const)));
  const rows: number[][] = [];
  let prev: number[] | null = null;
  for (let i = 0; i < s.time.length; i++) {
    const t = s.time[i]!;
    const at = idx.map((m) => m.get(t));
    if (at.some((x) => x === undefined)) {
      prev = null;
      continue;
    }
    const cur = [i, ...(at as number[])];
    if (prev) rows.push([Math.log(s.close[i]! / s.close[prev[0]!]!), ...names.map((n, k) => Math.log(benchmarks[n]!.close[cur[k + 1]!]! / benchmarks[n]!.close[prev![k + 1]!]!))]);
    prev = cur;
  }
  const take = rows.slice(Math.max(0, rows.length - window));
  const returns = Float64Array.from(take, (r) => r[0]!);
  const bench: Record<string, Float64Array> = {};
  names.forEach((n, k) => (bench[n] = Float64Array.from(take, (r) => r[k + 1]!)));
  return { returns, bench };
}

/** Risk metrics of one symbol's daily bars against the benchmarks' daily bars (all up to the signal time). */
export function riskStage(daily: BarSeries, benchmarks: Readonly<Record<string, BarSeries>>, window = RISK_WINDOW): RiskMetrics {
  if (Object.keys(benchmarks).length === 0) throw new BadInputError('risk stage: no benchmark series');
  const { returns, bench } = alignedReturns(daily, benchmarks, window);
  if (returns.length < 60) throw new BadInputError(`${daily.symbol}: ${returns.length} daily returns shared with the benchmarks; the risk stage needs 60`);
  const f = riskFeatures(returns, bench);
  return {
    forecast_vol: f.forecastVol,
    annualised_vol: f.annualisedVol,
    current_vol: f.currentVol,
    vol_regime: f.volRegime,
    correlation: f.corr,
    lower_tail_dependence: f.lowerTail,
    upper_tail_dependence: f.upperTail,
    diversification_benefit: f.diversificationBenefit,
    risk_score: riskScore(f),
    observations: returns.length,
  };
}
