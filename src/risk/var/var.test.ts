import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { cornishFisherVar, fhsVar, historicalVar, normalVar, portfolioReturns, positionVar } from './var.ts';
import { backtestVar, christoffersenIndependence, kupiecPof, rollingVar, varHits } from './backtest.ts';
import { fixedFractional, fractionalKelly, kellyBinary, kellyContinuous, volTargetWeight } from '../sizing.ts';

const dem = Float64Array.from(readFileSync(new URL('../../../data/sample/dem2gbp.csv', import.meta.url), 'utf8').trim().split('\n').slice(1).map(Number));

describe('VaR and ES', () => {
  it('historical VaR is the type-7 quantile and ES averages the tail', () => {
    const r = Float64Array.from({ length: 101 }, (_, i) => (i - 50) / 100); // -0.5..0.5
    const h = historicalVar(r, 0.95);
    expect(h.var).toBeCloseTo(0.45, 12);
    expect(h.es).toBeCloseTo(0.475, 12); // mean of -0.5..-0.45
  });
  it('normal VaR/ES match closed forms on N(0,1)-like moments', () => {
    const rng = new Rng(5);
    const r = Float64Array.from({ length: 200000 }, () => 0.01 * rng.normal());
    const n = normalVar(r, 0.99);
    expect(n.var).toBeCloseTo(0.0232635, 3);
    expect(n.es).toBeCloseTo(0.0266521, 3);
    const cf = cornishFisherVar(r, 0.99);
    expect(Math.abs(cf.var - n.var)).toBeLessThan(3e-4); // no skew or excess kurtosis -> normal
  });
  it('Cornish-Fisher and FHS exceed normal VaR for fat-tailed dem2gbp; ES >= VaR', () => {
    const n = normalVar(dem, 0.99);
    const cf = cornishFisherVar(dem, 0.99);
    const f = fhsVar(dem, 0.99);
    expect(cf.var).toBeGreaterThan(n.var);
    for (const v of [n, cf, f, historicalVar(dem, 0.99)]) expect(v.es).toBeGreaterThanOrEqual(v.var);
    expect(f.sigmaNext).toBeGreaterThan(0);
  });
  it('portfolio and position VaR', () => {
    const a = Float64Array.from([0.01, -0.02, 0.03]);
    const b = Float64Array.from([0.03, 0.02, -0.01]);
    const pr = portfolioReturns([a, b], [0.5, 0.5]);
    [0.02, 0, 0.01].forEach((v, i) => expect(pr[i]).toBeCloseTo(v, 15));
    expect(positionVar({ method: 'normal', level: 0.99, var: 0.02, es: 0.03 }, -1e6)).toEqual({ var: 20000, es: 30000 });
  });
});

describe('VaR backtests', () => {
  it('Kupiec POF matches the closed form (Jorion: 250 days, 99%, 8 exceptions)', () => {
    const k = kupiecPof(8, 250, 0.99);
    const lr = -2 * (242 * Math.log(0.99) + 8 * Math.log(0.01)) + 2 * (242 * Math.log(242 / 250) + 8 * Math.log(8 / 250));
    expect(k.lr).toBeCloseTo(lr, 10);
    expect(k.lr).toBeCloseTo(7.7336, 4);
    expect(k.pValue).toBeLessThan(0.01);
    expect(kupiecPof(2, 250, 0.99).pValue).toBeGreaterThan(0.5);
  });
  it('Christoffersen flags clustered exceptions, not scattered ones', () => {
    const clustered = new Uint8Array(500);
    for (let i = 100; i < 110; i++) clustered[i] = 1;
    const scattered = new Uint8Array(500);
    for (let i = 25; i < 500; i += 50) scattered[i] = 1;
    expect(christoffersenIndependence(clustered).pValue).toBeLessThan(1e-4);
    expect(christoffersenIndependence(scattered).pValue).toBeGreaterThan(0.3);
  });
  it('rolling historical VaR on dem2gbp passes Kupiec at 95%', () => {
    const window = 500;
    const v = rollingVar(dem, window, (w) => historicalVar(w, 0.95).var);
    const bt = backtestVar(varHits(dem.subarray(window), v), 0.95);
    expect(bt.n).toBe(dem.length - window);
    expect(bt.kupiec.pValue).toBeGreaterThan(0.01);
  });
});

describe('position sizing', () => {
  it('fixed fractional, vol target and capped fractional Kelly', () => {
    expect(fixedFractional(100000, 0.01, 50, 48)).toBe(500);
    expect(volTargetWeight(0.1, 0.2)).toBe(0.5);
    expect(volTargetWeight(0.3, 0.1, 2)).toBe(2);
    expect(kellyBinary(0.6, 1)).toBeCloseTo(0.2, 15);
    expect(kellyContinuous(0.08, 0.04)).toBeCloseTo(2, 15);
    expect(fractionalKelly(2, 0.5, 0.25)).toBe(0.25);
    expect(fractionalKelly(0.2, 0.5, 0.25)).toBeCloseTo(0.1, 15);
    expect(fractionalKelly(-0.3)).toBe(0);
    expect(() => fixedFractional(1000, 0.01, 10, 10)).toThrow(/entry != stop/);
  });
});
