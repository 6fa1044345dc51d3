/** Create a training from a finished sweep's leaderboard (CLI and API share this). */
import { join, resolve } from 'node:path';
import type { Store } from '../../adapters/store/store.ts';
import { getSweep } from '../sweep/sweepStore.ts';
import { selectConfigs } from './selectConfigs.ts';
import { DEFAULT_EMBARGO_DAYS, DEFAULT_FOLDS, DEFAULT_TRAINING_GRID, type TrainingGrid } from './trainingGrid.ts';
import { createTraining, type TrainingRecord } from './trainingStore.ts';

/** What to train. */
export interface TrainingRequest {
  userId: string;
  sweepId: string;
  /** Leaderboard ranks. */
  ranks: number[];
  /** MODEL_DIR: artifacts go to `<modelDir>/trainings/<id>`. */
  modelDir: string;
  grid?: TrainingGrid;
  folds?: number;
  embargoDays?: number;
  /** Evaluation window in years (default: the model's data.years). */
  years?: number;
}

/** Validate the selection and store a pending training; returns it with any warnings. */
export async function newTraining(store: Store, req: TrainingRequest): Promise<{ training: TrainingRecord; warnings: string[] }> {
  const sw = await getSweep(store, req.sweepId);
  const { configs, warnings } = selectConfigs(sw, req.ranks);
  const spec = req.years === undefined ? sw.spec : { ...sw.spec, data: { ...sw.spec.data, years: req.years } };
  const plan = { spec, configs, grid: req.grid ?? DEFAULT_TRAINING_GRID, folds: req.folds ?? DEFAULT_FOLDS, embargo_days: req.embargoDays ?? DEFAULT_EMBARGO_DAYS };
  const root = resolve(req.modelDir, 'trainings');
  const training = await createTraining(store, req.userId, sw.id, sw.modelId, plan, (id) => join(root, id), warnings);
  return { training, warnings };
}
