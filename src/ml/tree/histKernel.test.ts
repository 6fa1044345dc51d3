import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { binMatrix } from './binning.ts';
import { TreeGrower, type GrowParams } from './grow.ts';
import { HistArena } from './histKernel.ts';
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

describe('wasm histogram kernels', () => {
  it('are available on this host (Node 20 has WebAssembly SIMD)', () => {
    expect(HistArena.create(10, 8, 7, 2)).not.toBeNull();
  });

  it('grow the same trees, bit for bit, as the JS kernels (all slots, few slots, none)', () => {
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
    const cases: [GrowParams, Int32Array, Int32Array][] = [
      [base, all, rows],
      [{ ...base, growth: 'leafwise', maxLeaves: 20, maxDepth: 0 }, all, rows],
      [{ ...base, minChildWeight: 0 }, all, sub], // row subsample
      [base, Int32Array.from([0, 3, 4, 9]), rows], // column subsample: the JS kernel on arena slots
    ];
    const growers = [new TreeGrower(binned, undefined, 0), new TreeGrower(binned), new TreeGrower(binned, undefined, 3)];
    for (const [p, feats, rs] of cases) {
      const [want, ...got] = growers.map((gr) => JSON.stringify(treeToJson(gr.grow(g, h, rs, rs.length, feats, p))));
      expect(JSON.parse(want!).feature.filter((f: number) => f >= 0).length).toBeGreaterThan(5);
      for (const s of got) expect(s).toBe(want);
      // leaf values land on the same rows
      const preds = growers.map((gr) => {
        const out = new Float64Array(n);
        gr.grow(g, h, rs, rs.length, feats, p);
        gr.addLeafValues(out);
        return Array.from(out);
      });
      expect(preds[1]).toEqual(preds[0]);
      expect(preds[2]).toEqual(preds[0]);
    }
  });
});
