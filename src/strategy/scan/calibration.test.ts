import { describe, expect, it } from 'vitest';
import { applyIsotonic } from '../../ml/calibrate/isotonic.ts';
import { fitBinnedIsotonic } from './calibration.ts';

describe('binned isotonic calibration', () => {
  it('averages bins of at least minBin rows, pools violators by weight, and never gives a tiny top block 1.0', () => {
    const score = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    const y = [0, 0, 1, 1, 0, 0, 1, 1, 1];
    // Bins of 3: [0.1 0.2 0.3] -> 1/3, [0.4 0.5 0.6] -> 1/3, [0.7 0.8 0.9] -> 1.
    const c = fitBinnedIsotonic(score, y, 3);
    expect(c.x.map((v) => Math.round(v * 1e12) / 1e12)).toEqual([0.2, 0.5, 0.8]);
    expect(c.y).toEqual([1 / 3, 1 / 3, 1]);
    // A violation is pooled with the sizes as weights: bins (4 rows: 3/4), (5 rows: 2/5) -> 5/9 both.
    const d = fitBinnedIsotonic(score, [0, 1, 1, 1, 0, 1, 0, 1, 0], 4);
    expect(d.y).toEqual([5 / 9, 5 / 9]);
    // Plain isotonic would call the top row certain; bins of 4 cap it at its bin's rate.
    const e = fitBinnedIsotonic(score, [0, 0, 0, 1, 0, 1, 0, 0, 1], 4);
    expect(Math.max(...applyIsotonic(e, [0.95]))).toBeCloseTo(2 / 5, 15);
    // Interpolates between bin centres and clips outside them.
    expect(applyIsotonic(c, [0.65, 0.05, 0.99])[0]).toBeCloseTo(1 / 3 + (0.15 / 0.3) * (2 / 3), 12);
  });
});
