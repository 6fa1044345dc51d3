import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { applyBins, binOf, MISSING_BIN, quantileCuts } from './binning.ts';

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
