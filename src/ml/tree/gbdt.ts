/**
 * Gradient-boosted decision trees (XGBoost/LightGBM-style, histogram method):
 * training with shrinkage, L1/L2, min_child_weight, row/column subsampling,
 * depth-wise or leaf-wise growth and early stopping; prediction through a
 * flattened forest; gain and split importance. Deterministic for a seed.
 */
import { BadInputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { Matrix } from '../data.ts';
import { binMatrix } from './binning.ts';
import { flattenForest, predictMargins, type FlatForest } from './flatForest.ts';
import { TreeGrower } from './grow.ts';
import type { HistogramPool } from './histogramPool.ts';
import { makeObjective, sigmoid, type ObjectiveName } from './objective.ts';
import { addTreePredictions, treeFromJson, treeToJson, type Tree, type TreeJson } from './tree.ts';

/** Training parameters (XGBoost names in comments). */
export interface GbdtParams {
  objective: ObjectiveName;
  /** Classes for multiclass (num_class). */
  numClass?: number;
  huberDelta?: number;
  /** Boosting rounds (num_boost_round). */
  rounds: number;
  /** Shrinkage (eta). */
  learningRate: number;
  /** max_depth; <= 0 = unlimited. */
  maxDepth: number;
  /** max_leaves / num_leaves; <= 0 = unlimited. */
  maxLeaves: number;
  growth: 'depthwise' | 'leafwise';
  /** L2 on leaf weights (lambda). */
  lambda: number;
  /** L1 on leaf weights (alpha). */
  alpha: number;
  /** Minimum split gain (gamma). */
  gamma: number;
  minChildWeight: number;
  /** Row subsample per tree (subsample). */
  subsample: number;
  /** Column subsample per tree (colsample_bytree). */
  colsample: number;
  /** Histogram bins per feature (max_bin), <= 256. */
  maxBins: number;
  seed: number;
  /** Stop when the validation loss has not improved for this many rounds (0 = off). */
  earlyStoppingRounds: number;
}

/** Defaults matching XGBoost's hist method where they overlap. */
export const DEFAULT_GBDT: GbdtParams = {
  objective: 'binary',
  rounds: 100,
  learningRate: 0.3,
  maxDepth: 6,
  maxLeaves: 0,
  growth: 'depthwise',
  lambda: 1,
  alpha: 0,
  gamma: 0,
  minChildWeight: 1,
  subsample: 1,
  colsample: 1,
  maxBins: 256,
  seed: 0,
  earlyStoppingRounds: 0,
};

/** A trained booster. */
export interface GbdtModel {
  readonly kind: 'gbdt';
  readonly objective: ObjectiveName;
  /** Output groups (classes for multiclass, else 1). */
  readonly groups: number;
  readonly nFeatures: number;
  readonly baseMargin: Float64Array;
  readonly trees: Tree[];
  readonly treeGroup: Int32Array;
  /** Rounds kept (best round + 1 with early stopping). */
  readonly rounds: number;
  /** Validation loss per round, when a validation set was given. */
  readonly validLoss: number[];
  /** Set for imported XGBoost models: compare in float32. */
  readonly float32?: boolean;
}

/** Options beside the parameters. */
export interface GbdtTrainOptions {
  valid?: { X: Matrix; y: Float64Array };
  /** Called after each round (progress bars). */
  onRound?: (round: number, validLoss: number | undefined) => void;
  /** Bin the features and grow each tree's nodes across these worker threads (HistogramPool.create(n)); the same model as without. */
  pool?: HistogramPool;
}

/** Train a booster on a column-major matrix. */
export function trainGbdt(X: Matrix, y: Float64Array, params: Partial<GbdtParams> = {}, opts: GbdtTrainOptions = {}): GbdtModel {
  const p: GbdtParams = { ...DEFAULT_GBDT, ...params };
  checkParams(p, X, y);
  const obj = makeObjective(p.objective, { numClass: p.numClass, huberDelta: p.huberDelta });
  const binned = opts.pool ? opts.pool.binMatrix(X, p.maxBins) : binMatrix(X, p.maxBins);
  const grower = new TreeGrower(binned, opts.pool, histSlotsFor(p));
  try {
    return boost(X, y, p, opts, obj, grower);
  } finally {
    grower.release();
  }
}

/** Histograms a tree keeps alive at once, at most (the wasm arena's slot count). */
function histSlotsFor(p: GbdtParams): number {
  const byDepth = p.maxDepth > 0 ? 2 ** Math.min(p.maxDepth, 8) : Infinity;
  const byLeaves = p.maxLeaves > 0 ? p.maxLeaves : Infinity;
  return Math.min(byDepth, byLeaves, 256) + 2;
}

function boost(X: Matrix, y: Float64Array, p: GbdtParams, opts: GbdtTrainOptions, obj: ReturnType<typeof makeObjective>, grower: TreeGrower): GbdtModel {
  const K = obj.groups;
  const n = X.rows;
  const rng = new Rng(p.seed);
  const base = obj.baseMargin(y);
  const margin = new Float64Array(K * n);
  for (let k = 0; k < K; k++) margin.fill(base[k]!, k * n, (k + 1) * n);
  const g = new Float64Array(K * n);
  const h = new Float64Array(K * n);
  const rows = new Int32Array(n);
  const allFeatures = Int32Array.from({ length: X.cols }, (_, j) => j);
  const growP = { ...p, maxLeaves: p.maxLeaves };
  const valid = opts.valid;
  const nv = valid ? valid.X.rows : 0;
  const vMargin = new Float64Array(K * nv);
  for (let k = 0; k < K; k++) vMargin.fill(base[k]!, k * nv, (k + 1) * nv);
  const trees: Tree[] = [];
  const groupOf: number[] = [];
  const validLoss: number[] = [];
  let best = Infinity;
  let bestRound = -1;
  for (let round = 0; round < p.rounds; round++) {
    obj.gradients(y, margin, g, h);
    let nSel = 0;
    if (p.subsample < 1) {
      for (let i = 0; i < n; i++) if (rng.next() < p.subsample) rows[nSel++] = i;
    } else {
      for (let i = 0; i < n; i++) rows[i] = i;
      nSel = n;
    }
    let features = allFeatures;
    if (p.colsample < 1) {
      const perm = Int32Array.from(allFeatures);
      rng.shuffle(perm);
      features = perm.subarray(0, Math.max(1, Math.round(p.colsample * X.cols))).sort();
    }
    for (let k = 0; k < K; k++) {
      const tree = grower.grow(g.subarray(k * n, (k + 1) * n), h.subarray(k * n, (k + 1) * n), rows, nSel, features, growP);
      if (nSel === n) grower.addLeafValues(margin, k * n);
      else addTreePredictions(tree, X.data, n, margin, k * n);
      if (valid) addTreePredictions(tree, valid.X.data, nv, vMargin, k * nv);
      trees.push(tree);
      groupOf.push(k);
    }
    let vl: number | undefined;
    if (valid) {
      vl = obj.loss(valid.y, vMargin);
      validLoss.push(vl);
      if (vl < best - 1e-12) {
        best = vl;
        bestRound = round;
      } else if (p.earlyStoppingRounds > 0 && round - bestRound >= p.earlyStoppingRounds) {
        opts.onRound?.(round, vl);
        break;
      }
    }
    opts.onRound?.(round, vl);
  }
  const kept = valid && p.earlyStoppingRounds > 0 ? bestRound + 1 : trees.length / K;
  return {
    kind: 'gbdt',
    objective: p.objective,
    groups: K,
    nFeatures: X.cols,
    baseMargin: base,
    trees: trees.slice(0, kept * K),
    treeGroup: Int32Array.from(groupOf.slice(0, kept * K)),
    rounds: kept,
    validLoss,
  };
}

function checkParams(p: GbdtParams, X: Matrix, y: Float64Array): void {
  const bad = (m: string): never => {
    throw new BadInputError(`gbdt: ${m}`);
  };
  if (X.rows !== y.length) bad(`X has ${X.rows} rows but y has ${y.length}`);
  if (X.rows === 0) bad('no training rows');
  if (!(Number.isInteger(p.rounds) && p.rounds >= 1)) bad(`rounds must be a positive integer (got ${p.rounds})`);
  if (!(p.learningRate > 0)) bad(`learning rate must be > 0 (got ${p.learningRate})`);
  if (!(p.maxBins >= 2 && p.maxBins <= 256)) bad(`bins must be in 2..256 (got ${p.maxBins})`);
  if (!(p.subsample > 0 && p.subsample <= 1)) bad(`subsample must be in (0, 1] (got ${p.subsample})`);
  if (!(p.colsample > 0 && p.colsample <= 1)) bad(`colsample must be in (0, 1] (got ${p.colsample})`);
  if (p.maxDepth <= 0 && p.maxLeaves <= 0) bad('set max depth or max leaves');
  if (p.lambda < 0 || p.alpha < 0 || p.gamma < 0 || p.minChildWeight < 0) bad('lambda, alpha, gamma and min child weight must be >= 0');
}

const flatCache = new WeakMap<GbdtModel, FlatForest>();

/** The flattened form of a model (cached). */
export function flatOf(model: GbdtModel): FlatForest {
  let ff = flatCache.get(model);
  if (!ff) {
    ff = flattenForest(model.trees, model.treeGroup, model.baseMargin, model.nFeatures, { float32: model.float32 ?? false });
    flatCache.set(model, ff);
  }
  return ff;
}

/** Raw margins, group-major. */
export function gbdtMargins(model: GbdtModel, X: Matrix): Float64Array {
  if (X.cols !== model.nFeatures) throw new BadInputError(`model expects ${model.nFeatures} features, got ${X.cols}`);
  return predictMargins(flatOf(model), X);
}

/**
 * Predictions: P(y=1) for binary, class probabilities group-major (class k,
 * row i at k*rows+i) for multiclass, the value for regression.
 */
export function gbdtPredict(model: GbdtModel, X: Matrix): Float64Array {
  const m = gbdtMargins(model, X);
  const n = X.rows;
  if (model.objective === 'binary') {
    for (let i = 0; i < m.length; i++) m[i] = sigmoid(m[i]!);
  } else if (model.objective === 'multiclass') {
    const K = model.groups;
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) mx = Math.max(mx, m[k * n + i]!);
      let z = 0;
      for (let k = 0; k < K; k++) z += Math.exp(m[k * n + i]! - mx);
      for (let k = 0; k < K; k++) m[k * n + i] = Math.exp(m[k * n + i]! - mx) / z;
    }
  }
  return m;
}

/** Feature importance: total split gain or number of splits per feature. */
export function featureImportance(model: GbdtModel | { trees: readonly Tree[]; nFeatures: number }, type: 'gain' | 'split' = 'gain'): Float64Array {
  const out = new Float64Array(model.nFeatures);
  for (const t of model.trees) {
    for (let n = 0; n < t.feature.length; n++) {
      const f = t.feature[n]!;
      if (f >= 0) out[f] += type === 'gain' ? t.gain[n]! : 1;
    }
  }
  return out;
}

/** JSON form of a booster (for the artifact registry). */
export interface GbdtJson {
  kind: 'gbdt';
  objective: ObjectiveName;
  groups: number;
  nFeatures: number;
  baseMargin: number[];
  treeGroup: number[];
  rounds: number;
  validLoss: number[];
  float32?: boolean;
  trees: TreeJson[];
}

/** Model -> JSON-safe object. */
export function gbdtToJson(m: GbdtModel): GbdtJson {
  return {
    kind: 'gbdt',
    objective: m.objective,
    groups: m.groups,
    nFeatures: m.nFeatures,
    baseMargin: Array.from(m.baseMargin),
    treeGroup: Array.from(m.treeGroup),
    rounds: m.rounds,
    validLoss: m.validLoss,
    ...(m.float32 ? { float32: true } : {}),
    trees: m.trees.map(treeToJson),
  };
}

/** JSON object -> model. */
export function gbdtFromJson(j: GbdtJson): GbdtModel {
  return {
    kind: 'gbdt',
    objective: j.objective,
    groups: j.groups,
    nFeatures: j.nFeatures,
    baseMargin: Float64Array.from(j.baseMargin),
    trees: j.trees.map(treeFromJson),
    treeGroup: Int32Array.from(j.treeGroup),
    rounds: j.rounds,
    validLoss: j.validLoss ?? [],
    ...(j.float32 ? { float32: true } : {}),
  };
}
