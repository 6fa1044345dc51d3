/**
 * Fast batch inference for tree ensembles. Trees are flattened into typed
 * arrays; shallow trees are padded to complete binary trees so each row takes
 * exactly `depth` branch-free steps (child = 2i+1+(x >= t)). Missing values are
 * routed without a branch: rows are copied into a block holding each feature
 * twice, NaN as -Inf (default left) and as +Inf (default right), and each node
 * reads the copy that matches its default direction.
 */
import type { Matrix } from '../data.ts';
import type { Tree } from './tree.ts';

/** Rows per block: 128 rows x 2F doubles stays in L2 for F up to ~100. */
const BLOCK = 128;
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
  readonly thr: Float64Array;
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
  if (D <= MAX_COMPLETE_DEPTH && opts.layout !== 'general') {
    const nInt = (1 << D) - 1;
    const nLeaf = 1 << D;
    const off = new Int32Array(nTrees * nInt);
    const thr = new Float64Array(nTrees * nInt).fill(Infinity);
    const leaf = new Float64Array(nTrees * nLeaf);
    trees.forEach((t, ti) => {
      // place node `src` of the original tree at position `pos` (depth d) of the complete tree
      const place = (src: number, pos: number, d: number): void => {
        if (d === D) {
          leaf[ti * nLeaf + (pos - nInt)] = t.value[src]!;
          return;
        }
        if (t.feature[src]! < 0) {
          // padding: both children repeat the leaf, so the comparison is irrelevant
          off[ti * nInt + pos] = 0;
          place(src, 2 * pos + 1, d + 1);
          place(src, 2 * pos + 2, d + 1);
          return;
        }
        off[ti * nInt + pos] = t.feature[src]! + (t.defaultLeft[src] ? 0 : F);
        thr[ti * nInt + pos] = t.threshold[src]!;
        place(t.left[src]!, 2 * pos + 1, d + 1);
        place(t.right[src]!, 2 * pos + 2, d + 1);
      };
      place(0, 0, 0);
    });
    const empty = new Int32Array(0);
    return { nFeatures, nGroups, base: Float64Array.from(base), nTrees, treeGroup: groups, depth: D, off, thr, left: empty, right: empty, treeStart: empty, leaf, float32 };
  }
  const total = trees.reduce((s, t) => s + t.feature.length, 0);
  const off = new Int32Array(total);
  const thr = new Float64Array(total);
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
        thr[p + n] = t.threshold[n]!;
        left[p + n] = p + t.left[n]!;
        right[p + n] = p + t.right[n]!;
      } else leaf[p + n] = t.value[n]!;
    }
    p += t.feature.length;
  });
  return { nFeatures, nGroups, base: Float64Array.from(base), nTrees, treeGroup: groups, depth: -1, off, thr, left, right, treeStart, leaf, float32 };
}

/** Raw margins for every row of X (column-major), group-major: group g, row i at g*rows+i. */
export function predictMargins(ff: FlatForest, X: Matrix, out?: Float64Array): Float64Array {
  const n = X.rows;
  const F = ff.nFeatures;
  const res = out ?? new Float64Array(n * ff.nGroups);
  for (let g = 0; g < ff.nGroups; g++) res.fill(ff.base[g]!, g * n, (g + 1) * n);
  const W = 2 * F;
  const blk = new Float64Array(BLOCK * W);
  const { data } = X;
  const { off, thr, leaf, treeGroup, nTrees, depth: D, float32 } = ff;
  for (let r0 = 0; r0 < n; r0 += BLOCK) {
    const nb = Math.min(BLOCK, n - r0);
    for (let f = 0; f < F; f++) {
      const src = f * n + r0;
      for (let r = 0; r < nb; r++) {
        let v = data[src + r]!;
        if (float32) v = Math.fround(v);
        const b = r * W + f;
        if (v !== v) {
          blk[b] = -Infinity;
          blk[b + F] = Infinity;
        } else {
          blk[b] = v;
          blk[b + F] = v;
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
        // four independent rows per pass: their dependency chains overlap in the CPU
        for (; r + 3 < nb; r += 4) {
          const ra = r * W;
          const rb = ra + W;
          const rc = rb + W;
          const rd = rc + W;
          let a = 0;
          let b = 0;
          let c = 0;
          let e = 0;
          for (let d = 0; d < D; d++) {
            const ka = nb0 + a;
            const kb = nb0 + b;
            const kc = nb0 + c;
            const ke = nb0 + e;
            a = 2 * a + (blk[ra + off[ka]!]! >= thr[ka]! ? 2 : 1);
            b = 2 * b + (blk[rb + off[kb]!]! >= thr[kb]! ? 2 : 1);
            c = 2 * c + (blk[rc + off[kc]!]! >= thr[kc]! ? 2 : 1);
            e = 2 * e + (blk[rd + off[ke]!]! >= thr[ke]! ? 2 : 1);
          }
          res[ob + r] += leaf[lb + a]!;
          res[ob + r + 1] += leaf[lb + b]!;
          res[ob + r + 2] += leaf[lb + c]!;
          res[ob + r + 3] += leaf[lb + e]!;
        }
        for (; r < nb; r++) {
          const ra = r * W;
          let a = 0;
          for (let d = 0; d < D; d++) {
            const k = nb0 + a;
            a = 2 * a + (blk[ra + off[k]!]! >= thr[k]! ? 2 : 1);
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
          while (left[k]! >= 0) k = blk[rb + off[k]!]! >= thr[k]! ? right[k]! : left[k]!;
          res[ob + r] += leaf[k]!;
        }
      }
    }
  }
  return res;
}
