/**
 * The boosted-tree grid a training sweeps and the validation it uses:
 * n_estimators [100, 200] x max_depth [3, 5, 7] x learning_rate [0.01, 0.1],
 * time-series split with 5 folds and a 1-day embargo.
 */
import { z } from 'zod';

/** Hyper-parameter axes (XGBoost names). */
export const TrainingGridSchema = z.strictObject({
  n_estimators: z.array(z.number().int().min(1).max(5000)).min(1),
  max_depth: z.array(z.number().int().min(1).max(16)).min(1),
  learning_rate: z.array(z.number().gt(0).max(1)).min(1),
});
export type TrainingGrid = z.infer<typeof TrainingGridSchema>;

/** The default grid (12 points). */
export const DEFAULT_TRAINING_GRID: TrainingGrid = { n_estimators: [100, 200], max_depth: [3, 5, 7], learning_rate: [0.01, 0.1] };

/** Validation defaults: time-series split, 5 folds, 1-day embargo. */
export const DEFAULT_FOLDS = 5;
export const DEFAULT_EMBARGO_DAYS = 1;

/** One grid point. */
export interface GridPoint {
  n_estimators: number;
  max_depth: number;
  learning_rate: number;
}

/** Every point, in a fixed order (n_estimators fastest, so points sharing a booster are adjacent). */
export function gridPoints(g: TrainingGrid): GridPoint[] {
  const out: GridPoint[] = [];
  for (const max_depth of g.max_depth) for (const learning_rate of g.learning_rate) for (const n_estimators of [...g.n_estimators].sort((a, b) => a - b)) out.push({ n_estimators, max_depth, learning_rate });
  return out;
}

/** A stable label for a point. */
export function pointKey(p: GridPoint): string {
  return `n${p.n_estimators}_d${p.max_depth}_lr${p.learning_rate}`;
}
