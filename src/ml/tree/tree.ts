/**
 * A regression tree in raw-threshold form: internal node n sends x to the left
 * child when x[feature[n]] < threshold[n], NaN to the default side; leaves have
 * feature -1 and carry `value`. Same convention as XGBoost.
 */

/** One fitted tree (arrays indexed by node id; node 0 is the root). */
export interface Tree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly value: Float64Array;
  /** Split gain (internal nodes) for importance. */
  readonly gain: Float64Array;
  /** Sum of hessians reaching the node. */
  readonly cover: Float64Array;
}

/** Growable node arrays used while a tree is built. */
export class TreeBuilder {
  feature: number[] = [];
  threshold: number[] = [];
  bin: number[] = [];
  left: number[] = [];
  right: number[] = [];
  defaultLeft: number[] = [];
  value: number[] = [];
  gain: number[] = [];
  cover: number[] = [];
  depth: number[] = [];

  /** Add a leaf and return its id. */
  addLeaf(value: number, cover: number, depth: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.bin.push(-1);
    this.left.push(-1);
    this.right.push(-1);
    this.defaultLeft.push(0);
    this.value.push(value);
    this.gain.push(0);
    this.cover.push(cover);
    this.depth.push(depth);
    return this.feature.length - 1;
  }

  /** Freeze into typed arrays. */
  build(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      defaultLeft: Uint8Array.from(this.defaultLeft),
      value: Float64Array.from(this.value),
      gain: Float64Array.from(this.gain),
      cover: Float64Array.from(this.cover),
    };
  }
}

/** Depth of a tree (a single leaf has depth 0). */
export function treeDepth(t: Tree): number {
  const walk = (n: number): number => (t.feature[n]! < 0 ? 0 : 1 + Math.max(walk(t.left[n]!), walk(t.right[n]!)));
  return walk(0);
}

/** Predict one row of a column-major matrix with one tree (reference path; the batch path is FlatForest). */
export function predictTreeRow(t: Tree, data: Float64Array, rows: number, i: number): number {
  let n = 0;
  while (t.feature[n]! >= 0) {
    const x = data[t.feature[n]! * rows + i]!;
    n = x !== x ? (t.defaultLeft[n] ? t.left[n]! : t.right[n]!) : x < t.threshold[n]! ? t.left[n]! : t.right[n]!;
  }
  return t.value[n]!;
}

/** Serialisable form of a tree (plain arrays). */
export interface TreeJson {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  defaultLeft: number[];
  value: number[];
  gain: number[];
  cover: number[];
}

/** Tree -> JSON-safe object. */
export function treeToJson(t: Tree): TreeJson {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold),
    left: Array.from(t.left),
    right: Array.from(t.right),
    defaultLeft: Array.from(t.defaultLeft),
    value: Array.from(t.value),
    gain: Array.from(t.gain),
    cover: Array.from(t.cover),
  };
}

/** JSON object -> Tree. */
export function treeFromJson(j: TreeJson): Tree {
  return {
    feature: Int32Array.from(j.feature),
    threshold: Float64Array.from(j.threshold),
    left: Int32Array.from(j.left),
    right: Int32Array.from(j.right),
    defaultLeft: Uint8Array.from(j.defaultLeft),
    value: Float64Array.from(j.value),
    gain: Float64Array.from(j.gain),
    cover: Float64Array.from(j.cover),
  };
}

/** Add one tree's predictions for every row of a column-major matrix to `out[offset + i]`. */
export function addTreePredictions(t: Tree, data: Float64Array, rows: number, out: Float64Array, offset = 0): void {
  for (let i = 0; i < rows; i++) out[offset + i] += predictTreeRow(t, data, rows, i);
}
