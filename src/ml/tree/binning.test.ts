import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { applyBins, binMatrix, binOf, MISSING_BIN, quantileCuts } from './binning.ts';
import { HistogramPool } from './histogramPool.ts';

describe('applyBins', () => {
  it('codes every value as binOf does: cut values, infinities, NaN, few and many cuts', () => {
    const r = new Rng(2);
    const n = 3000;
    const cols = [0, 1, 3, 7, 100, 254];
    const data = new Float64Array(n * cols.length);
    const cuts = cols.map((k, j) => {
      const c = Float64Array.from({ length: k }, () => r.normal()).sort();
      for (let i = 0; i < n; i++) {
        const u = r.next();
        data[j * n + i] = u < 0.05 ? NaN : u < 0.1 ? Infinity : u < 0.15 ? -Infinity : u < 0.3 && k > 0 ? c[r.int(k)]! : r.normal();
      }
      return c;
    });
    const b = applyBins({ data, rows: n, cols: cols.length }, cuts);
    for (let j = 0; j < cols.length; j++) {
      expect(b.nBins[j]).toBe(cols[j]! + 1);
      for (let i = 0; i < n; i++) expect(b.bins[j * n + i]).toBe(binOf(cuts[j]!, data[j * n + i]!));
    }
    expect(Array.from(b.bins).filter((x) => x === MISSING_BIN).length).toBeGreaterThan(0);
    // the 254-cut column: +Infinity is bin 254, never the missing code
    expect(b.bins[5 * n + Array.from(data.subarray(5 * n)).indexOf(Infinity)]).toBe(254);
    expect(quantileCuts(data.subarray(5 * n, 6 * n), 255).length).toBeLessThanOrEqual(254);
  });
});

describe('binning on a pool', () => {
  it('gives the same cuts, codes and bin counts as binMatrix (features shared out across threads)', async () => {
    const r = new Rng(5);
    const n = 2500;
    const cols = 9;
    const data = new Float64Array(n * cols);
    for (let j = 0; j < cols; j++) {
      for (let i = 0; i < n; i++) {
        // normals, a 3-valued column, an all-NaN column, NaN-heavy, constant, heavy ties
        const v = j === 1 ? r.int(3) : j === 4 ? 2.5 : j === 5 ? Math.round(4 * r.normal()) : r.normal();
        data[j * n + i] = j === 2 || (j === 3 && r.next() < 0.4) ? NaN : v;
      }
    }
    const X = { data, rows: n, cols };
    const pool = await HistogramPool.create(3);
    try {
      for (const maxBins of [256, 16, 2]) {
        const want = binMatrix(X, maxBins);
        const got = pool.binMatrix(X, maxBins);
        expect(Array.from(got.nBins)).toEqual(Array.from(want.nBins));
        expect(got.cuts.map((c) => Array.from(c))).toEqual(want.cuts.map((c) => Array.from(c)));
        expect(Buffer.from(got.bins).equals(Buffer.from(want.bins))).toBe(true);
      }
    } finally {
      await pool.close();
    }
  });
});
