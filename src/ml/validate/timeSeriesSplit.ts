/**
 * Time-series cross-validation (scikit-learn's TimeSeriesSplit): test blocks
 * move forward in time; training data always precede the test block, with
 * `gap` rows dropped between them so labels that look ahead cannot leak.
 * Expanding windows keep all history; rolling windows keep the last trainSize rows.
 */
import { BadInputError } from '../../core/errors.ts';
import { range, type Fold } from './fold.ts';

/** Options for timeSeriesSplit. */
export interface TimeSeriesSplitOptions {
  nSplits: number;
  mode?: 'expanding' | 'rolling';
  /** Rows per test block (default n / (nSplits + 1)). */
  testSize?: number;
  /** Rows of training data for rolling mode (default: as many as the first fold has). */
  trainSize?: number;
  /** Rows dropped between the end of training and the start of testing. */
  gap?: number;
}

/** Folds over n time-ordered rows. */
export function timeSeriesSplit(n: number, o: TimeSeriesSplitOptions): Fold[] {
  const k = o.nSplits;
  const gap = o.gap ?? 0;
  if (!(Number.isInteger(k) && k >= 1)) throw new BadInputError(`timeSeriesSplit: nSplits must be a positive integer (got ${k})`);
  if (!(Number.isInteger(gap) && gap >= 0)) throw new BadInputError(`timeSeriesSplit: gap must be a non-negative integer (got ${gap})`);
  const testSize = o.testSize ?? Math.floor(n / (k + 1));
  const firstTestStart = n - k * testSize;
  if (testSize < 1 || firstTestStart - gap < 1) {
    throw new BadInputError(`timeSeriesSplit: ${n} rows are too few for ${k} splits of ${testSize} test rows with gap ${gap}`);
  }
  const trainSize = o.trainSize ?? firstTestStart - gap;
  const folds: Fold[] = [];
  for (let s = 0; s < k; s++) {
    const testStart = firstTestStart + s * testSize;
    const trainEnd = testStart - gap;
    const trainStart = o.mode === 'rolling' ? Math.max(0, trainEnd - trainSize) : 0;
    folds.push({ train: range(trainStart, trainEnd), test: range(testStart, testStart + testSize) });
  }
  return folds;
}
