import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { ksTest2, kolmogorovCdf } from './ks.ts';
import { psi } from './psi.ts';
import { driftReport } from './drift.ts';

/** Exact null distribution of D by enumerating every split of m + n ranks (independent of the lattice algorithm). */
function bruteForceP(m: number, n: number, dObs: number): number {
  let total = 0;
  let hits = 0;
  const N = m + n;
  for (let mask = 0; mask < 1 << N; mask++) {
    let bits = 0;
    for (let b = 0; b < N; b++) if (mask & (1 << b)) bits++;
    if (bits !== m) continue;
    total++;
    let fx = 0;
    let fy = 0;
    let d = 0;
    for (let b = 0; b < N; b++) {
      if (mask & (1 << b)) fx++;
      else fy++;
      d = Math.max(d, Math.abs(fx / m - fy / n));
    }
    if (d >= dObs - 1e-12) hits++;
  }
  return hits / total;
}

describe('two-sample KS', () => {
  it('matches R: ks.test(1:3, 4:6) gives D = 1, p = 0.1', () => {
    const r = ksTest2([1, 2, 3], [4, 5, 6]);
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeCloseTo(0.1, 14);
    expect(r.method).toBe('exact');
  });
  it('exact p-values equal the enumerated null distribution', () => {
    const rng = new Rng(3);
    for (const [m, n] of [
      [4, 5],
      [6, 6],
      [5, 9],
      [7, 8],
    ] as const) {
      for (let rep = 0; rep < 3; rep++) {
        const x = Array.from({ length: m }, () => rng.normal());
        const y = Array.from({ length: n }, () => rng.normal() + 0.8);
        const r = ksTest2(x, y);
        expect(r.pValue).toBeCloseTo(bruteForceP(m, n, r.statistic), 12);
      }
    }
  });
  it('asymptotic p-values for large samples and the Kolmogorov limit', () => {
    // Known quantiles of the Kolmogorov distribution: K(1.3581) = 0.95, K(1.6276) = 0.99.
    expect(kolmogorovCdf(1.3580986393225505)).toBeCloseTo(0.95, 8);
    expect(kolmogorovCdf(1.6276236115189771)).toBeCloseTo(0.99, 8);
    expect(kolmogorovCdf(0.5)).toBeCloseTo(0.036055, 5);
    const rng = new Rng(9);
    const x = Array.from({ length: 400 }, () => rng.normal());
    const y = Array.from({ length: 300 }, () => rng.normal());
    const r = ksTest2(x, y);
    expect(r.method).toBe('asymptotic');
    expect(r.pValue).toBeGreaterThan(0.01);
    const shifted = ksTest2(x, y.map((v) => v + 0.5));
    expect(shifted.pValue).toBeLessThan(1e-6);
  });
});

describe('PSI and drift report', () => {
  it('PSI is ~0 for the same distribution and large for a shift', () => {
    const rng = new Rng(1);
    const ref = Array.from({ length: 5000 }, () => rng.normal());
    const same = Array.from({ length: 5000 }, () => rng.normal());
    const moved = Array.from({ length: 5000 }, () => rng.normal() + 1);
    expect(psi(ref, same).psi).toBeLessThan(0.02);
    expect(psi(ref, moved).psi).toBeGreaterThan(0.25);
  });
  it('raises an alert only for the drifted feature', () => {
    const rng = new Rng(2);
    const col = (shift: number, n: number): Float64Array => Float64Array.from({ length: n }, () => rng.normal() + shift);
    const rep = driftReport(
      new Map([
        ['a', col(0, 2000)],
        ['b', col(0, 2000)],
      ]),
      new Map([
        ['a', col(0, 500)],
        ['b', col(0.8, 500)],
      ]),
    );
    expect(rep.features.find((f) => f.feature === 'a')!.status).toBe('stable');
    expect(rep.features.find((f) => f.feature === 'b')!.status).toBe('alert');
    expect(rep.alert).toBe(true);
    expect(rep.alerts[0]).toMatch(/^b: PSI/);
  });
});
