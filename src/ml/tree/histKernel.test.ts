import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { binMatrix } from './binning.ts';
import { TreeGrower, type GrowParams } from './grow.ts';
import { HistArena, chunkFeatures } from './histKernel.ts';
import { HistogramPool } from './histogramPool.ts';
import { HIST_STRIDE } from './histogram.ts';
import { findBestSplit, noSplit } from './split.ts';
import { treeToJson } from './tree.ts';

/** Columns of mixed shape: normals, a 3-valued column, a constant one, and NaNs sprinkled in. */
function table(n: number, cols: number, seed: number): { data: Float64Array; rows: number; cols: number } {
  const r = new Rng(seed);
  const data = new Float64Array(n * cols);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < n; i++) {
      const v = j === 1 ? Math.floor(3 * r.next()) : j === 2 ? 7 : r.normal();
      data[j * n + i] = j % 3 === 0 && r.next() < 0.1 ? NaN : v;
    }
  }
  return { data, rows: n, cols };
}

const base: GrowParams = { lambda: 1, alpha: 0, gamma: 0, minChildWeight: 1, maxDepth: 6, maxLeaves: 0, growth: 'depthwise', learningRate: 0.3 };

describe('wasm histogram, partition and split-search kernels', () => {
  it('are available on this host (Node 20 has WebAssembly SIMD)', () => {
    expect(HistArena.create(10, 8, 7, 2, new Int32Array(7).fill(4))).not.toBeNull();
  });

  it('find the same split as the JS search on random histograms (empty bins, missing mass, ties of zero)', () => {
    const F = 5;
    const nBins = Int32Array.from([8, 3, 40, 255, 2]);
    const arena = HistArena.create(4, 8, F, 1, nBins)!;
    const hist = arena.take()!;
    const r = new Rng(9);
    const all = Int32Array.from([0, 1, 2, 3, 4]);
    let splits = 0;
    for (let trial = 0; trial < 400; trial++) {
      hist.fill(0);
      let G = 0;
      let H = 0;
      for (let f = 0; f < F; f++) {
        for (const b of [...Array(nBins[f]!).keys(), 255]) {
          // about half the bins empty, bin 0 often among them; missing mass on some features
          if (r.next() < 0.5 || (b === 255 && f % 2 === 1)) continue;
          const g = (b === 255 ? 3 : 1) * r.normal();
          const h = r.next() * 2;
          hist[f * HIST_STRIDE + 2 * b] = g;
          hist[f * HIST_STRIDE + 2 * b + 1] = h;
          if (f === 0) {
            G += g;
            H += h;
          }
        }
      }
      const p = { lambda: trial % 3 === 0 ? 0 : 1, alpha: 0, gamma: trial % 4 === 0 ? 0.1 : 0, minChildWeight: trial % 5 === 0 ? 0 : 0.5 };
      const feats = trial % 7 === 0 ? Int32Array.from([3, 1]) : all;
      const want = noSplit();
      const got = noSplit();
      findBestSplit(hist, feats, nBins, G, H, p, want);
      expect(arena.findSplit(hist, feats, G, H, p, got)).toBe(true);
      expect(got.feature).toBe(want.feature);
      if (want.feature >= 0) {
        splits++;
        expect(got).toEqual(want);
      }
    }
    expect(splits).toBeGreaterThan(100);
    expect(arena.findSplit(hist, all, 0, 1, { lambda: 1, alpha: 0.5, gamma: 0, minChildWeight: 1 }, noSplit())).toBe(false);
  });

  it('split the features into contiguous in-order parts, sizes within one', () => {
    for (const [F, parts] of [[40, 2], [11, 3], [2, 3], [1, 4]] as const) {
      const bounds = Array.from({ length: parts }, (_, k) => chunkFeatures(F, parts, k));
      expect(bounds[0]![0]).toBe(0);
      expect(bounds[parts - 1]![1]).toBe(F);
      for (let k = 1; k < parts; k++) expect(bounds[k]![0]).toBe(bounds[k - 1]![1]);
      const sizes = bounds.map(([a, b]) => b - a);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  const n = 3000;
  const cols = 11; // stride 12: pad columns in every row
  const X = table(n, cols, 7);
  const binned = binMatrix(X, 64);
  const r = new Rng(1);
  const g = Float64Array.from({ length: n }, () => r.normal());
  const h = Float64Array.from({ length: n }, () => 0.1 + r.next());
  const all = Int32Array.from({ length: cols }, (_, j) => j);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const sub = Int32Array.from({ length: n >> 1 }, (_, i) => 2 * i + 1);
  /** Tree JSON and leaf values per row of one grower on one case. */
  const grown = (gr: TreeGrower, p: GrowParams, feats: Int32Array, rs: Int32Array): [string, number[]] => {
    const tree = JSON.stringify(treeToJson(gr.grow(g, h, rs, rs.length, feats, p)));
    const out = new Float64Array(n);
    gr.addLeafValues(out);
    return [tree, Array.from(out)];
  };

  it('grow the same trees, bit for bit, as the JS kernels (all slots, few slots, none)', () => {
    const cases: [GrowParams, Int32Array, Int32Array][] = [
      [base, all, rows],
      [{ ...base, growth: 'leafwise', maxLeaves: 20, maxDepth: 0 }, all, rows],
      [{ ...base, minChildWeight: 0 }, all, sub], // row subsample
      [base, Int32Array.from([0, 3, 4, 9]), rows], // column subsample: the JS histogram kernel on arena slots
      [{ ...base, lambda: 0, minChildWeight: 0, maxDepth: 4 }, all, rows], // 0/0 scores on empty leading bins
      [{ ...base, alpha: 0.3, gamma: 0.05 }, all, rows], // L1: the JS split search on arena slots
    ];
    const growers = [new TreeGrower(binned, undefined, 0), new TreeGrower(binned), new TreeGrower(binned, undefined, 3)];
    for (const [p, feats, rs] of cases) {
      // same tree, and leaf values land on the same rows
      const [want, ...got] = growers.map((gr) => grown(gr, p, feats, rs));
      expect(JSON.parse(want![0]).feature.filter((f: number) => f >= 0).length).toBeGreaterThan(5);
      for (const s of got) expect(s).toEqual(want);
    }
  });

  it('grow the same trees on a pool of 2 and of 3 threads (shared arena, features split across threads)', async () => {
    const cases: [GrowParams, Int32Array, Int32Array][] = [
      [base, all, rows],
      [{ ...base, growth: 'leafwise', maxLeaves: 20, maxDepth: 0 }, all, rows],
      [{ ...base, minChildWeight: 0 }, all, sub],
      [{ ...base, lambda: 0, minChildWeight: 0, maxDepth: 4 }, all, rows],
      [base, Int32Array.from([0, 3, 4, 9]), rows], // column subsample: this thread alone
      [{ ...base, alpha: 0.3, gamma: 0.05 }, all, rows], // L1: this thread alone
    ];
    const single = new TreeGrower(binned);
    const want = cases.map(([p, feats, rs]) => grown(single, p, feats, rs));
    for (const threads of [2, 3]) {
      const pool = await HistogramPool.create(threads);
      try {
        // all slots, then 3 slots (deeper nodes fall back to this thread's JS kernels mid-tree)
        for (const slots of [66, 3]) {
          const gr = new TreeGrower(binned, pool, slots);
          const before = pool.tasks;
          cases.forEach(([p, feats, rs], i) => {
            const [tree, leaves] = grown(gr, p, feats, rs);
            expect(tree).toBe(want[i]![0]);
            expect(leaves).toEqual(want[i]![1]);
          });
          gr.release();
          expect(pool.tasks - before).toBeGreaterThan(slots > 3 ? 20 : 0);
        }
      } finally {
        await pool.close();
      }
    }
  });

  it('a pool with more threads than features (empty slices) grows the same trees', async () => {
    const X2 = table(800, 2, 3);
    const b2 = binMatrix(X2, 32);
    const two = Int32Array.from([0, 1]);
    const rs = Int32Array.from({ length: 800 }, (_, i) => i);
    const want = JSON.stringify(treeToJson(new TreeGrower(b2).grow(g, h, rs, 800, two, base)));
    const pool = await HistogramPool.create(3);
    try {
      const gr = new TreeGrower(b2, pool);
      expect(JSON.stringify(treeToJson(gr.grow(g, h, rs, 800, two, base)))).toBe(want);
      gr.release();
      expect(pool.tasks).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });
});
