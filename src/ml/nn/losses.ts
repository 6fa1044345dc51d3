/**
 * Losses with torch's definitions and default mean reduction, written with ops (so they
 * differentiate to any order).
 */
import { BadInputError } from '../../core/errors.ts';
import { abs, clamp, logSoftmax, mean, mul, neg, pick, scale, softplus, sub, sum, add } from './ops.ts';
import { type Tensor, fmtShape } from './tensor.ts';

/** How per-element losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';

function reduce(t: Tensor, r: Reduction): Tensor {
  return r === 'mean' ? mean(t) : r === 'sum' ? sum(t) : t;
}

function sameSize(pred: Tensor, target: Tensor, op: string): void {
  if (pred.size !== target.size) throw new BadInputError(`${op}: prediction ${fmtShape(pred.shape)} and target ${fmtShape(target.shape)} differ in size`);
}

/** Mean squared error (torch.nn.MSELoss). */
export function mseLoss(pred: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  sameSize(pred, target, 'mseLoss');
  const d = sub(pred, target);
  return reduce(mul(d, d), reduction);
}

/** Huber loss (torch.nn.HuberLoss): 0.5 d² for |d| <= delta, delta (|d| - delta/2) beyond. */
export function huberLoss(pred: Tensor, target: Tensor, delta = 1, reduction: Reduction = 'mean'): Tensor {
  sameSize(pred, target, 'huberLoss');
  if (!(delta > 0)) throw new BadInputError(`huberLoss: delta must be > 0, got ${delta}`);
  const d = sub(pred, target);
  // With c = clamp(d): 0.5 c² + delta (|d| - |c|) equals both branches and is smooth enough to differentiate twice.
  const c = clamp(d, -delta, delta);
  return reduce(add(scale(mul(c, c), 0.5), scale(sub(abs(d), abs(c)), delta)), reduction);
}

/** Cross-entropy of logits [N, C] against class indices (torch.nn.CrossEntropyLoss). */
export function crossEntropy(logits: Tensor, targets: Int32Array, reduction: Reduction = 'mean'): Tensor {
  if (logits.ndim !== 2) throw new BadInputError(`crossEntropy: logits must be [N, C], got ${fmtShape(logits.shape)}`);
  return reduce(neg(pick(logSoftmax(logits), targets)), reduction);
}

/** Binary cross-entropy on logits (torch.nn.BCEWithLogitsLoss): softplus(z) - z y, stable for any z. */
export function bceWithLogits(logits: Tensor, targets: Tensor, reduction: Reduction = 'mean'): Tensor {
  sameSize(logits, targets, 'bceWithLogits');
  return reduce(sub(softplus(logits), mul(logits, targets)), reduction);
}
