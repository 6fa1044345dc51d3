import { describe, expect, it } from 'vitest';
import { digamma, gammaP, logGamma } from './gamma.ts';
import { incBeta } from './beta.ts';
import { tCdf, tQuantile } from './studentT.ts';
import { chiSquareCdf, chiSquareSf } from './chiSquare.ts';

describe('special functions', () => {
  it('log-gamma and digamma match closed forms', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 13);
    expect(digamma(0.5)).toBeCloseTo(-0.5772156649015329 - 2 * Math.LN2, 13);
  });
  it('incomplete beta and gamma match closed forms', () => {
    // I_x(1, b) = 1 - (1-x)^b ; I_x(a, 1) = x^a ; P(1, x) = 1 - e^-x
    expect(incBeta(0.3, 1, 4)).toBeCloseTo(1 - 0.7 ** 4, 14);
    expect(incBeta(0.3, 2.5, 1)).toBeCloseTo(0.3 ** 2.5, 14);
    expect(gammaP(1, 2.5)).toBeCloseTo(1 - Math.exp(-2.5), 14);
  });
});

describe('Student-t', () => {
  it('cdf matches closed forms for df 1, 2, 3', () => {
    for (const x of [-7, -2, -0.3, 0, 0.5, 1.7, 12]) {
      expect(tCdf(x, 1)).toBeCloseTo(0.5 + Math.atan(x) / Math.PI, 14);
      expect(tCdf(x, 2)).toBeCloseTo(0.5 + x / (2 * Math.sqrt(2 + x * x)), 14);
      const u = x / Math.sqrt(3);
      expect(tCdf(x, 3)).toBeCloseTo(0.5 + (u / (1 + u * u) + Math.atan(u)) / Math.PI, 14);
    }
  });
  it('quantiles match R qt()', () => {
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 12);
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.70620473617471, 10);
    expect(tQuantile(0.95, 2)).toBeCloseTo(2.919985580353726, 12);
    expect(tQuantile(0.01, 4.5)).toBeCloseTo(-tQuantile(0.99, 4.5), 13);
    for (const p of [1e-6, 0.01, 0.3, 0.77, 0.999]) expect(tCdf(tQuantile(p, 7.3), 7.3)).toBeCloseTo(p, 14);
  });
});

describe('chi-square', () => {
  it('matches R pchisq()', () => {
    expect(chiSquareCdf(3.841458820694124, 1)).toBeCloseTo(0.95, 13);
    expect(chiSquareCdf(9.21034037197618, 2)).toBeCloseTo(0.99, 13);
    expect(chiSquareSf(6.634896601021214, 1)).toBeCloseTo(0.01, 13);
  });
});
