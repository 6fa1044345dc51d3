import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { readNumericCsv, toDataset, type Matrix } from '../data.ts';
import { rocAuc } from '../metrics/rocAuc.ts';
import { binMatrix } from './binning.ts';
import { flattenForest, predictMargins } from './flatForest.ts';
import { featureImportance, gbdtFromJson, gbdtMargins, gbdtPredict, gbdtToJson, trainGbdt, type GbdtParams } from './gbdt.ts';
import { buildHistogram, buildHistogramRowwise, HIST_STRIDE, subtractHistogram } from './histogram.ts';
import { HistogramPool } from './histogramPool.ts';
import { predictTreeRow } from './tree.ts';

/** y = 1 when a noisy linear score of the first three features is positive; the rest are noise. */
function synth(n: number, cols: number, seed: number): { X: Matrix; y: Float64Array } {
  const r = new Rng(seed);
  const data = new Float64Array(n * cols);
  for (let i = 0; i < data.length; i++) data[i] = r.normal();
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = 1.5 * data[i]! - data[n + i]! + 0.7 * data[2 * n + i]! * data[2 * n + i]! - 0.7 + 0.5 * r.normal();
    y[i] = s > 0 ? 1 : 0;
  }
  return { X: { data, rows: n, cols }, y };
}

describe('histograms', () => {
  it('sibling by subtraction equals building the sibling directly', () => {
    const { X } = synth(500, 4, 1);
    const b = binMatrix(X, 32);
    const g = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i));
    const h = Float64Array.from({ length: 500 }, (_, i) => 1 + Math.cos(i) ** 2);
    const rows = Int32Array.from({ length: 500 }, (_, i) => i);
    const feats = Int32Array.from([0, 1, 2, 3]);
    const mk = (): Float64Array => new Float64Array(4 * HIST_STRIDE);
    const [parent, left, right] = [mk(), mk(), mk()];
    const go = new Float64Array(500);
    const ho = new Float64Array(500);
    buildHistogram(b.bins, 500, rows, 0, 500, g, h, feats, parent, go, ho);
    buildHistogram(b.bins, 500, rows, 0, 200, g, h, feats, left, go, ho);
    buildHistogram(b.bins, 500, rows, 200, 500, g, h, feats, right, go, ho);
    const parent2 = Float64Array.from(parent);
    subtractHistogram(parent, left, feats);
    for (let i = 0; i < parent.length; i++) expect(parent[i]!).toBeCloseTo(right[i]!, 10);
    // over each feature's own bins only: the same numbers
    subtractHistogram(parent2, left, feats, b.nBins);
    expect(Array.from(parent2)).toEqual(Array.from(parent));
    // the row-wise kernel (row-major codes, stride padded to 4, interleaved g/h) agrees, with all or some features
    const binsRow = new Uint8Array(500 * 4);
    for (let f = 0; f < 4; f++) for (let i = 0; i < 500; i++) binsRow[i * 4 + f] = b.bins[f * 500 + i]!;
    const gh = new Float64Array(1000);
    for (let i = 0; i < 500; i++) [gh[2 * i], gh[2 * i + 1]] = [g[i]!, h[i]!];
    for (const fs of [feats, Int32Array.from([1, 3])]) {
      const rw = mk();
      buildHistogramRowwise(binsRow, new Uint32Array(binsRow.buffer), 4, rows, 200, 500, gh, fs, 4, rw);
      for (const f of fs) for (let k = f * HIST_STRIDE; k < (f + 1) * HIST_STRIDE; k++) expect(rw[k]!).toBeCloseTo(right[k]!, 10);
    }
  });
});

describe('gbdt', () => {
  const train = synth(4000, 8, 11);
  const test = synth(2000, 8, 12);

  it('learns a binary problem and ranks the informative features first', () => {
    const m = trainGbdt(train.X, train.y, { rounds: 60, maxDepth: 4, learningRate: 0.2 });
    expect(rocAuc(test.y, gbdtPredict(m, test.X))).toBeGreaterThan(0.93);
    const imp = featureImportance(m, 'gain');
    const order = Array.from(imp.keys()).sort((a, b) => imp[b]! - imp[a]!);
    expect(order.slice(0, 3).sort()).toEqual([0, 1, 2]);
    expect(featureImportance(m, 'split').reduce((a, b) => a + b, 0)).toBe(m.trees.reduce((s, t) => s + t.feature.filter((f) => f >= 0).length, 0));
  });

  it('is deterministic for a seed with row and column subsampling, and differs across seeds', () => {
    const p = { rounds: 15, maxDepth: 3, subsample: 0.7, colsample: 0.6, seed: 5 };
    const a = gbdtToJson(trainGbdt(train.X, train.y, p));
    const b = gbdtToJson(trainGbdt(train.X, train.y, p));
    const c = gbdtToJson(trainGbdt(train.X, train.y, { ...p, seed: 6 }));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('learns where missing values go', () => {
    // feature 0 is missing exactly when the label is 1 (and otherwise uninformative)
    const n = 2000;
    const r = new Rng(3);
    const data = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = r.next() < 0.5 ? 1 : 0;
      data[i] = y[i] ? NaN : r.normal();
      data[n + i] = r.normal();
    }
    const m = trainGbdt({ data, rows: n, cols: 2 }, y, { rounds: 10, maxDepth: 2, learningRate: 0.5 });
    const root = m.trees[0]!;
    expect(root.feature[0]).toBe(0);
    const probe = gbdtPredict(m, { data: Float64Array.from([NaN, 0.3, 0, 0]), rows: 2, cols: 2 });
    expect(probe[0]!).toBeGreaterThan(0.95);
    expect(probe[1]!).toBeLessThan(0.05);
  });

  it('trains multiclass softmax (BUY/HOLD/SELL)', () => {
    const n = 3000;
    const r = new Rng(9);
    const data = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = r.normal();
      data[i] = a;
      data[n + i] = r.normal();
      data[2 * n + i] = r.normal();
      y[i] = a < -0.5 ? 0 : a > 0.5 ? 2 : 1;
    }
    const m = trainGbdt({ data, rows: n, cols: 3 }, y, { objective: 'multiclass', numClass: 3, rounds: 20, maxDepth: 3 });
    const p = gbdtPredict(m, { data, rows: n, cols: 3 });
    let ok = 0;
    for (let i = 0; i < n; i++) {
      const k = [0, 1, 2].reduce((b, c) => (p[c * n + i]! > p[b * n + i]! ? c : b), 0);
      if (k === y[i]) ok++;
      expect(p[i]! + p[n + i]! + p[2 * n + i]!).toBeCloseTo(1, 12);
    }
    expect(ok / n).toBeGreaterThan(0.97);
  });

  it('fits squared error, and Huber resists outliers better', () => {
    const n = 2000;
    const r = new Rng(4);
    const data = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      data[i] = r.uniform(-2, 2);
      y[i] = Math.sin(data[i]!) + 0.05 * r.normal() + (i % 20 === 0 ? 50 : 0);
    }
    const X = { data, rows: n, cols: 1 };
    const grid = { data: Float64Array.from({ length: 50 }, (_, i) => -1.9 + (3.8 * i) / 49), rows: 50, cols: 1 };
    const err = (pred: Float64Array): number => pred.reduce((s, v, i) => s + Math.abs(v - Math.sin(grid.data[i]!)), 0) / 50;
    const sq = trainGbdt(X, y, { objective: 'squared_error', rounds: 80, maxDepth: 3, learningRate: 0.1 });
    const hub = trainGbdt(X, y, { objective: 'huber', huberDelta: 0.5, rounds: 80, maxDepth: 3, learningRate: 0.1 });
    expect(err(gbdtPredict(hub, grid))).toBeLessThan(0.15);
    expect(err(gbdtPredict(hub, grid))).toBeLessThan(err(gbdtPredict(sq, grid)) / 4);
  });

  it('grows leaf-wise up to maxLeaves, and the flat forest equals the tree walk (deep trees included)', () => {
    const m = trainGbdt(train.X, train.y, { rounds: 5, growth: 'leafwise', maxLeaves: 40, maxDepth: 8, minChildWeight: 0 });
    for (const t of m.trees) expect(t.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(40);
    const withNan = { ...test.X, data: test.X.data.map((v, i) => (i % 7 === 0 ? NaN : v)) };
    for (const ff of [flattenForest(m.trees, m.treeGroup, m.baseMargin, 8), flattenForest(m.trees, m.treeGroup, m.baseMargin, 8, { layout: 'general' })]) {
      const got = predictMargins(ff, withNan);
      for (let i = 0; i < 200; i++) {
        const want = m.trees.reduce((s, t) => s + predictTreeRow(t, withNan.data, withNan.rows, i), m.baseMargin[0]!);
        expect(got[i]!).toBeCloseTo(want, 12);
      }
    }
    expect(gbdtMargins(m, withNan)[3]).toBeCloseTo(m.trees.reduce((s, t) => s + predictTreeRow(t, withNan.data, withNan.rows, 3), m.baseMargin[0]!), 12);
  });

  it('stops early on a validation set and keeps the best round', () => {
    const m = trainGbdt(train.X, train.y, { rounds: 400, maxDepth: 6, learningRate: 0.5, earlyStoppingRounds: 10 }, { valid: test });
    expect(m.rounds).toBeLessThan(400);
    const best = m.validLoss.indexOf(Math.min(...m.validLoss));
    expect(m.rounds).toBe(best + 1);
    expect(m.validLoss.length).toBe(best + 11);
  });

  it('trains the same model, bit for bit, on 2 threads as on 1 (same trees, same predictions)', async () => {
    const withNan = { ...train.X, data: train.X.data.map((v, i) => (i % 11 === 0 ? NaN : v)) };
    const cases: [Matrix, Float64Array, Partial<GbdtParams>][] = [
      [train.X, train.y, { rounds: 8, maxDepth: 4 }],
      [withNan, train.y, { rounds: 6, maxDepth: 6, lambda: 0.5, minChildWeight: 0.2 }],
      [train.X, train.y, { rounds: 6, growth: 'leafwise', maxLeaves: 24, maxDepth: 0 }],
      [train.X, train.y.map((v, i) => (v ? i % 3 : 0)), { rounds: 4, maxDepth: 3, objective: 'multiclass', numClass: 3 }],
      // colsample / L1 trees grow on the calling thread alone: still the same model
      [train.X, train.y, { rounds: 6, maxDepth: 3, colsample: 0.5, subsample: 0.8, seed: 2 }],
      [train.X, train.y, { rounds: 4, maxDepth: 3, alpha: 0.2 }],
    ];
    const pool = await HistogramPool.create(2);
    try {
      for (const [X, y, p] of cases) {
        const one = trainGbdt(X, y, p);
        const before = pool.tasks;
        const two = trainGbdt(X, y, p, { pool });
        if (p.colsample === undefined && p.alpha === undefined) expect(pool.tasks - before).toBeGreaterThan(p.rounds!);
        expect(JSON.stringify(gbdtToJson(two))).toBe(JSON.stringify(gbdtToJson(one)));
        expect(Array.from(gbdtPredict(two, test.X))).toEqual(Array.from(gbdtPredict(one, test.X)));
      }
    } finally {
      await pool.close();
    }
  });

  it('builds on a pool of 3 threads with the same result as one thread', async () => {
    const pool = await HistogramPool.create(3);
    try {
      const p = { rounds: 8, maxDepth: 4 };
      expect(JSON.stringify(gbdtToJson(trainGbdt(train.X, train.y, p, { pool })))).toBe(JSON.stringify(gbdtToJson(trainGbdt(train.X, train.y, p))));
    } finally {
      await pool.close();
    }
  });

  it('round-trips through JSON', () => {
    const m = trainGbdt(train.X, train.y, { rounds: 5, maxDepth: 3 });
    const m2 = gbdtFromJson(JSON.parse(JSON.stringify(gbdtToJson(m))));
    expect(Array.from(gbdtPredict(m2, test.X))).toEqual(Array.from(gbdtPredict(m, test.X)));
  });

  it('refuses bad parameters', () => {
    expect(() => trainGbdt(train.X, train.y, { maxBins: 300 })).toThrow(/bins must be in 2..256/);
    expect(() => trainGbdt(train.X, train.y.subarray(1))).toThrow(/rows but y has/);
  });
});

describe('gbdt on the benchmark table', () => {
  const dir = new URL('../../../../shared/bench/', import.meta.url).pathname;
  const present = existsSync(`${dir}gbdt_train.csv`) && existsSync(`${dir}gbdt_test.csv`);
  if (!present) {
    if (process.env.CI === 'true') throw new Error(`benchmark data absent at ${dir}, and CI=true requires it`);
    process.stdout.write(`skipping gbdt benchmark-table test: ${dir}gbdt_{train,test}.csv not found\n`);
  }
  it.runIf(present)('200 rounds, depth 6, lr 0.1, 256 bins: test AUC >= 0.946', () => {
    const tr = toDataset(readNumericCsv(`${dir}gbdt_train.csv`), 'label');
    const te = toDataset(readNumericCsv(`${dir}gbdt_test.csv`), 'label');
    const m = trainGbdt(tr.X, tr.y, { rounds: 200, maxDepth: 6, learningRate: 0.1, maxBins: 256 });
    expect(rocAuc(te.y, gbdtPredict(m, te.X))).toBeGreaterThanOrEqual(0.946);
  });
});
