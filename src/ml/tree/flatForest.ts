/**
 * Fast batch inference for tree ensembles. Trees are flattened into typed
 * arrays; shallow trees are padded to complete binary trees so each row takes
 * exactly `depth` steps. Inputs are first coded per feature as the number of
 * the model's thresholds <= x, so a node test x >= t becomes the integer test
 * code >= rank(t) and the step child = 2i + 2 - ((code - rank) >>> 31) has no
 * branch to mispredict (a float compare compiles to one, and tree tests are
 * coin flips). Missing values are routed without a branch too: each feature is
 * coded twice, NaN as 0 (default left) and as MAX (default right), and each
 * node reads the copy that matches its default direction.
 */
import type { Matrix } from '../data.ts';
import type { Tree } from './tree.ts';

/** Rows per block: 128 rows x 2F int32 codes stays in L1/L2 for F up to ~100. */
const BLOCK = 128;
/** Code of a missing value routed right (above every threshold rank). */
const NAN_RIGHT = 0x3fffffff;
/** Deepest tree padded to a complete tree (2^10 leaves per tree). */
const MAX_COMPLETE_DEPTH = 10;

/** A flattened ensemble; margins of group g are the base plus the sum of its trees. */
export interface FlatForest {
  readonly nFeatures: number;
  readonly nGroups: number;
  readonly base: Float64Array;
  readonly nTrees: number;
  readonly treeGroup: Int32Array;
  /** Complete-tree depth, or -1 for the general node-walk layout. */
  readonly depth: number;
  /** Per node: offset into a block row (feature, +nFeatures for default-right). */
  readonly off: Int32Array;
  /** Per node: rank of its threshold among its feature's thresholds, plus 1 (x >= t iff code >= rank). */
  readonly rank: Int32Array;
  /** Per feature: the model's distinct thresholds, ascending. */
  readonly cuts: readonly Float64Array[];
  /** General layout only: children and the node base of each tree. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly treeStart: Int32Array;
  /** Leaf values (complete layout: 2^depth per tree; general: per node). */
  readonly leaf: Float64Array;
  /** Compare in float32 like XGBoost (inputs rounded with Math.fround). */
  readonly float32: boolean;
}

function depthOf(t: Tree, n = 0): number {
  return t.feature[n]! < 0 ? 0 : 1 + Math.max(depthOf(t, t.left[n]!), depthOf(t, t.right[n]!));
}

/** Distinct thresholds per feature, ascending (float32-rounded in float32 mode). */
function featureCuts(trees: readonly Tree[], nFeatures: number, float32: boolean): Float64Array[] {
  const sets: number[][] = Array.from({ length: nFeatures }, () => []);
  for (const t of trees) for (let n = 0; n < t.feature.length; n++) if (t.feature[n]! >= 0) sets[t.feature[n]!]!.push(float32 ? Math.fround(t.threshold[n]!) : t.threshold[n]!);
  return sets.map((v) => {
    const a = Float64Array.from(v).sort();
    let k = 0;
    for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[k - 1]) a[k++] = a[i]!;
    return a.slice(0, k);
  });
}

/** Number of cuts <= v (the code of v); NaN is handled by the caller. */
function codeOf(cuts: Float64Array, v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rank code of a node threshold: x >= t iff codeOf(x) >= rankOf(t). */
function rankOf(cuts: Float64Array, t: number): number {
  return codeOf(cuts, t);
}

/** Flatten trees (each tagged with its output group) into a FlatForest. */
export function flattenForest(
  trees: readonly Tree[],
  treeGroup: ArrayLike<number>,
  base: ArrayLike<number>,
  nFeatures: number,
  opts: { float32?: boolean; layout?: 'auto' | 'general' } = {},
): FlatForest {
  const nGroups = base.length;
  const nTrees = trees.length;
  const D = trees.reduce((m, t) => Math.max(m, depthOf(t)), 0);
  const F = nFeatures;
  const groups = Int32Array.from(treeGroup);
  const float32 = opts.float32 ?? false;
  const cuts = featureCuts(trees, F, float32);
  const thrOf = (t: Tree, n: number): number => rankOf(cuts[t.feature[n]!]!, float32 ? Math.fround(t.threshold[n]!) : t.threshold[n]!);
  if (D <= MAX_COMPLETE_DEPTH && opts.layout !== 'general') {
    const nInt = (1 << D) - 1;
    const nLeaf = 1 << D;
    const off = new Int32Array(nTrees * nInt);
    const rank = new Int32Array(nTrees * nInt);
    const leaf = new Float64Array(nTrees * nLeaf);
    trees.forEach((t, ti) => {
      // place node `src` of the original tree at position `pos` (depth d) of the complete tree
      const place = (src: number, pos: number, d: number): void => {
        if (d === D) {
          leaf[ti * nLeaf + (pos - nInt)] = t.value[src]!;
          return;
        }
        if (t.feature[src]! < 0) {
          // padding: both children repeat the leaf, so the test is irrelevant
          off[ti * nInt + pos] = 0;
          place(src, 2 * pos + 1, d + 1);
          place(src, 2 * pos + 2, d + 1);
          return;
        }
        off[ti * nInt + pos] = t.feature[src]! + (t.defaultLeft[src] ? 0 : F);
        rank[ti * nInt + pos] = thrOf(t, src);
        place(t.left[src]!, 2 * pos + 1, d + 1);
        place(t.right[src]!, 2 * pos + 2, d + 1);
      };
      place(0, 0, 0);
    });
    const empty = new Int32Array(0);
    return { nFeatures, nGroups, base: Float64Array.from(base), nTrees, treeGroup: groups, depth: D, off, rank, cuts, left: empty, right: empty, treeStart: empty, leaf, float32 };
  }
  const total = trees.reduce((s, t) => s + t.feature.length, 0);
  const off = new Int32Array(total);
  const rank = new Int32Array(total);
  const left = new Int32Array(total).fill(-1);
  const right = new Int32Array(total).fill(-1);
  const leaf = new Float64Array(total);
  const treeStart = new Int32Array(nTrees);
  let p = 0;
  trees.forEach((t, ti) => {
    treeStart[ti] = p;
    for (let n = 0; n < t.feature.length; n++) {
      const f = t.feature[n]!;
      if (f >= 0) {
        off[p + n] = f + (t.defaultLeft[n] ? 0 : F);
        rank[p + n] = thrOf(t, n);
        left[p + n] = p + t.left[n]!;
        right[p + n] = p + t.right[n]!;
      } else leaf[p + n] = t.value[n]!;
    }
    p += t.feature.length;
  });
  return { nFeatures, nGroups, base: Float64Array.from(base), nTrees, treeGroup: groups, depth: -1, off, rank, cuts, left, right, treeStart, leaf, float32 };
}

/** Raw margins for every row of X (column-major), group-major: group g, row i at g*rows+i. */
export function predictMargins(ff: FlatForest, X: Matrix, out?: Float64Array): Float64Array {
  const n = X.rows;
  const F = ff.nFeatures;
  const res = out ?? new Float64Array(n * ff.nGroups);
  for (let g = 0; g < ff.nGroups; g++) res.fill(ff.base[g]!, g * n, (g + 1) * n);
  const W = 2 * F;
  const blk = new Int32Array(BLOCK * W);
  const { data } = X;
  const { off, rank, leaf, treeGroup, nTrees, depth: D, float32, cuts } = ff;
  for (let r0 = 0; r0 < n; r0 += BLOCK) {
    const nb = Math.min(BLOCK, n - r0);
    for (let f = 0; f < F; f++) {
      const src = f * n + r0;
      const c = cuts[f]!;
      for (let r = 0; r < nb; r++) {
        let v = data[src + r]!;
        const b = r * W + f;
        if (v !== v) {
          blk[b] = 0;
          blk[b + F] = NAN_RIGHT;
        } else {
          if (float32) v = Math.fround(v);
          const code = c.length === 0 ? 0 : codeOf(c, v);
          blk[b] = code;
          blk[b + F] = code;
        }
      }
    }
    if (D >= 0) {
      const nInt = (1 << D) - 1;
      const nLeaf = 1 << D;
      for (let t = 0; t < nTrees; t++) {
        const nb0 = t * nInt;
        const lb = t * nLeaf - nInt;
        const ob = treeGroup[t]! * n + r0;
        let r = 0;
        // eight independent rows per pass: their dependency chains overlap in the CPU
        for (; r + 7 < nb; r += 8) {
          const r0w = r * W;
          let a0 = 0;
          let a1 = 0;
          let a2 = 0;
          let a3 = 0;
          let a4 = 0;
          let a5 = 0;
          let a6 = 0;
          let a7 = 0;
          for (let d = 0; d < D; d++) {
            let k = nb0 + a0;
            a0 = 2 * a0 + 2 - ((blk[r0w + off[k]!]! - rank[k]!) >>> 31);
            k = nb0 + a1;
            a1 = 2 * a1 + 2 - ((blk[r0w + W + off[k]!]! - rank[k]!) >>> 31);
            k = nb0 + a2;
            a2 = 2 * a2 + 2 - ((blk[r0w + 2 * W + off[k]!]! - rank[k]!) >>> 31);
            k = nb0 + a3;
            a3 = 2 * a3 + 2 - ((blk[r0w + 3 * W + off[k]!]! - rank[k]!) >>> 31);
            k = nb0 + a4;
            a4 = 2 * a4 + 2 - ((blk[r0w + 4 * W + off[k]!]! - rank[k]!) >>> 31);
            k = nb0 + a5;
            a5 = 2 * a5 + 2 - ((blk[r0w + 5 * W + off[k]!]! - rank[k]!) >>> 31);
            k = nb0 + a6;
            a6 = 2 * a6 + 2 - ((blk[r0w + 6 * W + off[k]!]! - rank[k]!) >>> 31);
            k = nb0 + a7;
            a7 = 2 * a7 + 2 - ((blk[r0w + 7 * W + off[k]!]! - rank[k]!) >>> 31);
          }
          const o = ob + r;
          res[o] += leaf[lb + a0]!;
          res[o + 1] += leaf[lb + a1]!;
          res[o + 2] += leaf[lb + a2]!;
          res[o + 3] += leaf[lb + a3]!;
          res[o + 4] += leaf[lb + a4]!;
          res[o + 5] += leaf[lb + a5]!;
          res[o + 6] += leaf[lb + a6]!;
          res[o + 7] += leaf[lb + a7]!;
        }
        for (; r < nb; r++) {
          const ra = r * W;
          let a = 0;
          for (let d = 0; d < D; d++) {
            const k = nb0 + a;
            a = 2 * a + 2 - ((blk[ra + off[k]!]! - rank[k]!) >>> 31);
          }
          res[ob + r] += leaf[lb + a]!;
        }
      }
    } else {
      const { left, right, treeStart } = ff;
      for (let t = 0; t < nTrees; t++) {
        const ob = treeGroup[t]! * n + r0;
        for (let r = 0; r < nb; r++) {
          const rb = r * W;
          let k = treeStart[t]!;
          while (left[k]! >= 0) k = blk[rb + off[k]!]! >= rank[k]! ? right[k]! : left[k]!;
          res[ob + r] += leaf[k]!;
        }
      }
    }
  }
  return res;
}
