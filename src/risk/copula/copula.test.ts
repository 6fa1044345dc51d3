import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { empiricalTailDependence, fitCopula, gammaVariate, simulateCopula, tailDependence } from './copula.ts';
import { kendallTau, pseudoObs } from './pseudoObs.ts';
import { riskFeatures } from '../features.ts';
import { readNumericCsv, toReturns } from '../io.ts';

describe('pseudo-observations and Kendall tau', () => {
  it('ranks with ties averaged', () => {
    expect(Array.from(pseudoObs([3, 1, 2, 2]))).toEqual([4 / 5, 1 / 5, 2.5 / 5, 2.5 / 5]);
    expect(kendallTau([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 15);
  });
});

describe('copulas', () => {
  it('tail dependence of the t copula matches the closed form (df=1 is Cauchy)', () => {
    // df = 1: lambda = 2 * T_2(-sqrt(2 (1 - rho) / (1 + rho))); at rho = 0.5 -> 2 * T_2(-sqrt(2/3)).
    const x = -Math.sqrt(2 / 3);
    expect(tailDependence('t', 0.5, 1)).toBeCloseTo(2 * (0.5 + x / (2 * Math.sqrt(2 + x * x))), 14);
    expect(tailDependence('gaussian', 0.9)).toBe(0);
  });
  it('recovers correlation and df from a simulated t copula', () => {
    const rng = new Rng(21);
    const truth = { family: 't' as const, d: 2, corr: Float64Array.from([1, 0.6, 0.6, 1]), df: 4, loglik: 0, n: 0 };
    const u = simulateCopula(truth, 1500, rng);
    const t = fitCopula(u, 't');
    expect(t.corr[1]).toBeCloseTo(0.6, 1);
    expect(t.df).toBeGreaterThan(2.5);
    expect(t.df).toBeLessThan(7);
    const g = fitCopula(u, 'gaussian');
    expect(t.loglik).toBeGreaterThan(g.loglik);
    const emp = empiricalTailDependence(u[0]!, u[1]!);
    expect(emp.lower).toBeGreaterThan(0.15);
  });
  it('gamma variates have the right mean and variance', () => {
    const rng = new Rng(8);
    let s = 0;
    let s2 = 0;
    const n = 40000;
    for (let i = 0; i < n; i++) {
      const g = gammaVariate(2.5, rng);
      s += g;
      s2 += g * g;
    }
    expect(s / n).toBeCloseTo(2.5, 1);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(2.5, 0);
  });
});

describe('risk features', () => {
  it('computes the eight features for a Dow stock against two benchmarks', () => {
    const tbl = readNumericCsv(new URL('../../../data/sample/dowjones30.csv', import.meta.url).pathname, ['AA', 'GE', 'IBM']);
    const r = (s: string): Float64Array => toReturns(tbl.columns.get(s)!, true);
    const f = riskFeatures(r('AA'), { GE: r('GE'), IBM: r('IBM') });
    expect(f.annualisedVol).toBeCloseTo(f.forecastVol * Math.sqrt(252), 12);
    expect(f.currentVol).toBeGreaterThan(0);
    expect(['low', 'normal', 'high']).toContain(f.volRegime);
    expect(f.corr.GE).toBeGreaterThan(0.1);
    expect(f.corr.GE).toBeLessThan(0.9);
    expect(f.diversificationBenefit).toBeGreaterThan(0);
    expect(f.diversificationBenefit).toBeLessThan(1);
    expect(f.lowerTail).toBeGreaterThanOrEqual(0);
    expect(f.upperTail).toBeLessThanOrEqual(1);
  });
  it('reads numeric CSVs with clear errors', () => {
    expect(() => readNumericCsv(new URL('../../../data/sample/dem2gbp.csv', import.meta.url).pathname, ['nope'])).toThrow(/dem2gbp.csv line 1: nope: no such column/);
  });
});
