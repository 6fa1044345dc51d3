/**
 * Stage 4 (models): a gradient-boosted classifier per symbol, retrained
 * walk-forward with purging. The label is "the forward return over the hold
 * period beats the round-trip cost". For each walk-forward block, training rows
 * are those before the block whose label spans [t, t+h] do not reach into it
 * (purged, with an embargo after it, src/ml/validate/purge.ts); the last part of
 * them (itself purged from the fitting part) calibrates the trees' margins with
 * Platt scaling and picks the entry threshold from the grid. The block itself is
 * never used to fit, calibrate or choose anything: its predictions are out of
 * sample. A final fit on every labelled row scores the last bar (today).
 */
import { BadInputError } from '../core/errors.ts';
import type { FeatureMatrix } from '../features/featureSet.ts';
import { forwardReturns } from '../features/labels.ts';
import { applyPlatt, fitPlatt } from '../ml/calibrate/platt.ts';
import { takeRows, takeValues, type Matrix } from '../ml/data.ts';
import { brierScore } from '../ml/metrics/classification.ts';
import { gbdtMargins, trainGbdt, type GbdtParams } from '../ml/tree/gbdt.ts';
import { purgedTrain, type LabelSpans } from '../ml/validate/purge.ts';
import { walkForwardSplits } from '../ml/validate/walkForward.ts';

/** Model and validation settings. */
export interface WalkForwardModelOptions {
  /** Label horizon in bars (the pack's hold period). */
  horizon: number;
  /** Forward return a label must beat (round-trip costs). */
  cost: number;
  /** Rows in the first training window. */
  trainSize: number;
  /** Rows predicted per retraining step. */
  testSize: number;
  /** Share of each training window held out (purged) for calibration and the threshold choice. */
  calibFraction: number;
  /** Observations dropped after each test block (AFML embargo). */
  embargo: number;
  /** Entry thresholds on the calibrated probability: the configurations tried. */
  thresholds: readonly number[];
  gbdt: Partial<GbdtParams>;
}

/** Honest small settings: trained in well under a second per symbol on this machine. */
export const RUN_GBDT: Readonly<Partial<GbdtParams>> = Object.freeze({ objective: 'binary', rounds: 60, learningRate: 0.08, maxDepth: 3, minChildWeight: 10, subsample: 0.8, colsample: 0.8, lambda: 5, maxBins: 32, seed: 11 });

/** One walk-forward step, with the indices that show no future row trained it. */
export interface FoldRecord {
  /** Row range of the predicted block (series indices, inclusive). */
  test_from: number;
  test_to: number;
  /** Last row whose features and label fitted or calibrated the model. */
  train_to: number;
  /** Last bar any training label looked at: always <= test_from. */
  label_end: number;
  fit_rows: number;
  calib_rows: number;
  threshold: number;
  /** Brier score on the calibration rows. */
  calib_brier: number;
}

/** Out-of-sample probabilities and the model for today. */
export interface WalkForwardResult {
  /** Calibrated P(label = 1) per series row; NaN where no earlier model existed. */
  prob: Float64Array;
  /** The threshold in force at each row (chosen on that block's training data). */
  threshold: Float64Array;
  /** First row with an out-of-sample prediction. */
  oosStart: number;
  folds: FoldRecord[];
  /** Labels (0/1, NaN where the future is unknown) and forward returns per row. */
  label: Float64Array;
  forward: Float64Array;
  /** The final model's view of the last bar. */
  today: { prob: number; threshold: number; train_to: number; label_end: number; fit_rows: number; calib_rows: number };
  /** OOS Brier score and base rate over rows with known labels. */
  oos_brier: number;
  oos_base_rate: number;
}

function matrixOf(m: FeatureMatrix): Matrix {
  return { data: m.data, rows: m.nRows, cols: m.columns.length };
}

/** Rows of `a` also in the sorted keep-list `b`. */
function intersect(a: Int32Array, keep: Int32Array): Int32Array {
  const out: number[] = [];
  let j = 0;
  for (let k = 0; k < a.length; k++) {
    while (j < keep.length && keep[j]! < a[k]!) j++;
    if (j < keep.length && keep[j] === a[k]) out.push(a[k]!);
  }
  return Int32Array.from(out);
}

/** Fit on `train` (purged split into fit + calibration), score `test`; returns calibrated probabilities and the chosen threshold. */
function fitPredict(X: Matrix, y: Float64Array, fwd: Float64Array, spans: LabelSpans, train: Int32Array, test: Int32Array, o: WalkForwardModelOptions): { p: Float64Array; threshold: number; rec: Omit<FoldRecord, 'test_from' | 'test_to'> } {
  const nCal = Math.max(20, Math.floor(train.length * o.calibFraction));
  if (train.length < nCal + 50) throw new BadInputError(`walk-forward: ${train.length} training rows are too few (need ${nCal + 50})`);
  const calib = train.subarray(train.length - nCal);
  // Fitting rows whose labels reach into the calibration rows are purged too.
  const fit = intersect(train.subarray(0, train.length - nCal), purgedTrain(spans, [[calib[0]!, calib[calib.length - 1]!]], 0));
  const model = trainGbdt(takeRows(X, fit), takeValues(y, fit), o.gbdt);
  const calY = takeValues(y, calib);
  const calMargins = gbdtMargins(model, takeRows(X, calib));
  const platt = fitPlatt(calMargins, calY);
  const pc = applyPlatt(platt, calMargins);
  const threshold = chooseThreshold(pc, takeValues(fwd, calib), o);
  let labelEnd = -1;
  for (const i of train) labelEnd = Math.max(labelEnd, spans.t1[i]!);
  return {
    p: applyPlatt(platt, gbdtMargins(model, takeRows(X, test))),
    threshold,
    rec: { train_to: train[train.length - 1]!, label_end: labelEnd, fit_rows: fit.length, calib_rows: calib.length, threshold, calib_brier: brierScore(calY, pc) },
  };
}

/**
 * The grid threshold whose entries on the calibration rows earned the most
 * (mean forward return net of costs, times the square root of their count: a
 * t-statistic without the noise term); the first grid value (the pack's own) on ties.
 */
export function chooseThreshold(p: Float64Array, fwd: Float64Array, o: Pick<WalkForwardModelOptions, 'thresholds' | 'cost'>): number {
  let best = o.thresholds[0]!;
  let bestScore = 0;
  for (const thr of o.thresholds) {
    let s = 0;
    let k = 0;
    for (let i = 0; i < p.length; i++) {
      if (p[i]! >= thr && Number.isFinite(fwd[i]!)) {
        s += fwd[i]! - o.cost;
        k++;
      }
    }
    const score = k > 0 ? (s / k) * Math.sqrt(k) : 0;
    if (score > bestScore + 1e-12) {
      bestScore = score;
      best = thr;
    }
  }
  return best;
}

/** Walk-forward train, calibrate and predict over rows [start, n) of a feature matrix. */
export function walkForwardModel(m: FeatureMatrix, close: Float64Array, time: Float64Array, start: number, o: WalkForwardModelOptions): WalkForwardResult {
  const n = m.nRows;
  const h = o.horizon;
  const X = matrixOf(m);
  const fr = forwardReturns(close, time, h);
  const label = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) if (fr.t1[i]! >= 0) label[i] = fr.values[i]! > o.cost ? 1 : 0;
  // Spans for purging: every row's label looks at bars [i, i + h] (cut at the last bar when the future is unknown).
  const spans: LabelSpans = { t0: Int32Array.from({ length: n }, (_, i) => i), t1: Int32Array.from({ length: n }, (_, i) => Math.min(i + h, n - 1)) };
  const rows = n - start;
  if (rows < o.trainSize + o.testSize) throw new BadInputError(`${rows} usable bars after the feature warm-up; the walk-forward needs ${o.trainSize + o.testSize}`);
  const prob = new Float64Array(n).fill(NaN);
  const thr = new Float64Array(n).fill(NaN);
  const folds: FoldRecord[] = [];
  const known = (i: number): boolean => label[i] === label[i];
  for (const f of walkForwardSplits(rows, { trainSize: o.trainSize, testSize: o.testSize, expanding: true })) {
    const a = start + f.test[0]!;
    const b = start + f.test[f.test.length - 1]!;
    const test = Int32Array.from(f.test, (k) => start + k);
    const purged = purgedTrain(spans, [[a, b]], o.embargo);
    const train = intersect(Int32Array.from(f.train, (k) => start + k), purged).filter(known);
    const r = fitPredict(X, label, fr.values, spans, train, test, o);
    for (let k = 0; k < test.length; k++) {
      prob[test[k]!] = r.p[k]!;
      thr[test[k]!] = r.threshold;
    }
    folds.push({ test_from: a, test_to: b, ...r.rec });
  }
  // Today: every row whose label is complete by the last bar trains the model that scores the last bar.
  const last = n - 1;
  const all = intersect(Int32Array.from({ length: rows }, (_, k) => start + k), purgedTrain(spans, [[last, last]], o.embargo)).filter(known);
  const t = fitPredict(X, label, fr.values, spans, all, Int32Array.of(last), o);
  const oosStart = start + o.trainSize;
  const yk: number[] = [];
  const pk: number[] = [];
  for (let i = oosStart; i < n; i++) {
    if (!known(i)) continue;
    yk.push(label[i]!);
    pk.push(prob[i]!);
  }
  return {
    prob,
    threshold: thr,
    oosStart,
    folds,
    label,
    forward: fr.values,
    today: { prob: t.p[0]!, threshold: t.threshold, train_to: t.rec.train_to, label_end: t.rec.label_end, fit_rows: t.rec.fit_rows, calib_rows: t.rec.calib_rows },
    oos_brier: yk.length > 0 ? brierScore(yk, pk) : NaN,
    oos_base_rate: yk.length > 0 ? yk.reduce((s, v) => s + v, 0) / yk.length : NaN,
  };
}
