/**
 * The compute of a configuration's final step, apart from the registry writes:
 * out-of-fold metrics of the chosen grid point, the alert threshold, the refit
 * of that point on every row, its gain importance and sample predictions. Pure
 * and JSON-safe, so it runs on this thread or as a job-queue task with the same
 * result.
 */
import { accuracy, brierScore, logLoss, toLabels } from '../../ml/metrics/classification.ts';
import { rocAuc } from '../../ml/metrics/rocAuc.ts';
import { sha256 } from '../../ml/artifacts/registry.ts';
import { featureImportance, gbdtToJson, trainGbdt } from '../../ml/tree/gbdt.ts';
import type { TrainingSet } from './dataset.ts';
import { gbdtParamsOf } from './fitFold.ts';
import type { GridPoint } from './trainingGrid.ts';

/** Out-of-fold metrics of the best point over every test row. */
export interface OofMetrics {
  rows: number;
  logloss: number;
  auc: number | null;
  accuracy: number;
  brier: number;
}

/** What the final step computes for one configuration. */
export interface FinalFit {
  rows: number;
  positives: number;
  columns: string[];
  oof: OofMetrics;
  alert_threshold: number;
  importance: { feature: string; gain: number; share: number }[];
  sample_predictions: { time: string; p: number; label: number; ret: number }[];
  /**
   * The booster refitted on every row, as the JSON text of its GbdtJson: a
   * string crosses threads and Redis cheaply, and the registry writes it as is
   * (a model of a few hundred trees costs tens of ms to clone as objects).
   */
  classifier: string;
  /** Seconds the refit took (metadata only). */
  trainingSeconds: number;
  /** Hash of the training matrix and labels (registry metadata). */
  dataHash: string;
}

const SAMPLE = 20;

/**
 * Score the out-of-fold probabilities `oof` of `point` (the folds' test rows in
 * time order, which end the set) and refit the point on all rows.
 * `topPct` is the configuration's top-percent filter: the alert threshold is
 * the (1 - topPct) quantile of the out-of-fold probabilities.
 */
export function fitFinal(set: TrainingSet, point: GridPoint, oof: readonly number[], topPct: number): FinalFit {
  const n = set.y.length;
  const p = Float64Array.from(oof);
  const testStart = n - p.length;
  const yo = set.y.subarray(testStart, testStart + p.length);
  const auc = rocAuc(yo, p);
  const metrics: OofMetrics = { rows: p.length, logloss: logLoss(yo, p), auc: Number.isNaN(auc) ? null : auc, accuracy: accuracy(yo, toLabels(p)), brier: brierScore(yo, p) };
  const sorted = Float64Array.from(p).sort();
  const alertThreshold = sorted[Math.min(sorted.length - 1, Math.floor((1 - topPct) * sorted.length))]!;
  const t = performance.now();
  const model = trainGbdt(set.X, set.y, gbdtParamsOf(point));
  const seconds = (performance.now() - t) / 1000;
  const gain = featureImportance(model, 'gain');
  const totalGain = gain.reduce((a, b) => a + b, 0);
  const importance = set.columns.map((feature, j) => ({ feature, gain: gain[j]!, share: totalGain > 0 ? gain[j]! / totalGain : 0 })).sort((a, b) => b.gain - a.gain || a.feature.localeCompare(b.feature));
  const from = Math.max(0, p.length - SAMPLE);
  const samples = Array.from({ length: p.length - from }, (_, k) => {
    const i = testStart + from + k;
    return { time: new Date(set.time[i]!).toISOString(), p: p[from + k]!, label: set.y[i]!, ret: set.ret[i]! };
  });
  return {
    rows: n,
    positives: set.y.reduce((a, b) => a + b, 0),
    columns: set.columns,
    oof: metrics,
    alert_threshold: alertThreshold,
    importance,
    sample_predictions: samples,
    classifier: JSON.stringify(gbdtToJson(model)),
    trainingSeconds: seconds,
    dataHash: sha256(new Uint8Array(set.X.data.buffer, set.X.data.byteOffset, set.X.data.byteLength)) + sha256(new Uint8Array(set.y.buffer, set.y.byteOffset, set.y.byteLength)).slice(0, 16),
  };
}
