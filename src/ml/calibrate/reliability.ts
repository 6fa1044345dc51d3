/**
 * Reliability tables and expected calibration error: predictions are grouped
 * into equal-width probability bins; in a calibrated model each bin's mean
 * prediction matches its observed frequency. ECE = sum_b (n_b / n) |freq_b - conf_b|.
 */
import { BadInputError } from '../../core/errors.ts';

/** One bin of a reliability table. */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** Mean predicted probability in the bin (NaN when empty). */
  meanPredicted: number;
  /** Observed frequency of the positive class (NaN when empty). */
  observed: number;
}

/** Reliability table over `bins` equal-width bins of [0, 1]. */
export function reliabilityTable(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  if (y.length !== p.length) throw new BadInputError(`reliabilityTable: ${y.length} labels but ${p.length} predictions`);
  const cnt = new Float64Array(bins);
  const sp = new Float64Array(bins);
  const sy = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i]! * bins)));
    cnt[b]++;
    sp[b] += p[i]!;
    sy[b] += y[i]!;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lo: b / bins,
    hi: (b + 1) / bins,
    count: cnt[b]!,
    meanPredicted: cnt[b] ? sp[b]! / cnt[b]! : NaN,
    observed: cnt[b] ? sy[b]! / cnt[b]! : NaN,
  }));
}

/** Expected calibration error over equal-width bins. */
export function expectedCalibrationError(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): number {
  const t = reliabilityTable(y, p, bins);
  let e = 0;
  for (const b of t) if (b.count > 0) e += (b.count / p.length) * Math.abs(b.observed - b.meanPredicted);
  return e;
}
