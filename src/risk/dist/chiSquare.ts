/** Chi-square distribution: cdf and upper tail via the incomplete gamma function. */
import { gammaP, gammaQ } from './gamma.ts';

/** P(X <= x) for chi-square with `df` degrees of freedom. */
export function chiSquareCdf(x: number, df: number): number {
  return x <= 0 ? 0 : gammaP(df / 2, x / 2);
}

/** P(X > x): the p-value of a chi-square statistic. */
export function chiSquareSf(x: number, df: number): number {
  return x <= 0 ? 1 : gammaQ(df / 2, x / 2);
}
