import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeTtrColumns, TTR_COLUMNS } from './ttrColumns.ts';
import { ALL_FIELDS, CLOSE_ONLY } from '../core/bar.ts';

function readCsv(path: string): { header: string[]; cols: Map<string, string[]> } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',').map((h) => h.replace(/"/g, ''));
  const cols = new Map(header.map((h) => [h, [] as string[]]));
  for (const line of lines.slice(1)) line.split(',').forEach((v, i) => cols.get(header[i]!)!.push(v.replace(/"/g, '')));
  return { header, cols };
}

const data = readCsv('data/sample/ttrc.csv');
const ref = readCsv('test/fixtures/ttr_ttrc.csv');
const num = (name: string): Float64Array => Float64Array.from(data.cols.get(name)!, Number);
const cols = { open: num('open'), high: num('high'), low: num('low'), close: num('close'), volume: num('volume') };

describe('TTR reference columns on ttrc.csv', () => {
  const ours = new Map(computeTtrColumns(cols, ALL_FIELDS).map((r) => [r.column, r.values]));
  it('covers every fixture column', () => {
    const fixtureCols = ref.header.filter((h) => h !== 'date' && h !== 'close');
    expect(TTR_COLUMNS.map((c) => c.column)).toEqual(fixtureCols);
    expect([...ours.keys()]).toEqual(fixtureCols);
  });
  for (const c of TTR_COLUMNS) {
    it(`${c.column} matches TTR to 1e-9 with NA exactly where TTR has NA`, () => {
      const want = ref.cols.get(c.column)!;
      const got = ours.get(c.column)!;
      expect(got.length).toBe(want.length);
      const bad: string[] = [];
      for (let i = 0; i < want.length; i++) {
        const w = want[i]!;
        const g = got[i]!;
        if (w === '' || w === 'NA') {
          if (!Number.isNaN(g)) bad.push(`row ${i}: TTR NA, ours ${g}`);
        } else {
          const x = Number(w);
          if (!(Math.abs(g - x) <= 1e-9 * Math.max(1, Math.abs(x)))) bad.push(`row ${i}: TTR ${x}, ours ${g}`);
        }
        if (bad.length >= 5) break;
      }
      expect(bad).toEqual([]);
    });
  }
  it('close-only input gives exactly the close-only columns', () => {
    const closeOnly = computeTtrColumns({ close: cols.close }, CLOSE_ONLY).map((r) => r.column);
    expect(closeOnly).toEqual(['sma_20', 'ema_20', 'wma_20', 'dema_20', 'zlema_20', 'hma_20', 'alma_9', 'rsi_14', 'macd', 'macd_signal', 'bb_lower', 'bb_mid', 'bb_upper', 'bb_pctb', 'roc_10', 'mom_10', 'trix_15', 'trix_signal', 'cmo_14', 'dpo_20', 'runsd_20', 'kst', 'vol_cc_10']);
  });
});
