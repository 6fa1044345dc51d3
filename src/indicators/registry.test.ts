import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getIndicator, INDICATORS, resolveParams } from './registry.ts';
import type { Columns } from './types.ts';

const lines = readFileSync('data/sample/ttrc.csv', 'utf8').trim().split('\n').slice(1);
const col = (k: number): Float64Array => Float64Array.from(lines, (l) => Number(l.split(',')[k]));
const time = Float64Array.from(lines, (l) => Date.parse(`${l.split(',')[0]}T00:00:00Z`));
const cols: Columns = { open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5), time };

function close(a: number, b: number, tol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a));
}

describe('indicator registry', () => {
  it('has at least 50 indicators, each with a doc, outputs and valid defaults', () => {
    expect(INDICATORS.size).toBeGreaterThanOrEqual(50);
    for (const d of INDICATORS.values()) {
      expect(d.doc.length).toBeGreaterThan(5);
      expect(d.outputs.length).toBeGreaterThan(0);
      expect(() => resolveParams(d)).not.toThrow();
    }
  });

  for (const def of INDICATORS.values()) {
    it(`${def.name}: streaming equals batch to 1e-12 and the warm-up is as registered`, () => {
      const p = resolveParams(def);
      const batch = def.batch(cols, p);
      expect(batch.length).toBe(def.outputs.length);
      const s = def.stream(p);
      const n = cols.close.length;
      const warm = def.warmup(p);
      let bad = '';
      for (let i = 0; i < n && !bad; i++) {
        s.update({ open: cols.open![i]!, high: cols.high![i]!, low: cols.low![i]!, close: cols.close[i]!, volume: cols.volume![i]!, time: time[i]! } as never);
        for (let j = 0; j < batch.length; j++) {
          if (!close(batch[j]![i]!, s.values[j]!, 1e-12)) bad = `${def.outputs[j]} bar ${i}: batch ${batch[j]![i]} stream ${s.values[j]}`;
        }
        if (i === warm - 1) expect(s.isStable).toBe(false);
        if (i === warm) expect(s.isStable).toBe(true);
      }
      expect(bad).toBe('');
      // Every output has a value from the registered warm-up on, and (for windowed outputs) none before.
      for (let j = 0; j < batch.length; j++) expect(Number.isFinite(batch[j]![warm]!)).toBe(true);
      if (warm > 0) expect(batch.some((b) => Number.isNaN(b[warm - 1]!))).toBe(true);
    });
  }

  it('rejects unknown indicators and bad parameters with a clear message', () => {
    expect(() => getIndicator('nope')).toThrow(/unknown indicator "nope"/);
    expect(() => resolveParams(getIndicator('sma'), { n: 0 })).toThrow(/sma: parameter n=0/);
    expect(() => resolveParams(getIndicator('sma'), { m: 3 })).toThrow(/unknown parameter "m"/);
  });

  it('dispersion statistics do not lose precision at a price level of 65,000', () => {
    const n = cols.close.length;
    const shifted: Columns = { close: new Float64Array(n) };
    for (let i = 0; i < n; i++) shifted.close[i] = cols.close[i]! + 65_000;
    const checks: [string, string][] = [
      ['runsd', 'sd'],
      ['bbands', 'pctb'],
      ['zscore', 'zscore'],
      ['skew', 'skew'],
      ['kurtosis', 'kurtosis'],
    ];
    for (const [name, out] of checks) {
      const d = getIndicator(name);
      const p = resolveParams(d);
      const j = d.outputs.indexOf(out);
      const a = d.batch({ close: cols.close }, p)[j]!;
      const b = d.batch(shifted, p)[j]!;
      let worst = 0;
      for (let i = d.warmup(p); i < n; i++) if (Number.isFinite(a[i]!)) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!)));
      expect(worst, name).toBeLessThan(1e-6);
    }
  });
});
