import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from '../../core/time.ts';
import { heldOutSplit, heldOutStart } from './train.ts';
import type { PooledRows } from './tradeLabels.ts';

/** One row a day from `start` for `days` days, each trade closing `hold` days later. */
function rows(start: number, days: number, hold: number): PooledRows {
  const t0 = Float64Array.from({ length: days }, (_, i) => start + i * MS_PER_DAY);
  return {
    columns: ['x'],
    data: Float64Array.from({ length: days }, (_, i) => i),
    rows: days,
    y: Float64Array.from({ length: days }, (_, i) => i % 2),
    ret: new Float64Array(days),
    t0,
    t1: t0.map((t) => t + hold * MS_PER_DAY),
    symbol: Array.from({ length: days }, () => 'A'),
  };
}

describe('held-out split', () => {
  it('starts the held-out rows at the nearest 1 January when it holds out 10-35%, else at the fraction', () => {
    // 1991-01-01 .. 2000-12-31: the last 20% start in 1999-01; 1999-01-01 holds out 20.0%.
    const d = rows(Date.UTC(1991, 0, 1), 3653, 28);
    expect(new Date(heldOutStart(d, 0.2)).toISOString().slice(0, 10)).toBe('1999-01-01');
    // 500 days from 2023-03-01: the nearest 1 January (2024) would hold out 61%: keep the 20% row.
    const e = rows(Date.UTC(2023, 2, 1), 500, 28);
    expect(heldOutStart(e, 0.2)).toBe(e.t0[400]);
  });

  it('purges every training row whose trade closes on or after the first held-out signal', () => {
    const d = rows(Date.UTC(1991, 0, 1), 3653, 28);
    const from = Date.UTC(1999, 0, 1);
    const { train, test, purged } = heldOutSplit(d, from);
    expect(test.t0[0]).toBe(from);
    expect(purged).toBe(28);
    expect(train.rows + purged + test.rows).toBe(d.rows);
    expect(Math.max(...train.t1)).toBeLessThan(from);
    expect(() => heldOutSplit(d, Date.UTC(2001, 0, 1))).toThrow(/too few to hold out the rows from 2001-01-01/);
  });
});
