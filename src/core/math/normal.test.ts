import { describe, expect, it } from 'vitest';
import { normCdf, normPdf, normQuantile } from './normal.ts';

describe('normal distribution', () => {
  it('matches published CDF values', () => {
    // R: pnorm(c(-5, -1.96, 0, 1, 2.5, 8))
    const cases: [number, number][] = [
      [-5, 2.866515718791939e-7],
      [-1.96, 0.024997895148220435],
      [0, 0.5],
      [1, 0.8413447460685429],
      [2.5, 0.9937903346742238],
      [-8, 6.22096057427178e-16],
    ];
    for (const [x, p] of cases) expect(Math.abs(normCdf(x) - p) / p).toBeLessThan(1e-13);
  });

  it('quantile inverts the CDF', () => {
    for (const p of [1e-12, 1e-6, 0.01, 0.025, 0.3, 0.5, 0.77, 0.975, 0.999999]) {
      expect(Math.abs(normCdf(normQuantile(p)) - p) / p).toBeLessThan(1e-12);
    }
    expect(normQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
  });

  it('density at 0 is 1/sqrt(2 pi)', () => {
    expect(normPdf(0)).toBeCloseTo(0.3989422804014327, 15);
  });
});
