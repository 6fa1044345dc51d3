import { describe, expect, it } from 'vitest';
import { closeOnlySeries, sliceSeries, type BarSeries } from '../../core/bar.ts';
import { Rng } from '../../core/rng.ts';
import { MS_PER_DAY } from '../../core/time.ts';
import { CROSS_SECTION_COLUMNS, crossSectionPanel, CrossSectionSnapshot, memberMeasuresAt, percentile } from './crossSection.ts';

const DAY0 = Date.UTC(2000, 0, 3);

function walk(symbol: string, n: number, seed: number, drift: number): BarSeries {
  const rng = new Rng(seed);
  const time = new Float64Array(n);
  const close = new Float64Array(n);
  let c = 50;
  for (let i = 0; i < n; i++) {
    c *= Math.exp(drift + 0.015 * rng.normal());
    time[i] = DAY0 + i * MS_PER_DAY;
    close[i] = c;
  }
  return closeOnlySeries(symbol, '1d', time, close);
}

const col = (name: string): number => CROSS_SECTION_COLUMNS.indexOf(name);
const at = (panel: Float64Array, n: number, i: number, name: string): number => panel[col(name) * n + i]!;

describe('cross-section features', () => {
  it('percentile: mean rank of ties, 0 lowest, 1 highest, NaN ignored', () => {
    expect(percentile(1, [1, 2, 3])).toBe(0);
    expect(percentile(3, [1, 2, 3])).toBe(1);
    expect(percentile(2, [1, 2, NaN, 3])).toBe(0.5);
    // Two tied at the top of four: ranks 2 and 3 -> (2 + 0.5) / 3.
    expect(percentile(5, [1, 2, 5, 5])).toBeCloseTo(2.5 / 3, 15);
    expect(percentile(7, [7])).toBe(0.5);
    expect(Number.isNaN(percentile(NaN, [1, 2]))).toBe(true);
  });

  it('measures: log returns, 12-1 momentum, volatility and SMA distance by hand', () => {
    const s = walk('A', 300, 1, 0.001);
    const c = s.close;
    const m = memberMeasuresAt(c, 299, new Float64Array(8));
    expect(m[1]).toBeCloseTo(Math.log(c[299]! / c[278]!), 14);
    expect(m[4]).toBeCloseTo(Math.log(c[299]! / c[47]!), 14);
    expect(m[5]).toBeCloseTo(Math.log(c[278]! / c[47]!), 14);
    const r = Array.from({ length: 63 }, (_, k) => Math.log(c[237 + k]! / c[236 + k]!));
    const mu = r.reduce((a, b) => a + b, 0) / 63;
    expect(m[6]).toBeCloseTo(Math.sqrt((r.reduce((a, b) => a + (b - mu) ** 2, 0) / 62) * 252), 12);
    let sma = 0;
    for (let k = 100; k < 300; k++) sma += c[k]! / 200;
    expect(m[7]).toBeCloseTo(Math.log(c[299]! / sma), 12);
    // Too little history: NaN, never a value from nowhere.
    expect(Number.isNaN(memberMeasuresAt(c, 100, new Float64Array(8))[4]!)).toBe(true);
  });

  it('ranks members on the same date, adds the market and relative returns, and the live snapshot equals the panel', () => {
    const members = [walk('UP', 320, 2, 0.004), walk('FLAT', 320, 3, 0), walk('DOWN', 320, 4, -0.004)];
    const market = walk('MKT', 320, 5, 0.001);
    const panel = crossSectionPanel(members, market);
    const n = 320;
    const last = n - 1;
    expect(at(panel.get('UP')!, n, last, 'xs_r252')).toBe(1);
    expect(at(panel.get('FLAT')!, n, last, 'xs_r252')).toBe(0.5);
    expect(at(panel.get('DOWN')!, n, last, 'xs_r252')).toBe(0);
    expect(at(panel.get('UP')!, n, last, 'mkt_r21')).toBeCloseTo(Math.log(market.close[last]! / market.close[last - 21]!), 14);
    expect(at(panel.get('DOWN')!, n, last, 'rel_r63')).toBeCloseTo(Math.log(members[2]!.close[last]! / members[2]!.close[last - 63]!) - Math.log(market.close[last]! / market.close[last - 63]!), 14);
    // At bar 290, from series cut there (as the live loader serves them): the same row.
    const cut = (s: BarSeries): BarSeries => sliceSeries(s, 0, 291);
    const snap = new CrossSectionSnapshot(members.map(cut), cut(market));
    for (const s of members) {
      const row = snap.row(cut(s));
      CROSS_SECTION_COLUMNS.forEach((name, j) => expect(row[j]).toBe(at(panel.get(s.symbol)!, n, 290, name)));
    }
  });

  it('never looks ahead: values at a bar do not change when every later bar changes', () => {
    const members = [walk('A', 300, 6, 0.001), walk('B', 300, 7, 0), walk('C', 300, 8, -0.001)];
    const market = walk('M', 300, 9, 0);
    const before = crossSectionPanel(members, market);
    const scramble = (s: BarSeries): BarSeries => {
      const c = Float64Array.from(s.close, (v, i) => (i > 270 ? v * (1 + ((i * 7919) % 13) / 10) : v));
      return closeOnlySeries(s.symbol, '1d', s.time, c);
    };
    const after = crossSectionPanel(members.map(scramble), scramble(market));
    for (const s of members)
      for (let j = 0; j < CROSS_SECTION_COLUMNS.length; j++)
        for (let i = 0; i <= 270; i++) expect(Object.is(after.get(s.symbol)![j * 300 + i], before.get(s.symbol)![j * 300 + i])).toBe(true);
    // ... and the scrambling does reach the later bars.
    expect(after.get('A')![col('xs_r5') * 300 + 280]).not.toBe(undefined);
    expect(after.get('A')![col('mkt_r21') * 300 + 290]).not.toBe(before.get('A')![col('mkt_r21') * 300 + 290]);
  });
});
