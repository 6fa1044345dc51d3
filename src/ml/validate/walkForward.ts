/**
 * Walk-forward retraining: fit on a window, predict the next block, slide
 * forward by the block and refit; the out-of-sample predictions concatenate
 * into one honest series.
 */
import { BadInputError } from '../../core/errors.ts';
import { range, type Fold } from './fold.ts';

/** Options for walk-forward splits. */
export interface WalkForwardOptions {
  /** Rows in the first training window. */
  trainSize: number;
  /** Rows predicted per step (the retraining interval). */
  testSize: number;
  /** Rows skipped between training end and test start (label horizon). */
  gap?: number;
  /** Keep all history (true) or slide a fixed window (false). */
  expanding?: boolean;
}

/** The folds of a walk-forward run over n rows. */
export function walkForwardSplits(n: number, o: WalkForwardOptions): Fold[] {
  const gap = o.gap ?? 0;
  if (!(o.trainSize >= 1 && o.testSize >= 1 && gap >= 0)) throw new BadInputError('walkForward: trainSize and testSize must be >= 1, gap >= 0');
  if (o.trainSize + gap >= n) throw new BadInputError(`walkForward: ${n} rows leave nothing to test after ${o.trainSize} training rows and gap ${gap}`);
  const folds: Fold[] = [];
  for (let testStart = o.trainSize + gap; testStart < n; testStart += o.testSize) {
    const trainEnd = testStart - gap;
    const trainStart = o.expanding === false ? trainEnd - o.trainSize : 0;
    folds.push({ train: range(trainStart, trainEnd), test: range(testStart, Math.min(n, testStart + o.testSize)) });
  }
  return folds;
}

/**
 * Run walk-forward: for each fold call `fitPredict(train, test)` (which must
 * return one prediction per test row); returns predictions for every row,
 * NaN where no model had been trained yet.
 */
export function walkForward(n: number, o: WalkForwardOptions, fitPredict: (train: Int32Array, test: Int32Array) => ArrayLike<number>): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  for (const f of walkForwardSplits(n, o)) {
    const p = fitPredict(f.train, f.test);
    if (p.length !== f.test.length) throw new BadInputError(`walkForward: fitPredict returned ${p.length} predictions for ${f.test.length} rows`);
    for (let k = 0; k < f.test.length; k++) out[f.test[k]!] = p[k]!;
  }
  return out;
}
