/**
 * Random forest on the histogram tree code: each tree is grown on a bootstrap
 * sample with a fresh random feature subset at every split. A leaf holds the
 * mean label of its rows (squared-error trees on g = -y, h = 1, no shrinkage),
 * which for 0/1 labels is the class frequency: variance reduction is Gini for
 * two classes. Multiclass is one indicator tree per class, normalised.
 * Out-of-bag predictions give an honest score without a hold-out set.
 */
import { BadInputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { Matrix } from '../data.ts';
import { accuracy } from '../metrics/classification.ts';
import { binMatrix } from './binning.ts';
import { flattenForest, predictMargins, type FlatForest } from './flatForest.ts';
import { TreeGrower } from './grow.ts';
import { predictTreeRow, treeFromJson, treeToJson, type Tree, type TreeJson } from './tree.ts';

/** Forest parameters (scikit-learn names in comments). */
export interface ForestParams {
  task: 'classification' | 'regression';
  /** Classes for classification (labels 0..numClass-1); 2 = binary. */
  numClass: number;
  /** n_estimators */
  trees: number;
  /** max_depth; <= 0 = unlimited. */
  maxDepth: number;
  /** min_samples_leaf */
  minSamplesLeaf: number;
  /** max_features as a fraction; default sqrt(p)/p (classification) or 1/3 (regression). */
  maxFeatures?: number;
  bootstrap: boolean;
  maxBins: number;
  seed: number;
}

/** Defaults as scikit-learn's forests, 100 trees. */
export const DEFAULT_FOREST: ForestParams = { task: 'classification', numClass: 2, trees: 100, maxDepth: 0, minSamplesLeaf: 1, bootstrap: true, maxBins: 256, seed: 0 };

/** A trained forest. */
export interface ForestModel {
  readonly kind: 'forest';
  readonly task: 'classification' | 'regression';
  /** Output groups: 1 for binary/regression, numClass for multiclass. */
  readonly groups: number;
  readonly nFeatures: number;
  readonly trees: Tree[];
  readonly treeGroup: Int32Array;
  /** OOB accuracy (classification) or R^2 (regression); null without bootstrap. */
  readonly oobScore: number | null;
}

/** Train a random forest. */
export function trainForest(X: Matrix, y: Float64Array, params: Partial<ForestParams> = {}): ForestModel {
  const p: ForestParams = { ...DEFAULT_FOREST, ...params };
  const n = X.rows;
  if (y.length !== n || n === 0) throw new BadInputError(`trainForest: X has ${n} rows but y has ${y.length}`);
  if (!(Number.isInteger(p.trees) && p.trees >= 1)) throw new BadInputError(`trainForest: trees must be a positive integer (got ${p.trees})`);
  const classification = p.task === 'classification';
  const K = classification ? p.numClass : 1;
  if (classification) {
    if (!(Number.isInteger(K) && K >= 2)) throw new BadInputError(`trainForest: numClass must be >= 2 (got ${K})`);
    for (let i = 0; i < n; i++) if (!(Number.isInteger(y[i]) && y[i]! >= 0 && y[i]! < K)) throw new BadInputError(`trainForest: labels must be 0..${K - 1}; row ${i} has ${y[i]}`);
  }
  const groups = classification && K === 2 ? 1 : K;
  const frac = p.maxFeatures ?? (classification ? Math.sqrt(X.cols) / X.cols : 1 / 3);
  const binned = binMatrix(X, p.maxBins);
  const grower = new TreeGrower(binned);
  const rng = new Rng(p.seed);
  const features = Int32Array.from({ length: X.cols }, (_, j) => j);
  const g = new Float64Array(groups * n);
  for (let k = 0; k < groups; k++) {
    for (let i = 0; i < n; i++) {
      const target = !classification ? y[i]! : groups === 1 ? y[i]! : y[i] === k ? 1 : 0;
      g[k * n + i] = -target;
    }
  }
  const h = new Float64Array(n).fill(1);
  const growP = { maxDepth: p.maxDepth, maxLeaves: 0, growth: 'depthwise' as const, learningRate: 1, lambda: 0, alpha: 0, gamma: 0, minChildWeight: p.minSamplesLeaf, colsampleNode: frac };
  const rows = new Int32Array(n);
  const inBag = new Uint8Array(n);
  const oobSum = new Float64Array(groups * n);
  const oobCnt = new Float64Array(n);
  const trees: Tree[] = [];
  const treeGroup: number[] = [];
  for (let t = 0; t < p.trees; t++) {
    inBag.fill(0);
    if (p.bootstrap) {
      for (let i = 0; i < n; i++) {
        const r = rng.int(n);
        rows[i] = r;
        inBag[r] = 1;
      }
      rows.sort();
    } else for (let i = 0; i < n; i++) rows[i] = i;
    for (let k = 0; k < groups; k++) {
      const tree = grower.grow(g.subarray(k * n, (k + 1) * n), h, rows, n, features, growP, rng);
      trees.push(tree);
      treeGroup.push(k);
      if (p.bootstrap) for (let i = 0; i < n; i++) if (!inBag[i]) oobSum[k * n + i] += predictTreeRow(tree, X.data, n, i);
    }
    if (p.bootstrap) for (let i = 0; i < n; i++) if (!inBag[i]) oobCnt[i]++;
  }
  let oobScore: number | null = null;
  if (p.bootstrap) {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (oobCnt[i]! > 0) idx.push(i);
    if (idx.length > 0) {
      const truth = idx.map((i) => y[i]!);
      if (!classification) {
        const pred = idx.map((i) => oobSum[i]! / oobCnt[i]!);
        const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
        const ssr = truth.reduce((a, v, k) => a + (v - pred[k]!) ** 2, 0);
        const sst = truth.reduce((a, v) => a + (v - mean) ** 2, 0);
        oobScore = sst > 0 ? 1 - ssr / sst : null;
      } else {
        const pred = idx.map((i) => {
          if (groups === 1) return oobSum[i]! / oobCnt[i]! >= 0.5 ? 1 : 0;
          let best = 0;
          for (let k = 1; k < groups; k++) if (oobSum[k * n + i]! > oobSum[best * n + i]!) best = k;
          return best;
        });
        oobScore = accuracy(truth, pred);
      }
    }
  }
  return { kind: 'forest', task: p.task, groups, nFeatures: X.cols, trees, treeGroup: Int32Array.from(treeGroup), oobScore };
}

const flatCache = new WeakMap<ForestModel, FlatForest>();

/**
 * Predictions: P(y=1) (binary), class probabilities group-major (multiclass),
 * or the mean (regression).
 */
export function forestPredict(model: ForestModel, X: Matrix): Float64Array {
  if (X.cols !== model.nFeatures) throw new BadInputError(`forest expects ${model.nFeatures} features, got ${X.cols}`);
  let ff = flatCache.get(model);
  if (!ff) {
    ff = flattenForest(model.trees, model.treeGroup, new Float64Array(model.groups), model.nFeatures);
    flatCache.set(model, ff);
  }
  const m = predictMargins(ff, X);
  const perGroup = model.trees.length / model.groups;
  for (let i = 0; i < m.length; i++) m[i] = m[i]! / perGroup;
  if (model.groups > 1) {
    const n = X.rows;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < model.groups; k++) s += m[k * n + i]!;
      if (s > 0) for (let k = 0; k < model.groups; k++) m[k * n + i] = m[k * n + i]! / s;
    }
  }
  return m;
}

/** JSON form for the registry. */
export function forestToJson(m: ForestModel): Omit<ForestModel, 'trees' | 'treeGroup'> & { trees: TreeJson[]; treeGroup: number[] } {
  return { ...m, trees: m.trees.map(treeToJson), treeGroup: Array.from(m.treeGroup) };
}

/** JSON -> model. */
export function forestFromJson(j: ReturnType<typeof forestToJson>): ForestModel {
  return { ...j, trees: j.trees.map(treeFromJson), treeGroup: Int32Array.from(j.treeGroup) };
}
