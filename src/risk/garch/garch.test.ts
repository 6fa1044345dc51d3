import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { fitGarch, numericHessian } from './fit.ts';
import { forecastVariance, longRunVariance, volRegime } from './forecast.ts';
import { garchLogLik } from './likelihood.ts';
import { paramLayout, type GarchSpec } from './spec.ts';

const dem = Float64Array.from(readFileSync(new URL('../../../data/sample/dem2gbp.csv', import.meta.url), 'utf8').trim().split('\n').slice(1).map(Number));

function sig(x: number, digits: number): string {
  return x.toPrecision(digits);
}

describe('GARCH(1,1) on dem2gbp (FCP benchmark, McCullough & Renfro 1998)', () => {
  const fit = fitGarch(dem);
  it('parameters to 6 significant digits, log-likelihood to 1e-4', () => {
    expect(sig(fit.mu, 6)).toBe(sig(-0.0061904083799, 6));
    expect(sig(fit.omega, 6)).toBe(sig(0.0107613978518, 6));
    expect(sig(fit.alpha, 6)).toBe(sig(0.15313406182, 6));
    expect(sig(fit.beta, 6)).toBe(sig(0.80597367031, 6));
    expect(Math.abs(fit.loglik - -1106.60788104129)).toBeLessThan(1e-4);
    expect(fit.converged).toBe(true);
  });
  it('Hessian and QMLE standard errors to 3 significant digits', () => {
    expect(Array.from(fit.se).map((x) => sig(x, 3))).toEqual([0.00846212, 0.00285271, 0.0265228, 0.0335527].map((x) => sig(x, 3)));
    expect(Array.from(fit.robustSe).map((x) => sig(x, 3))).toEqual([0.00918935, 0.00649319, 0.0535317, 0.0724614].map((x) => sig(x, 3)));
  });
  it('forecasts converge to the long-run variance', () => {
    const f = forecastVariance(fit, 500);
    expect(f[0]).toBeCloseTo(fit.nextVariance, 15);
    expect(f[499]!).toBeCloseTo(longRunVariance(fit), 8);
    expect(['low', 'normal', 'high']).toContain(volRegime(fit));
  });
});

describe('Student-t GARCH(1,1) on dem2gbp vs fGarch', () => {
  // fGarch only box-constrains the parameters; its estimate has alpha + beta = 1.009.
  const fit = fitGarch(dem, { dist: 't', constraint: 'positive' });
  it('within 1e-3 relative of fGarch', () => {
    const ref = { mu: 0.002248645, omega: 0.002319035, alpha: 0.12443791, beta: 0.88465327, shape: 4.1184263 };
    for (const [k, v] of Object.entries(ref)) expect(Math.abs((fit[k as keyof typeof ref] - v) / v), k).toBeLessThan(1e-3);
    expect(Math.abs((fit.loglik - -989.4083) / 989.4083)).toBeLessThan(1e-3);
  });
  it('with stationarity enforced the estimate stays inside the region', () => {
    const st = fitGarch(dem, { dist: 't' });
    expect(st.alpha + st.beta).toBeLessThan(1);
    expect(st.loglik).toBeLessThan(fit.loglik);
  });
});

describe('likelihood gradient', () => {
  const specs: GarchSpec[] = [
    { model: 'gjr', dist: 't', mean: 'constant', init: 'fcp', constraint: 'stationary' },
    { model: 'egarch', dist: 't', mean: 'constant', init: 'fcp', constraint: 'stationary' },
    { model: 'egarch', dist: 'normal', mean: 'zero', init: 'mci', constraint: 'stationary' },
  ];
  const thetas: Record<string, number[]> = {
    gjr: [0.01, 0.02, 0.08, 0.1, 0.8, 6],
    egarch: [0.01, -0.1, 0.2, -0.05, 0.9, 6],
    egarchz: [-0.1, 0.2, -0.05, 0.9],
  };
  it('exact gradient agrees with finite differences', () => {
    for (const spec of specs) {
      const lay = paramLayout(spec);
      const th = Float64Array.from(spec.mean === 'zero' ? thetas.egarchz! : thetas[spec.model]!);
      const g = new Float64Array(th.length);
      garchLogLik(spec, lay, th, dem, { grad: g });
      for (let j = 0; j < th.length; j++) {
        const x = Float64Array.from(th);
        const h = 1e-6 * Math.max(1, Math.abs(th[j]!));
        x[j] = th[j]! + h;
        const up = garchLogLik(spec, lay, x, dem);
        x[j] = th[j]! - h;
        const dn = garchLogLik(spec, lay, x, dem);
        expect(Math.abs(g[j]! - (up - dn) / (2 * h)), `${spec.model} ${lay.names[j]}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(g[j]!)));
      }
    }
  });
  it('Hessian is symmetric negative definite at the GJR optimum', () => {
    const spec: GarchSpec = { model: 'gjr', dist: 'normal', mean: 'constant', init: 'fcp', constraint: 'stationary' };
    const fit = fitGarch(dem, spec);
    const h = numericHessian(spec, paramLayout(spec), fit.theta, dem);
    for (let i = 0; i < 5; i++) expect(h[i * 5 + i]!).toBeLessThan(0);
    expect(fit.se.every((s) => s > 0)).toBe(true);
  });
});

describe('recovery on simulated data', () => {
  it('recovers GJR parameters of a long simulated series', () => {
    const rng = new Rng(7);
    const n = 8000;
    const y = new Float64Array(n);
    let h = 1;
    for (let t = 0; t < n; t++) {
      const e = Math.sqrt(h) * rng.normal();
      y[t] = 0.05 + e;
      h = 0.05 + (0.05 + (e < 0 ? 0.1 : 0)) * e * e + 0.85 * h;
    }
    const fit = fitGarch(y, { model: 'gjr' });
    expect(fit.alpha).toBeCloseTo(0.05, 1);
    expect(fit.gamma).toBeCloseTo(0.1, 1);
    expect(fit.beta).toBeCloseTo(0.85, 1);
  });
  it('rejects bad input clearly', () => {
    expect(() => fitGarch(new Float64Array(5))).toThrow(/at least 20/);
    expect(() => fitGarch(Float64Array.from({ length: 30 }, (_, i) => (i === 4 ? NaN : i)))).toThrow(/return 5/);
  });
});
