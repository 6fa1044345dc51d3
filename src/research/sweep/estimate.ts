/**
 * How long a sweep would take, before it exists: load the model's bars, time a
 * few combinations on this thread (as runSweep does when it starts), and scale
 * by the evaluations the plan needs and the queue's workers.
 */
import { BadInputError } from '../../core/errors.ts';
import type { ModelSpec } from '../../strategy/models/modelSpec.ts';
import { evaluateConfig, loadEvalContext } from '../../strategy/packs/evaluate.ts';
import { walkForwardFolds } from './runSweep.ts';
import type { SweepPlan } from './sweepStore.ts';

/** A sweep's size and estimated runtime. */
export interface SweepEstimate {
  combinations: number;
  /** Walk-forward folds (0 for a plain sweep). */
  folds: number;
  /** Configurations evaluated in all: combinations per fold plus each fold's out-of-sample run. */
  evaluations: number;
  windowBars: number;
  estimatedSeconds: number;
}

/** Estimate `plan` on a queue of `workers`; a walk-forward longer than the data window is a bad input naming `walkForward`. */
export async function estimateSweep(spec: ModelSpec, plan: Pick<SweepPlan, 'combos' | 'walkForward'>, workers: number): Promise<SweepEstimate> {
  const ctx = await loadEvalContext(spec);
  const windowBars = ctx.bars.close.length - ctx.from;
  const wf = plan.walkForward;
  const folds = wf ? walkForwardFolds(windowBars, wf.is_bars, wf.oos_bars) : [];
  if (wf && folds.length === 0) throw new BadInputError(`walkForward: needs ${wf.is_bars + wf.oos_bars} bars, the window has ${windowBars}`, { field: 'walkForward' });
  const range: [number, number] = folds[0]?.is ?? [0, windowBars];
  const probe = Math.min(3, plan.combos.length);
  const t0 = performance.now();
  for (let i = 0; i < probe; i++) evaluateConfig(ctx, plan.combos[i]!, ...range);
  const perCombo = probe > 0 ? (performance.now() - t0) / probe / 1000 : 0;
  const evaluations = (wf ? folds.length : 1) * plan.combos.length + folds.length;
  return { combinations: plan.combos.length, folds: folds.length, evaluations, windowBars, estimatedSeconds: (perCombo * evaluations) / Math.max(1, workers) };
}
