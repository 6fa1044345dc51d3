import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AtrStream } from './atrStream.ts';

/** TTR's ATR(hlc, 14) on ttrc.csv (test/fixtures/ttr_ttrc.csv, made by ttr_fixtures.R). */
describe('AtrStream matches TTR ATR(14) on ttrc', () => {
  it('to 1e-9 on every bar', () => {
    const bars = readFileSync('data/sample/ttrc.csv', 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const fx = readFileSync('test/fixtures/ttr_ttrc.csv', 'utf8').trim().split('\n');
    const col = fx[0]!.split(',').map((h) => h.replace(/"/g, '')).indexOf('atr_14');
    const ref = fx.slice(1).map((l) => (l.split(',')[col] === '' ? NaN : Number(l.split(',')[col])));
    expect(ref.length).toBe(bars.length);
    const atr = new AtrStream(14);
    let compared = 0;
    bars.forEach(([, , h, l, c], i) => {
      const v = atr.update(h!, l!, c!);
      if (Number.isNaN(ref[i]!)) expect(v).toBeNaN();
      else {
        expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-9 * Math.max(1, ref[i]!));
        compared++;
      }
    });
    expect(compared).toBe(bars.length - 14);
    expect(atr.isStable).toBe(true);
  });
});
