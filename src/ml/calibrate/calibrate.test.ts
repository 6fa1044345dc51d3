import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { applyIsotonic, fitIsotonic, pav } from './isotonic.ts';
import { applyPlatt, fitPlatt } from './platt.ts';
import { expectedCalibrationError, reliabilityTable } from './reliability.ts';

function sample(n: number, seed: number): { f: Float64Array; y: Float64Array } {
  const r = new Rng(seed);
  const f = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    f[i] = r.normal() * 2;
    y[i] = r.next() < 1 / (1 + Math.exp(-(1.7 * f[i]! - 0.6))) ? 1 : 0;
  }
  return { f, y };
}

describe('calibration', () => {
  it('Platt recovers the generating sigmoid and lowers ECE of raw scores', () => {
    const { f, y } = sample(20000, 1);
    const s = fitPlatt(f, y);
    expect(s.a).toBeCloseTo(-1.7, 1);
    expect(s.b).toBeCloseTo(0.6, 1);
    const raw = f.map((v) => 1 / (1 + Math.exp(-v)));
    expect(expectedCalibrationError(y, applyPlatt(s, f))).toBeLessThan(0.02);
    expect(expectedCalibrationError(y, raw)).toBeGreaterThan(0.05);
  });

  it('PAV pools adjacent violators (textbook example)', () => {
    expect(Array.from(pav([1, 3, 2, 4, 3, 5]))).toEqual([1, 2.5, 2.5, 3.5, 3.5, 5]);
    expect(Array.from(pav([3, 2, 1]))).toEqual([2, 2, 2]);
  });

  it('isotonic calibration is monotone, interpolates and clips', () => {
    const s = fitIsotonic([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0, 1, 0, 0, 1, 1]);
    const p = applyIsotonic(s, [0, 0.1, 0.25, 0.45, 0.6, 1]);
    expect(p[0]).toBe(0);
    expect(p[5]).toBe(1);
    for (let i = 1; i < p.length; i++) expect(p[i]!).toBeGreaterThanOrEqual(p[i - 1]!);
    expect(p[2]).toBeCloseTo(1 / 3, 12);
    const { f, y } = sample(20000, 2);
    const raw = f.map((v) => 1 / (1 + Math.exp(-v)));
    expect(expectedCalibrationError(y, applyIsotonic(fitIsotonic(raw, y), raw))).toBeLessThan(0.01);
  });

  it('reliability table and ECE by hand', () => {
    const t = reliabilityTable([0, 1, 1, 1], [0.05, 0.15, 0.95, 0.85], 2);
    expect(t.map((b) => [b.count, Number(b.meanPredicted.toFixed(12)), b.observed])).toEqual([
      [2, 0.1, 0.5],
      [2, 0.9, 1],
    ]);
    expect(expectedCalibrationError([0, 1, 1, 1], [0.05, 0.15, 0.95, 0.85], 2)).toBeCloseTo(0.5 * 0.4 + 0.5 * 0.1, 12);
  });
});
