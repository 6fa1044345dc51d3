/**
 * Cross-validation of the grid on one fold. Points that differ only in
 * n_estimators share one booster: it is trained once to the largest count and
 * scored at each smaller count by its first trees (boosting is sequential, so a
 * 100-tree model is exactly the first 100 trees of a 200-tree one).
 */
import { BadInputError } from '../../core/errors.ts';
import { takeRows, takeValues } from '../../ml/data.ts';
import { accuracy, brierScore, logLoss, toLabels } from '../../ml/metrics/classification.ts';
import { rocAuc } from '../../ml/metrics/rocAuc.ts';
import { gbdtPredict, trainGbdt, type GbdtModel, type GbdtParams } from '../../ml/tree/gbdt.ts';
import { timeSeriesSplit } from '../../ml/validate/timeSeriesSplit.ts';
import type { TrainingSet } from './dataset.ts';
import type { GridPoint } from './trainingGrid.ts';

/** Booster settings besides the grid: deterministic, XGBoost's hist defaults otherwise. */
export const BASE_PARAMS: Partial<GbdtParams> = { objective: 'binary', seed: 7, maxBins: 64 };

/** Train rows (purged) and test rows of one fold. */
export interface TrainingFold {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Time-series split into `k` folds; `embargo` rows are left out before each
 * test block and training rows whose trade exits at or after the test block's
 * first signal bar are purged.
 */
export function trainingFolds(set: TrainingSet, k: number, embargo: number): TrainingFold[] {
  const folds = timeSeriesSplit(set.y.length, { nSplits: k, gap: embargo });
  return folds.map((f) => {
    const firstTest = set.t0[f.test[0]!]!;
    const train = Int32Array.from(Array.from(f.train).filter((i) => set.t1[i]! < firstTest));
    if (train.length < 10) throw new BadInputError(`fold of ${f.test.length} test rows keeps only ${train.length} training rows after purging; use fewer folds or more data`);
    return { train, test: f.test };
  });
}

/** Validation metrics of one point on one fold. */
export interface PointMetrics {
  logloss: number;
  auc: number | null;
  accuracy: number;
  brier: number;
}

/** What a finished fold stores (the checkpoint). */
export interface FoldResult {
  fold: number;
  n_train: number;
  n_test: number;
  positives_test: number;
  /** Metrics per grid point, in grid order. */
  points: PointMetrics[];
  /** Test-row probabilities per grid point, in grid order. */
  pred: number[][];
}

/** The same model cut to its first `rounds` boosting rounds. */
export function truncate(m: GbdtModel, rounds: number): GbdtModel {
  if (rounds >= m.rounds) return m;
  return { ...m, trees: m.trees.slice(0, rounds * m.groups), treeGroup: m.treeGroup.slice(0, rounds * m.groups), rounds, validLoss: m.validLoss.slice(0, rounds) };
}

/** Booster parameters of a grid point. */
export function gbdtParamsOf(p: GridPoint): Partial<GbdtParams> {
  return { ...BASE_PARAMS, rounds: p.n_estimators, maxDepth: p.max_depth, learningRate: p.learning_rate };
}

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Score every grid point on one fold. Between boosters it yields to the event
 * loop (progress timers, cancellation) and stops early when `shouldStop` says so
 * (returning null: an unfinished fold is never stored). `onRound` is called
 * after every boosting round (progress).
 */
export async function fitFold(set: TrainingSet, fold: TrainingFold, k: number, points: readonly GridPoint[], shouldStop: () => boolean = () => false, onRound?: () => void): Promise<FoldResult | null> {
  const Xtr = takeRows(set.X, fold.train);
  const ytr = takeValues(set.y, fold.train);
  const Xte = takeRows(set.X, fold.test);
  const yte = takeValues(set.y, fold.test);
  const out: FoldResult = { fold: k, n_train: fold.train.length, n_test: fold.test.length, positives_test: yte.reduce((a, b) => a + b, 0), points: [], pred: [] };
  const groups = new Map<string, number[]>();
  points.forEach((p, i) => {
    const key = `${p.max_depth}/${p.learning_rate}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const metrics: PointMetrics[] = new Array<PointMetrics>(points.length);
  const pred: number[][] = new Array<number[]>(points.length);
  for (const members of groups.values()) {
    if (shouldStop()) return null;
    const most = Math.max(...members.map((i) => points[i]!.n_estimators));
    // Rounds tick too, so progress reports keep their interval while a large booster trains.
    const model = trainGbdt(Xtr, ytr, gbdtParamsOf({ ...points[members[0]!]!, n_estimators: most }), onRound ? { onRound: () => onRound() } : {});
    for (const i of members) {
      const p = gbdtPredict(truncate(model, points[i]!.n_estimators), Xte);
      const auc = rocAuc(yte, p);
      metrics[i] = { logloss: logLoss(yte, p), auc: Number.isNaN(auc) ? null : auc, accuracy: accuracy(yte, toLabels(p)), brier: brierScore(yte, p) };
      pred[i] = Array.from(p);
    }
    await yieldNow();
  }
  out.points = metrics;
  out.pred = pred;
  return out;
}
