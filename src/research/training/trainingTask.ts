/**
 * Training units as job-queue tasks, the same on every queue (inline, worker
 * threads, BullMQ): a (configuration, fold) of the cross-validated grid, and a
 * configuration's final refit. A task carries the model spec, the
 * configuration's parameters and the split settings; the worker rebuilds the
 * training set from them (deterministic: the bars come from the spec) and keeps
 * the last few sets, so the folds of a configuration build it once per worker.
 * Plain JSON in and out.
 */
import type { EvalContext } from '../../strategy/packs/evaluate.ts';
import type { ModelSpec } from '../../strategy/models/modelSpec.ts';
import type { StrategyParams } from '../../strategy/packs/schema.ts';
import { contextFor } from '../sweep/task.ts';
import { trainingSet, type TrainingSet } from './dataset.ts';
import type { FeatureBlock } from './features.ts';
import { fitFinal, type FinalFit } from './finalFit.ts';
import { fitFold, trainingFolds, type FoldResult, type TrainingFold } from './fitFold.ts';
import type { GridPoint } from './trainingGrid.ts';

/** One (configuration, fold): every grid point trained on the fold's purged training rows and scored on its test rows. */
export interface TrainingFoldTask {
  kind: 'trainingFold';
  /** The training it belongs to (logs and queue listings). */
  trainingId: string;
  spec: ModelSpec;
  params: StrategyParams;
  /** Position of the configuration in the plan. */
  config: number;
  fold: number;
  /** Folds of the split. */
  folds: number;
  /** Rows left out before each test block. */
  embargo: number;
  /** The grid, in grid order. */
  points: GridPoint[];
}

/** A finished (configuration, fold). */
export interface TrainingFoldResult {
  kind: 'trainingFold';
  config: number;
  result: FoldResult;
}

/** A configuration's final step: out-of-fold metrics of its best point and the refit on every row. */
export interface TrainingFinalTask {
  kind: 'trainingFinal';
  trainingId: string;
  spec: ModelSpec;
  params: StrategyParams;
  config: number;
  /** The best grid point. */
  point: GridPoint;
  /** Its out-of-fold probabilities, the folds' test rows in time order. */
  oof: number[];
}

/** The final step's result (the caller writes the registry). */
export interface TrainingFinalResult {
  kind: 'trainingFinal';
  config: number;
  fit: FinalFit;
}

/** True for a (configuration, fold) unit. */
export function isTrainingFoldTask(t: unknown): t is TrainingFoldTask {
  return (t as { kind?: unknown }).kind === 'trainingFold';
}

/** True for a final refit. */
export function isTrainingFinalTask(t: unknown): t is TrainingFinalTask {
  return (t as { kind?: unknown }).kind === 'trainingFinal';
}

// Feature matrices by score window, per evaluation context (configurations of a model share them).
const featureCache = new WeakMap<EvalContext, Map<number, FeatureBlock>>();
// The last few training sets of this worker, with their splits.
const SETS = 4;
const sets = new Map<string, Promise<{ set: TrainingSet; folds: Map<string, TrainingFold[]> }>>();

async function setFor(spec: ModelSpec, params: StrategyParams): Promise<{ set: TrainingSet; folds: Map<string, TrainingFold[]> }> {
  const key = JSON.stringify([spec, params]);
  let s = sets.get(key);
  if (!s) {
    if (sets.size >= SETS) sets.delete(sets.keys().next().value!);
    s = contextFor(spec).then((ctx) => {
      let features = featureCache.get(ctx);
      if (!features) featureCache.set(ctx, (features = new Map()));
      return { set: trainingSet(spec, ctx, params, features), folds: new Map<string, TrainingFold[]>() };
    });
    sets.set(key, s);
    s.catch(() => sets.delete(key));
  }
  return s;
}

/** The training set of a configuration and its split, as the task describes them. */
export async function taskSet(t: Pick<TrainingFoldTask, 'spec' | 'params'> & Partial<Pick<TrainingFoldTask, 'folds' | 'embargo'>>): Promise<{ set: TrainingSet; folds: TrainingFold[] }> {
  const s = await setFor(t.spec, t.params);
  if (t.folds === undefined || t.embargo === undefined) return { set: s.set, folds: [] };
  const key = `${t.folds}:${t.embargo}`;
  let folds = s.folds.get(key);
  if (!folds) s.folds.set(key, (folds = trainingFolds(s.set, t.folds, t.embargo)));
  return { set: s.set, folds };
}

/** Run a (configuration, fold); `cancelled` is polled between boosters (an unfinished fold rejects with an AbortError). */
export async function runTrainingFoldTask(task: TrainingFoldTask, cancelled: () => boolean = () => false): Promise<TrainingFoldResult> {
  const { set, folds } = await taskSet(task);
  const fold = folds[task.fold];
  if (!fold) throw new RangeError(`training ${task.trainingId}: no fold ${task.fold} of ${folds.length}`);
  const result = await fitFold(set, fold, task.fold, task.points, cancelled);
  if (!result) throw new DOMException('cancelled', 'AbortError');
  return { kind: 'trainingFold', config: task.config, result };
}

/** Run a configuration's final step. */
export async function runTrainingFinalTask(task: TrainingFinalTask): Promise<TrainingFinalResult> {
  const { set } = await taskSet(task);
  return { kind: 'trainingFinal', config: task.config, fit: fitFinal(set, task.point, task.oof, task.params.top_pct) };
}
