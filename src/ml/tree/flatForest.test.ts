import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { importXgboostJson } from '../artifacts/xgboost.ts';
import { readNumericCsv, toDataset, type Matrix } from '../data.ts';
import { flattenForest, inferenceEngine, predictMargins, type FlatForest, type InferenceEngine } from './flatForest.ts';
import { flatOf, trainGbdt } from './gbdt.ts';
import { predictTreeRow, type Tree } from './tree.ts';

const fx = (f: string): string => new URL(`../../../test/fixtures/${f}`, import.meta.url).pathname;
const benchDir = new URL('../../../../shared/bench/', import.meta.url).pathname;

/** Every entry equal as bits (Object.is tells -0 from 0 and matches NaN). */
function sameBits(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
  return bad;
}

/** Column-major copy with every k-th cell NaN and a few infinities and signed zeros. */
function withSpecials(X: Matrix, k: number): Matrix {
  const data = X.data.map((v, i) => (i % k === 0 ? NaN : i % (k + 2) === 1 ? (i & 1 ? Infinity : -Infinity) : i % (k + 4) === 2 ? -0 : v));
  return { ...X, data };
}

function synth(n: number, cols: number, seed: number): { X: Matrix; y: Float64Array } {
  const r = new Rng(seed);
  const data = new Float64Array(n * cols);
  for (let i = 0; i < data.length; i++) data[i] = r.normal();
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = data[i]! - 0.8 * data[n + i]! + 0.6 * data[2 * n + i]! ** 2 + 0.5 * r.normal() > 0.4 ? 1 : 0;
  return { X: { data, rows: n, cols }, y };
}

/**
 * The expected kernel runs by default, and its margins equal every other kernel's
 * (the scalar wasm walk, the JS rank path) and the reference tree walk's bit for bit.
 */
function checkAgainstReference(ff: FlatForest, trees: readonly Tree[], X: Matrix, engine: InferenceEngine = 'wasm-simd'): void {
  expect(inferenceEngine(ff)).toBe(engine);
  const wasm = predictMargins(ff, X);
  const js = predictMargins(ff, X, undefined, 'js');
  expect(sameBits(wasm, js)).toBe(0);
  expect(sameBits(predictMargins(ff, X, undefined, 'wasm'), js)).toBe(0);
  if (!ff.float32) {
    // reference: base + each tree's raw-threshold walk, summed in tree order
    const n = X.rows;
    const want = new Float64Array(n * ff.nGroups);
    for (let g = 0; g < ff.nGroups; g++) want.fill(ff.base[g]!, g * n, (g + 1) * n);
    trees.forEach((t, ti) => {
      const o = ff.treeGroup[ti]! * n;
      for (let i = 0; i < n; i++) want[o + i] += predictTreeRow(t, X.data, n, i);
    });
    expect(sameBits(wasm, want)).toBe(0);
  }
}

describe('flat forest inference (wasm kernels)', () => {
  const train = synth(3000, 6, 21);
  const test = synth(1003, 6, 22); // not a multiple of the block or lane width

  it('equals the reference walk with NaN, infinities and -0 (binary, depth 6)', () => {
    const m = trainGbdt(train.X, train.y, { rounds: 30, maxDepth: 6, learningRate: 0.3 });
    checkAgainstReference(flatOf(m), m.trees, withSpecials(test.X, 7));
  });

  it('equals the reference walk for multiclass groups and deep leaf-wise trees', () => {
    const y3 = train.y.map((v, i) => (v === 1 ? (train.X.data[i]! > 1 ? 2 : 1) : 0));
    const mc = trainGbdt(train.X, y3, { objective: 'multiclass', numClass: 3, rounds: 8, maxDepth: 4 });
    checkAgainstReference(flatOf(mc), mc.trees, withSpecials(test.X, 5));
    // depth 8 is the deepest the SIMD kernel takes (leaf index 255 in a byte); 9 runs on the scalar wasm walk
    const d8 = trainGbdt(train.X, train.y, { rounds: 3, maxDepth: 8, minChildWeight: 0 });
    expect(flatOf(d8).depth).toBe(8);
    checkAgainstReference(flatOf(d8), d8.trees, withSpecials(test.X, 9));
    const deep = trainGbdt(train.X, train.y, { rounds: 4, growth: 'leafwise', maxLeaves: 60, maxDepth: 9, minChildWeight: 0 });
    expect(flatOf(deep).depth).toBe(9);
    checkAgainstReference(flatOf(deep), deep.trees, withSpecials(test.X, 11), 'wasm');
  });

  it('runs forests with more than 255 thresholds on a feature on the scalar wasm walk', () => {
    // 300 stumps on feature 0 with distinct thresholds: 8-bit codes cannot order them
    const trees: Tree[] = Array.from({ length: 300 }, (_, i) => ({
      feature: Int32Array.of(i % 2 === 0 ? 0 : 1, -1, -1),
      threshold: Float64Array.of(-1.5 + i / 100, 0, 0),
      left: Int32Array.of(1, -1, -1),
      right: Int32Array.of(2, -1, -1),
      defaultLeft: Uint8Array.of(i % 3 === 0 ? 1 : 0, 0, 0),
      value: Float64Array.of(0, -i / 1000, i / 700),
      gain: new Float64Array(3),
      cover: new Float64Array(3),
    }));
    const narrow = flattenForest(trees, new Int32Array(300), [0.1], 6);
    expect(narrow.cuts[0]!.length).toBe(150);
    checkAgainstReference(narrow, trees, withSpecials(test.X, 7));
    const all = [...trees, ...trees.map((t) => ({ ...t, feature: Int32Array.of(0, -1, -1), threshold: Float64Array.of(t.threshold[0]! + 0.005, 0, 0) }))];
    const wide = flattenForest(all, new Int32Array(600), [0.1], 6);
    expect(wide.cuts[0]!.length).toBeGreaterThan(255);
    checkAgainstReference(wide, all, withSpecials(test.X, 7), 'wasm');
  });

  it('falls back to the JS path for single-leaf forests; -Infinity thresholds need the code kernels', () => {
    const stump: Tree = { feature: Int32Array.of(-1), threshold: Float64Array.of(0), left: Int32Array.of(-1), right: Int32Array.of(-1), defaultLeft: Uint8Array.of(0), value: Float64Array.of(0.25), gain: new Float64Array(1), cover: new Float64Array(1) };
    const ff0 = flattenForest([stump], [0], [0.5], 6);
    expect(inferenceEngine(ff0)).toBe('js');
    expect(predictMargins(ff0, test.X)[0]).toBe(0.75);
    const negInf: Tree = { feature: Int32Array.of(0, -1, -1), threshold: Float64Array.of(-Infinity, 0, 0), left: Int32Array.of(1, -1, -1), right: Int32Array.of(2, -1, -1), defaultLeft: Uint8Array.of(1, 0, 0), value: Float64Array.of(0, -1, 1), gain: new Float64Array(3), cover: new Float64Array(3) };
    const ffInf = flattenForest([negInf], [0], [0], 1);
    // the scalar wasm walk codes NaN as -Infinity, ambiguous here; integer codes are not
    expect(inferenceEngine(ffInf)).toBe('wasm-simd');
    const X = { data: Float64Array.of(NaN, -Infinity, 3), rows: 3, cols: 1 };
    expect(Array.from(predictMargins(ffInf, X))).toEqual([-1, 1, 1]);
    expect(Array.from(predictMargins(ffInf, X, undefined, 'wasm'))).toEqual([-1, 1, 1]);
    expect(Array.from(predictMargins(ffInf, X, undefined, 'js'))).toEqual([-1, 1, 1]);
  });

  it('splits inputs wider than one memory chunk (300 features x 15k rows) without changing a bit', () => {
    const F = 300;
    const n = 15_000;
    const r = new Rng(5);
    const X = withSpecials({ data: Float64Array.from({ length: F * n }, () => r.normal()), rows: n, cols: F }, 31);
    // depth-2 trees on random features
    const trees: Tree[] = Array.from({ length: 40 }, () => ({
      feature: Int32Array.of(r.int(F), r.int(F), r.int(F), -1, -1, -1, -1),
      threshold: Float64Array.of(r.normal(), r.normal(), r.normal(), 0, 0, 0, 0),
      left: Int32Array.of(1, 3, 5, -1, -1, -1, -1),
      right: Int32Array.of(2, 4, 6, -1, -1, -1, -1),
      defaultLeft: Uint8Array.of(r.int(2), r.int(2), r.int(2), 0, 0, 0, 0),
      value: Float64Array.of(0, 0, 0, r.normal(), r.normal(), r.normal(), r.normal()),
      gain: new Float64Array(7),
      cover: new Float64Array(7),
    }));
    checkAgainstReference(flattenForest(trees, new Int32Array(40), [0], F), trees, X);
  });

  it('reproduces the XGBoost fixture (float32 compares, NaN routing) bit for bit against the JS path', () => {
    const { model } = importXgboostJson(JSON.parse(readFileSync(fx('xgb_binary.json'), 'utf8')), 'xgb_binary.json');
    const X = readNumericCsv(fx('xgb_binary_input.csv'));
    checkAgainstReference(flatOf(model), model.trees, X);
  });

  it('equals the JS path on the benchmark table (20 rounds on 5k rows keep the test short)', (ctx) => {
    if (!existsSync(`${benchDir}gbdt_train.csv`)) {
      console.log(`skipped: ${benchDir}gbdt_train.csv not found`);
      ctx.skip();
    }
    const tr = toDataset(readNumericCsv(`${benchDir}gbdt_train.csv`), 'label');
    const te = toDataset(readNumericCsv(`${benchDir}gbdt_test.csv`), 'label');
    const n = 5000;
    const sub = { data: new Float64Array(n * tr.X.cols), rows: n, cols: tr.X.cols };
    for (let f = 0; f < tr.X.cols; f++) sub.data.set(tr.X.data.subarray(f * tr.X.rows, f * tr.X.rows + n), f * n);
    const m = trainGbdt(sub, tr.y.subarray(0, n), { rounds: 20, maxDepth: 6, learningRate: 0.1, maxBins: 256 });
    checkAgainstReference(flatOf(m), m.trees, te.X);
    checkAgainstReference(flatOf(m), m.trees, withSpecials(te.X, 13));
  });
});
