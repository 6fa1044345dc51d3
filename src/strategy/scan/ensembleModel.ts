/**
 * Stage 5: the ensemble decision model. Five base learners (random forest,
 * gradient-boosted trees, MLP, linear SVM, logistic regression) produce
 * out-of-fold probabilities over purged k-fold splits (never shuffled folds);
 * an L2 logistic meta-learner is fitted on their logits; isotonic regression
 * over bins of >= 1% of the rows (calibration.ts) calibrates the meta output on
 * those same out-of-fold rows; the BUY
 * threshold maximises F1 there. SMOTE oversamples each training fold (never a
 * test fold) when the minority class is under 40%. Inputs are imputed with
 * training medians and standardised with training moments.
 */
import { BadInputError } from '../../core/errors.ts';
import { applyIsotonic, type IsotonicScaler } from '../../ml/calibrate/isotonic.ts';
import { takeRows, takeValues, type Matrix } from '../../ml/data.ts';
import { smote } from '../../ml/ensemble/smote.ts';
import { outOfFold, type Learner } from '../../ml/ensemble/stacking.ts';
import { fitLogistic, predictLogistic, type LogisticModel } from '../../ml/linear/logistic.ts';
import { fitSvm, predictSvm, type SvmModel } from '../../ml/linear/svm.ts';
import { mlpPredict, trainMlp, type MlpModel, type MlpParams } from '../../ml/mlp/mlp.ts';
import { forestFromJson, forestPredict, forestToJson, trainForest, type ForestModel, type ForestParams } from '../../ml/tree/forest.ts';
import { gbdtFromJson, gbdtPredict, gbdtToJson, trainGbdt, type GbdtModel, type GbdtParams } from '../../ml/tree/gbdt.ts';
import { purgedKFold } from '../../ml/validate/purgedKFold.ts';
import { fitBinnedIsotonic } from './calibration.ts';
import type { CrossSectionSpec } from './crossSection.ts';
import type { EnsembleDecider } from './models.ts';

/** The base learners, in the order the meta-learner sees them. */
export const BASE_KINDS = ['forest', 'gbdt', 'mlp', 'svm', 'logistic'] as const;
export type BaseKind = (typeof BASE_KINDS)[number];

/** Training settings. */
export interface EnsembleConfig {
  folds: number;
  embargoPct: number;
  /** SMOTE when the minority share is below this (0 = never). */
  smoteBelow: number;
  forest: Partial<ForestParams>;
  gbdt: Partial<GbdtParams>;
  mlp: Partial<MlpParams>;
  svmC: number;
  /** The SVM is fitted on at most this many evenly spaced rows (its squared-hinge L-BFGS converges slowly; ~20 s on 7.5k rows here). */
  svmMaxRows: number;
  logisticL2: number;
  metaL2: number;
  seed: number;
}

/**
 * Sizes for `scan train`: strongly regularised, because a month's trade outcome is mostly
 * noise (purged-fold AUC ~0.55 at best on 1991-1998): big leaves, shallow trees, few rounds,
 * column subsampling, heavy L2. Also what keeps training near a minute of CPU on 10k rows.
 */
export const FULL_ENSEMBLE: Readonly<EnsembleConfig> = Object.freeze({
  folds: 5,
  embargoPct: 0.01,
  smoteBelow: 0.4,
  forest: { trees: 100, maxDepth: 6, minSamplesLeaf: 100, maxBins: 32 },
  gbdt: { rounds: 100, learningRate: 0.05, maxDepth: 3, subsample: 0.8, colsample: 0.5, minChildWeight: 50, lambda: 10, maxBins: 32 },
  mlp: { hidden: [16], epochs: 10, batchSize: 128, learningRate: 1e-3, l2: 1e-2 },
  svmC: 0.01,
  svmMaxRows: 2000,
  logisticL2: 100,
  metaL2: 1,
  seed: 7,
});

/** Small sizes (as regularised as FULL_ENSEMBLE) for tests and the first `scan` on a fresh machine. */
export const QUICK_ENSEMBLE: Readonly<EnsembleConfig> = Object.freeze({
  ...FULL_ENSEMBLE,
  folds: 3,
  forest: { trees: 30, maxDepth: 5, minSamplesLeaf: 100, maxBins: 32 },
  gbdt: { rounds: 40, learningRate: 0.1, maxDepth: 3, subsample: 0.8, colsample: 0.5, minChildWeight: 50, lambda: 10, maxBins: 32 },
  mlp: { hidden: [8], epochs: 4, batchSize: 128, learningRate: 2e-3, l2: 1e-2 },
  svmMaxRows: 1000,
});

/** A fitted base model in serialisable form. */
export type BaseModel =
  | { kind: 'forest'; model: ReturnType<typeof forestToJson> }
  | { kind: 'gbdt'; model: ReturnType<typeof gbdtToJson> }
  | { kind: 'mlp'; model: MlpModel }
  | { kind: 'svm'; model: SvmModel }
  | { kind: 'logistic'; model: LogisticModel };

/** Median imputation and standardisation fitted on training rows. */
export interface Preprocessor {
  median: Float64Array;
  mean: Float64Array;
  sd: Float64Array;
}

/** Everything the ensemble stores (JSON through artifactJson). */
export interface EnsembleArtifact {
  format: 'tradepilot.scan.ensemble';
  version: 1;
  columns: string[];
  prep: Preprocessor;
  base: BaseModel[];
  meta: LogisticModel;
  calibration: IsotonicScaler;
  threshold: number;
  horizonDays: number;
  avgWin: number;
  avgLoss: number;
  smote: boolean;
  /** The reference members and market of the cross-section columns (absent in artifacts without them). */
  crossSection?: CrossSectionSpec;
}

/** Fit the preprocessor: per-column median of finite values, then mean/sd after imputation. */
export function fitPreprocessor(X: Matrix): Preprocessor {
  const { rows: n, cols: p } = X;
  const median = new Float64Array(p);
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const v: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = X.data[j * n + i]!;
      if (Number.isFinite(x)) v.push(x);
    }
    v.sort((a, b) => a - b);
    const med = v.length === 0 ? 0 : v[v.length >> 1]!;
    median[j] = med;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const x = X.data[j * n + i]!;
      m += Number.isFinite(x) ? x : med;
    }
    m /= Math.max(1, n);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const x = X.data[j * n + i]!;
      s += ((Number.isFinite(x) ? x : med) - m) ** 2;
    }
    mean[j] = m;
    sd[j] = Math.sqrt(s / Math.max(1, n - 1)) || 1;
  }
  return { median, mean, sd };
}

/** Impute and standardise (values clipped to +-8 sd so one wild feature cannot dominate the linear models). */
export function applyPreprocessor(pp: Preprocessor, data: Float64Array, rows: number): Matrix {
  const p = pp.mean.length;
  if (data.length !== rows * p) throw new BadInputError(`ensemble: expected ${rows} x ${p} inputs, got ${data.length} values`);
  const out = new Float64Array(rows * p);
  for (let j = 0; j < p; j++) {
    const med = pp.median[j]!;
    const m = pp.mean[j]!;
    const s = pp.sd[j]!;
    for (let i = 0; i < rows; i++) {
      const x = data[j * rows + i]!;
      const z = ((Number.isFinite(x) ? x : med) - m) / s;
      out[j * rows + i] = z > 8 ? 8 : z < -8 ? -8 : z;
    }
  }
  return { data: out, rows, cols: p };
}

/** Fit one base learner. */
export function fitBase(kind: BaseKind, X: Matrix, y: Float64Array, c: EnsembleConfig): BaseModel {
  switch (kind) {
    case 'forest':
      return { kind, model: forestToJson(trainForest(X, y, { ...c.forest, task: 'classification', numClass: 2, seed: c.seed })) };
    case 'gbdt':
      return { kind, model: gbdtToJson(trainGbdt(X, y, { ...c.gbdt, objective: 'binary', seed: c.seed })) };
    case 'mlp':
      return { kind, model: trainMlp(X, y, { ...c.mlp, output: 'sigmoid', seed: c.seed }) };
    case 'svm': {
      if (X.rows <= c.svmMaxRows) return { kind, model: fitSvm(X, y, { c: c.svmC, plattFolds: 3 }) };
      const idx = Int32Array.from({ length: c.svmMaxRows }, (_, k) => Math.floor((k * X.rows) / c.svmMaxRows));
      return { kind, model: fitSvm(takeRows(X, idx), takeValues(y, idx), { c: c.svmC, plattFolds: 3 }) };
    }
    case 'logistic':
      return { kind, model: fitLogistic(X, y, { l2: c.logisticL2 }) };
  }
}

const forests = new WeakMap<object, ForestModel>();
const gbdts = new WeakMap<object, GbdtModel>();

/** P(y=1) of a base model. */
export function predictBase(b: BaseModel, X: Matrix): Float64Array {
  switch (b.kind) {
    case 'forest': {
      let m = forests.get(b.model);
      if (!m) forests.set(b.model, (m = forestFromJson(b.model)));
      return forestPredict(m, X);
    }
    case 'gbdt': {
      let m = gbdts.get(b.model);
      if (!m) gbdts.set(b.model, (m = gbdtFromJson(b.model)));
      return gbdtPredict(m, X);
    }
    case 'mlp':
      return mlpPredict(b.model, X);
    case 'svm':
      return predictSvm(b.model, X);
    case 'logistic':
      return predictLogistic(b.model, X);
  }
}

function logit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

/** The probability cut with the best F1 over the given scores (ties: the higher cut). */
export function f1Threshold(y: ArrayLike<number>, p: ArrayLike<number>): { threshold: number; f1: number } {
  const idx = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[b]! - p[a]!);
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i]! === 1 ? 1 : 0;
  let tp = 0;
  let best = { threshold: 1, f1: 0 };
  for (let k = 0; k < idx.length; k++) {
    tp += y[idx[k]!] === 1 ? 1 : 0;
    // Predict positive for the top k+1 scores; only cut between distinct scores.
    if (k + 1 < idx.length && p[idx[k + 1]!] === p[idx[k]!]) continue;
    const f1 = (2 * tp) / (k + 1 + pos);
    if (f1 > best.f1) best = { threshold: p[idx[k]!]!, f1 };
  }
  return best;
}

/** What training reports besides the artifact. */
export interface EnsembleFit {
  artifact: EnsembleArtifact;
  /** Calibrated out-of-fold probabilities (NaN where a row was never in a test fold). */
  oof: Float64Array;
  /** Out-of-fold F1 at the chosen threshold. */
  oofF1: number;
}

/**
 * Train on rows in time order with label spans [t0, t1] (for purging).
 * `avgWin`/`avgLoss` and `horizonDays` describe the labels' trades.
 */
export function trainEnsemble(
  X: Matrix,
  y: Float64Array,
  spans: { t0: ArrayLike<number>; t1: ArrayLike<number> },
  columns: string[],
  trades: { horizonDays: number; avgWin: number; avgLoss: number },
  c: EnsembleConfig = FULL_ENSEMBLE,
  crossSection?: CrossSectionSpec,
): EnsembleFit {
  if (X.cols !== columns.length) throw new BadInputError(`ensemble: ${X.cols} columns but ${columns.length} names`);
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i]!;
  const minority = Math.min(pos, y.length - pos) / Math.max(1, y.length);
  if (minority === 0) throw new BadInputError('ensemble: the labels hold one class only');
  const useSmote = minority < c.smoteBelow;
  const prep = fitPreprocessor(X);
  const Xs = applyPreprocessor(prep, X.data, X.rows);
  const learners: Learner[] = BASE_KINDS.map((kind) => ({
    name: kind,
    fit: (Xt, yt) => {
      const s = useSmote ? smote(Xt, yt, { seed: c.seed }) : { X: Xt, y: yt };
      const b = fitBase(kind, s.X, s.y, c);
      return (Xp) => predictBase(b, Xp);
    },
  }));
  const folds = purgedKFold(spans, { k: c.folds, embargoPct: c.embargoPct });
  const oof = outOfFold(Xs, y, learners, folds);
  const n = X.rows;
  const L = BASE_KINDS.length;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (let k = 0; k < L; k++) if (Number.isNaN(oof.data[k * n + i]!)) ok = false;
    if (ok) rows.push(i);
  }
  if (rows.length < 20) throw new BadInputError(`ensemble: only ${rows.length} rows have out-of-fold predictions`);
  const Z = new Float64Array(rows.length * L);
  for (let k = 0; k < L; k++) rows.forEach((i, r) => (Z[k * rows.length + r] = logit(oof.data[k * n + i]!)));
  const yo = Float64Array.from(rows, (i) => y[i]!);
  const meta = fitLogistic({ data: Z, rows: rows.length, cols: L }, yo, { l2: c.metaL2 });
  const raw = predictLogistic(meta, { data: Z, rows: rows.length, cols: L });
  // Bins of >= 1% of the rows (at least 30): a calibrated probability always rests on that many trades.
  const calibration = fitBinnedIsotonic(raw, yo, Math.max(30, Math.ceil(rows.length / 100)));
  const cal = applyIsotonic(calibration, raw);
  const { threshold, f1 } = f1Threshold(yo, cal);
  const full = useSmote ? smote(Xs, y, { seed: c.seed }) : { X: Xs, y };
  const base = BASE_KINDS.map((kind) => fitBase(kind, full.X, full.y, c));
  const oofCal = new Float64Array(n).fill(NaN);
  rows.forEach((i, r) => (oofCal[i] = cal[r]!));
  return {
    artifact: { format: 'tradepilot.scan.ensemble', version: 1, columns, prep, base, meta, calibration, threshold, ...trades, smote: useSmote, ...(crossSection ? { crossSection: { members: [...crossSection.members], market: crossSection.market } } : {}) },
    oof: oofCal,
    oofF1: f1,
  };
}

/** The fitted ensemble as the pipeline's decider. */
export class ScanEnsemble implements EnsembleDecider {
  readonly columns: readonly string[];
  readonly threshold: number;
  readonly horizonDays: number;
  readonly avgWin: number;
  readonly avgLoss: number;
  readonly crossSection: CrossSectionSpec | undefined;

  constructor(readonly artifact: EnsembleArtifact) {
    this.crossSection = artifact.crossSection;
    this.columns = artifact.columns;
    this.threshold = artifact.threshold;
    this.horizonDays = artifact.horizonDays;
    this.avgWin = artifact.avgWin;
    this.avgLoss = artifact.avgLoss;
  }

  /** Uncalibrated meta-learner output (for diagnostics). */
  metaProba(data: Float64Array, rows: number): Float64Array {
    const X = applyPreprocessor(this.artifact.prep, data, rows);
    const L = this.artifact.base.length;
    const Z = new Float64Array(rows * L);
    this.artifact.base.forEach((b, k) => {
      const p = predictBase(b, X);
      for (let i = 0; i < rows; i++) Z[k * rows + i] = logit(p[i]!);
    });
    return predictLogistic(this.artifact.meta, { data: Z, rows, cols: L });
  }

  predictProba(data: Float64Array, rows: number): Float64Array {
    return applyIsotonic(this.artifact.calibration, this.metaProba(data, rows));
  }
}
