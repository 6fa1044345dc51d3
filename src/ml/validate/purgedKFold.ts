/**
 * Purged k-fold with embargo (Lopez de Prado, AFML 7.4): contiguous test
 * blocks; training keeps every other observation except those whose label
 * span overlaps the test block and the embargoed ones right after it.
 */
import { BadInputError } from '../../core/errors.ts';
import { range, type Fold } from './fold.ts';
import { purgedTrain, spansProblem, type LabelSpans } from './purge.ts';

/** Options for purgedKFold. */
export interface PurgedKFoldOptions {
  k: number;
  /** Embargo as a fraction of the observations (AFML's pct_embargo), e.g. 0.01. */
  embargoPct?: number;
}

/** k purged folds over observations with label spans [t0, t1]. */
export function purgedKFold(spans: LabelSpans, o: PurgedKFoldOptions): Fold[] {
  const n = spans.t0.length;
  const bad = spansProblem(spans);
  if (bad) throw new BadInputError(`purgedKFold: ${bad}`);
  if (!(Number.isInteger(o.k) && o.k >= 2 && o.k <= n)) throw new BadInputError(`purgedKFold: k must be an integer in 2..${n} (got ${o.k})`);
  const embargo = Math.ceil(n * (o.embargoPct ?? 0));
  const folds: Fold[] = [];
  for (let f = 0; f < o.k; f++) {
    const a = Math.floor((f * n) / o.k);
    const b = Math.floor(((f + 1) * n) / o.k) - 1;
    folds.push({ train: purgedTrain(spans, [[a, b]], embargo), test: range(a, b + 1) });
  }
  return folds;
}
