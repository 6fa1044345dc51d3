/**
 * Plain k-fold cross-validation, for data without time order only. Shuffled
 * k-fold on a time series trains on the future of its test rows (and on rows
 * whose labels overlap them), so it is refused with the reason and the honest
 * alternatives.
 */
import { Rng } from '../../core/rng.ts';
import { BadInputError, ErrorCode, TradepilotError } from '../../core/errors.ts';
import type { Fold } from './fold.ts';

/** Options for kFold. */
export interface KFoldOptions {
  k: number;
  shuffle?: boolean;
  seed?: number;
  /** True when rows are observations in time (the default: this is a trading system). */
  timeSeries?: boolean;
}

/** k folds; throws a LEAKAGE explanation for shuffled folds over a time series. */
export function kFold(n: number, o: KFoldOptions): Fold[] {
  const timeSeries = o.timeSeries ?? true;
  if (o.shuffle && timeSeries) {
    throw new TradepilotError(
      ErrorCode.BAD_INPUT,
      'shuffled k-fold refused for time series: random folds put future rows in the training set of past test rows and ' +
        'let overlapping labels leak across folds, so scores come out optimistic. Use timeSeriesSplit (expanding/rolling with a gap), ' +
        'purgedKFold with an embargo, or cpcv instead.',
      { remedy: ['timeSeriesSplit', 'purgedKFold', 'cpcv', 'walkForward'] },
    );
  }
  if (!(Number.isInteger(o.k) && o.k >= 2 && o.k <= n)) throw new BadInputError(`kFold: k must be an integer in 2..${n} (got ${o.k})`);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (o.shuffle) new Rng(o.seed ?? 0).shuffle(order);
  const folds: Fold[] = [];
  for (let f = 0; f < o.k; f++) {
    const a = Math.floor((f * n) / o.k);
    const b = Math.floor(((f + 1) * n) / o.k);
    const inTest = new Uint8Array(n);
    for (let i = a; i < b; i++) inTest[order[i]!] = 1;
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < n; i++) (inTest[i] ? test : train).push(i);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}
