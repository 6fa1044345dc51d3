/**
 * Classification metrics over label and prediction arrays: accuracy,
 * precision/recall/F1 for a positive class, log loss and Brier score.
 */
import { BadInputError } from '../../core/errors.ts';

function sameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) throw new BadInputError(`${what}: ${a.length} labels but ${b.length} predictions`);
  if (a.length === 0) throw new BadInputError(`${what}: no rows`);
}

/** Fraction of predicted labels equal to the true labels. */
export function accuracy(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  sameLength(y, pred, 'accuracy');
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === pred[i]) ok++;
  return ok / y.length;
}

/** Precision, recall and F1 of one class (0 when undefined, as scikit-learn's zero_division=0). */
export interface PrecisionRecall {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Precision/recall/F1 for `positive` (default 1). */
export function precisionRecallF1(y: ArrayLike<number>, pred: ArrayLike<number>, positive = 1): PrecisionRecall {
  sameLength(y, pred, 'precisionRecallF1');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const t = y[i] === positive;
    const p = pred[i] === positive;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, support: tp + fn };
}

/** Mean binary cross-entropy of probabilities (clipped to [eps, 1-eps] like scikit-learn). */
export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>, eps = 1e-15): number {
  sameLength(y, p, 'logLoss');
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(1 - eps, Math.max(eps, p[i]!));
    s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return s / y.length;
}

/** Mean squared difference between probability and 0/1 outcome. */
export function brierScore(y: ArrayLike<number>, p: ArrayLike<number>): number {
  sameLength(y, p, 'brierScore');
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i]! - y[i]!) ** 2;
  return s / y.length;
}

/** Threshold probabilities into 0/1 labels. */
export function toLabels(p: ArrayLike<number>, threshold = 0.5): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = p[i]! >= threshold ? 1 : 0;
  return out;
}
