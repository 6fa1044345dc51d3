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
 *
 * Complete trees of depth <= 8 whose features have at most 255 thresholds each
 * (every model this project trains with <= 256 bins, and XGBoost hist models)
 * run on a WebAssembly SIMD kernel (codeWalkKernel.ts) over the same integer
 * codes, 8 bits wide, 64 rows at a time. Other complete trees run on a scalar
 * WebAssembly kernel (walkKernel.ts) that compares the raw floats instead: rows are copied with NaN as -Infinity (default left) and
 * +Infinity (default right), and x >= t decides exactly as the reference walk's
 * x < t does. The integer-rank JS path stays for general trees, models with a
 * -Infinity threshold (where the NaN copy would be ambiguous) and hosts without
 * WebAssembly; both give the same bits.
 */
import type { Matrix } from '../data.ts';
import type { Tree } from './tree.ts';
import { CODE_BLOCK, CODE_MAX_DEPTH, compileCodeWalk, instantiateCodeWalk, type CodeWalkFn, type QuantFn } from './codeWalkKernel.ts';
import type { WasmMemory } from '../wasmAsm.ts';
import { compileWalk, instantiateWalk, type WalkFn } from './walkKernel.ts';

/** Rows per block: 128 rows x 2F int32 codes stays in L1/L2 for F up to ~100. */
const BLOCK = 128;
/** Code of a missing value routed right (above every threshold rank). */
const NAN_RIGHT = 0x3fffffff;
/** Deepest tree padded to a complete tree (2^10 leaves per tree). */
const MAX_COMPLETE_DEPTH = 10;
/** Rows per block of the wasm walk (64 rows x 2F doubles, a multiple of LANES). */
const WASM_BLOCK = 64;
/** Rows the wasm walk carries through a tree together. */
const LANES = 8;

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
  /** Complete layout only: per node the raw threshold (float32-rounded in float32 mode), -Infinity on padding. */
  readonly thr: Float64Array;
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
    const thr = new Float64Array(nTrees * nInt).fill(-Infinity);
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
        thr[ti * nInt + pos] = float32 ? Math.fround(t.threshold[src]!) : t.threshold[src]!;
        place(t.left[src]!, 2 * pos + 1, d + 1);
        place(t.right[src]!, 2 * pos + 2, d + 1);
      };
      place(0, 0, 0);
    });
    const empty = new Int32Array(0);
    return { nFeatures, nGroups, base: Float64Array.from(base), nTrees, treeGroup: groups, depth: D, off, rank, thr, cuts, left: empty, right: empty, treeStart: empty, leaf, float32 };
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
  return { nFeatures, nGroups, base: Float64Array.from(base), nTrees, treeGroup: groups, depth: -1, off, rank, thr: new Float64Array(0), cuts, left, right, treeStart, leaf, float32 };
}

/** A FlatForest laid out in a wasm instance's memory, with its block buffers. */
interface WasmForest {
  readonly walk: WalkFn;
  readonly f64: Float64Array;
  readonly nodes: number;
  /** Byte address of tree 0's leaves minus nInt leaves (the kernel indexes leaves by node position). */
  readonly leaf: number;
  readonly group: number;
  readonly blk: number;
  readonly res: number;
}

const wasmForests = new WeakMap<FlatForest, WasmForest | null>();

/** The wasm form of a complete-layout forest (cached), or null when the JS path must run. */
function wasmForest(ff: FlatForest): WasmForest | null {
  let w = wasmForests.get(ff);
  if (w !== undefined) return w;
  w = null;
  const D = ff.depth;
  const F = ff.nFeatures;
  // a -Infinity threshold would send the NaN-as-(-Infinity) copy right: leave those models to the rank path
  let finite = true;
  for (let k = 0; k < ff.rank.length; k++) if (ff.rank[k] !== 0 && !(ff.thr[k]! > -Infinity)) finite = false;
  const mod = D >= 1 && finite ? compileWalk({ depth: D, rowBytes: 16 * F, lanes: LANES }) : null;
  if (mod) {
    const nInt = (1 << D) - 1;
    const T = ff.nTrees;
    const nodes = 0;
    const leafAt = nodes + T * nInt * 16;
    const group = leafAt + T * (nInt + 1) * 8;
    const blk = group + 8 * Math.ceil(T / 2);
    const res = blk + WASM_BLOCK * 16 * F;
    const bytes = res + ff.nGroups * WASM_BLOCK * 8;
    if (bytes < 2 ** 31) {
      const { walk, buffer } = instantiateWalk(mod, bytes);
      const f64 = new Float64Array(buffer);
      const i32 = new Int32Array(buffer);
      for (let k = 0; k < T * nInt; k++) {
        i32[(nodes >> 2) + 4 * k] = 8 * ff.off[k]!;
        f64[(nodes >> 3) + 2 * k + 1] = ff.thr[k]!;
      }
      f64.set(ff.leaf, leafAt >> 3);
      i32.set(ff.treeGroup, group >> 2);
      w = { walk, f64, nodes, leaf: leafAt - nInt * 8, group, blk, res };
    }
  }
  wasmForests.set(ff, w);
  return w;
}

/** A FlatForest laid out for the SIMD code kernel; the inputs and sums of a call follow at `dyn`. */
interface CodeForest {
  readonly quant: QuantFn;
  readonly walk: CodeWalkFn;
  readonly memory: WasmMemory;
  readonly nodes: number;
  readonly leaf: number;
  readonly group: number;
  readonly tables: number;
  readonly codes: number;
  readonly dyn: number;
}

const codeForests = new WeakMap<FlatForest, CodeForest | null>();

/** The SIMD-code form of a complete-layout forest (cached), or null when it does not fit 8-bit codes. */
function codeForest(ff: FlatForest): CodeForest | null {
  let c = codeForests.get(ff);
  if (c !== undefined) return c;
  c = null;
  const D = ff.depth;
  const F = ff.nFeatures;
  let maxCuts = 0;
  let ok = D >= 1 && D <= CODE_MAX_DEPTH && ff.nTrees > 0 && F >= 1 && 2 * F * CODE_BLOCK <= 65536;
  for (const cuts of ff.cuts) {
    maxCuts = Math.max(maxCuts, cuts.length);
    for (let i = 0; i < cuts.length; i++) if (cuts[i] !== cuts[i]) ok = false;
  }
  const steps = Math.max(1, Math.ceil(Math.log2(maxCuts + 1)));
  const mod = ok && maxCuts <= 255 ? compileCodeWalk({ nFeatures: F, depth: D, steps, float32: ff.float32 }) : null;
  if (mod) {
    const NB = CODE_BLOCK;
    const T = ff.nTrees;
    const nInt = (1 << D) - 1;
    const nodes = 0;
    const leaf = (nodes + 4 * T * nInt + 15) & ~15;
    const group = leaf + T * (nInt + 1) * 8;
    const tables = (group + 4 * T + 15) & ~15;
    const codes = tables + F * (8 << steps);
    const dyn = codes + 2 * F * NB;
    if (dyn < 2 ** 30) {
      const { quant, walk, memory } = instantiateCodeWalk(mod, dyn);
      const { buffer } = memory;
      const u8 = new Uint8Array(buffer);
      const f64 = new Float64Array(buffer);
      for (let k = 0; k < T * nInt; k++) {
        const at = nodes + 4 * k;
        const col = ff.off[k]! * NB;
        u8[at] = col & 255;
        u8[at + 1] = col >> 8;
        u8[at + 2] = ((ff.rank[k]! - 1) & 255) ^ 0x80;
      }
      f64.set(ff.leaf, leaf >> 3);
      new Int32Array(buffer).set(ff.treeGroup, group >> 2);
      for (let f = 0; f < F; f++) {
        const t0 = (tables >> 3) + f * (1 << steps);
        f64.fill(Infinity, t0, t0 + (1 << steps));
        f64.set(ff.cuts[f]!, t0);
      }
      c = { quant, walk, memory, nodes, leaf, group, tables, codes, dyn };
    }
  }
  codeForests.set(ff, c);
  return c;
}

/** Input bytes copied into wasm memory per chunk of rows (bounds the memory a call needs). */
const CODE_CHUNK_BYTES = 1 << 25;

/**
 * predictMargins on the SIMD code kernel: a chunk of rows is copied into wasm memory,
 * then per block of rows the kernel codes it and walks every tree, adding into sums
 * laid out per group with the row count padded to whole blocks (the last block's
 * stale rows land in the padding).
 */
function predictCodes(ff: FlatForest, c: CodeForest, X: Matrix, res: Float64Array): Float64Array {
  const n = X.rows;
  const F = ff.nFeatures;
  const G = ff.nGroups;
  const NB = CODE_BLOCK;
  const chunk = Math.min(Math.ceil(n / NB) * NB, Math.max(NB, Math.floor(CODE_CHUNK_BYTES / (8 * F * NB)) * NB));
  const xAt = c.dyn;
  const resAt = xAt + 8 * (F * chunk + NB);
  const need = resAt + 8 * G * chunk;
  if (c.memory.buffer.byteLength < need) c.memory.grow(Math.ceil((need - c.memory.buffer.byteLength) / 65536));
  const f64 = new Float64Array(c.memory.buffer);
  const { data } = X;
  for (let c0 = 0; c0 < n; c0 += chunk) {
    const m = Math.min(chunk, n - c0);
    const mPad = Math.ceil(m / NB) * NB;
    for (let f = 0; f < F; f++) f64.set(data.subarray(f * n + c0, f * n + c0 + m), (xAt >> 3) + f * m);
    for (let g = 0; g < G; g++) f64.fill(ff.base[g]!, (resAt >> 3) + g * mPad, (resAt >> 3) + g * mPad + m);
    for (let r0 = 0; r0 < m; r0 += NB) {
      c.quant(xAt + 8 * r0, 8 * m, c.tables, c.codes);
      c.walk(c.nodes, c.leaf, c.group, ff.nTrees, c.codes, resAt + 8 * r0, 8 * mPad);
    }
    for (let g = 0; g < G; g++) res.set(f64.subarray((resAt >> 3) + g * mPad, (resAt >> 3) + g * mPad + m), g * n + c0);
  }
  return res;
}

/** The kernels predictMargins can run: 'auto' picks the first that fits of wasm-simd, wasm, js. */
export type InferenceEngine = 'wasm-simd' | 'wasm' | 'js';

/** Which kernel predictMargins runs for this forest by default. */
export function inferenceEngine(ff: FlatForest): InferenceEngine {
  if (!(ff.depth >= 1 && ff.nTrees > 0)) return 'js';
  if (codeForest(ff)) return 'wasm-simd';
  return wasmForest(ff) ? 'wasm' : 'js';
}

/** predictMargins on the wasm kernel: copy a block of rows (NaN as -/+Infinity), walk every tree, copy sums out. */
function predictWasm(ff: FlatForest, w: WasmForest, X: Matrix, res: Float64Array): Float64Array {
  const n = X.rows;
  const F = ff.nFeatures;
  const W = 2 * F;
  const { f64, walk } = w;
  const { data } = X;
  const b0 = w.blk >> 3;
  const res0 = w.res >> 3;
  const G = ff.nGroups;
  for (let r0 = 0; r0 < n; r0 += WASM_BLOCK) {
    const nb = Math.min(WASM_BLOCK, n - r0);
    for (let f = 0; f < F; f++) {
      const src = f * n + r0;
      for (let r = 0; r < nb; r++) {
        const v = data[src + r]!;
        const b = b0 + r * W + f;
        if (v !== v) {
          f64[b] = -Infinity;
          f64[b + F] = Infinity;
        } else {
          const x = ff.float32 ? Math.fround(v) : v;
          f64[b] = x;
          f64[b + F] = x;
        }
      }
    }
    for (let g = 0; g < G; g++) f64.fill(ff.base[g]!, res0 + g * WASM_BLOCK, res0 + g * WASM_BLOCK + nb);
    // rows past nb in the last lane group walk stale block rows; their sums are not copied out
    walk(w.nodes, w.leaf, w.group, ff.nTrees, w.blk, Math.ceil(nb / LANES) * LANES, w.res, WASM_BLOCK * 8);
    for (let g = 0; g < G; g++) res.set(f64.subarray(res0 + g * WASM_BLOCK, res0 + g * WASM_BLOCK + nb), g * n + r0);
  }
  return res;
}

/**
 * Raw margins for every row of X (column-major), group-major: group g, row i at g*rows+i.
 * `engine` forces a kernel when it fits ('js' always does); all agree bit for bit.
 */
export function predictMargins(ff: FlatForest, X: Matrix, out?: Float64Array, engine: 'auto' | InferenceEngine = 'auto'): Float64Array {
  const n = X.rows;
  const F = ff.nFeatures;
  const res = out ?? new Float64Array(n * ff.nGroups);
  if (engine !== 'js' && ff.depth >= 1 && ff.nTrees > 0) {
    const c = engine === 'wasm' ? null : codeForest(ff);
    if (c) return predictCodes(ff, c, X, res);
    const w = wasmForest(ff);
    if (w) return predictWasm(ff, w, X, res);
  }
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
