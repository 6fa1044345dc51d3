/** The two bundled sample files the backtest tests use, read through the data layer. */
import { fileURLToPath } from 'node:url';
import type { BarSeries } from '../../src/core/bar.ts';
import { loadCsvSeries } from '../../src/data/loadCsv.ts';

const sample = (name: string): string => fileURLToPath(new URL(`../../data/sample/${name}`, import.meta.url));

/** data/sample/ttrc.csv as an OHLCV series. */
export function loadTtrc(): BarSeries {
  return loadCsvSeries(sample('ttrc.csv'), { symbol: 'TTRC' })[0]!;
}

/** data/sample/dowjones30.csv: symbols, times and one close column per symbol. */
export function loadDow(): { symbols: string[]; time: Float64Array; closes: Float64Array[] } {
  const all = loadCsvSeries(sample('dowjones30.csv'));
  return { symbols: all.map((s) => s.symbol), time: all[0]!.time, closes: all.map((s) => s.close) };
}
