/**
 * Calibration of the meta-learner's out-of-fold scores: isotonic regression
 * over bins of at least `minBin` rows (sorted by score), each bin weighted by
 * its size. Plain isotonic regression lets its top block shrink to a handful
 * of lucky rows and calibrate them to 1.0; with a month's trade outcome this
 * noisy, no score deserves more certainty than its ~1% of rows support.
 */
import { BadInputError } from '../../core/errors.ts';
import { pav, type IsotonicScaler } from '../../ml/calibrate/isotonic.ts';

/** Fit on scores and 0/1 labels; knots at the bins' mean scores. */
export function fitBinnedIsotonic(score: ArrayLike<number>, y: ArrayLike<number>, minBin: number): IsotonicScaler {
  const n = score.length;
  if (y.length !== n || n === 0) throw new BadInputError(`fitBinnedIsotonic: ${n} scores and ${y.length} labels`);
  const size = Math.max(1, Math.min(n, Math.floor(minBin)));
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (let a = 0; a < n; ) {
    // The last bin takes the remainder when it would be smaller than `size`; equal scores never straddle bins.
    let b = n - a < 2 * size ? n : a + size;
    while (b < n && score[idx[b]!] === score[idx[b - 1]!]) b++;
    let sx = 0;
    let sy = 0;
    for (let k = a; k < b; k++) {
      sx += score[idx[k]!]!;
      sy += y[idx[k]!]!;
    }
    xs.push(sx / (b - a));
    ys.push(sy / (b - a));
    ws.push(b - a);
    a = b;
  }
  const fitted = pav(ys, ws);
  return { kind: 'isotonic', x: xs, y: Array.from(fitted) };
}
