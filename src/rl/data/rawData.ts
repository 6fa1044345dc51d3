/**
 * `data/raw/`: one OHLC(V) CSV per symbol (`Nifty_2.csv` -> symbol `Nifty_2`), read through
 * the data layer's validating parser, which rejects a row whose high is below max(open, close)
 * or whose low is above min(open, close), naming the file and line. Without CSVs there, the
 * bundled TTRC daily OHLCV fills in.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataError } from '../../core/errors.ts';
import { tableToSeries } from '../../data/csvSeries.ts';
import { readCsvFile } from '../../data/loadCsv.ts';
import { type InstrumentSeries, sampleDaily } from './sampleDatasets.ts';

/** Reads one raw OHLC CSV; throws DataError for a file without OHLC columns or with inconsistent bars. */
export function loadRawFile(path: string, type = 'raw'): InstrumentSeries {
  const report = readCsvFile(path);
  if (report.table.kind !== 'ohlcv') {
    throw new DataError(path, [{ line: 1, reason: `needs open, high, low and close columns (found ${report.table.columns.join(', ')})` }]);
  }
  const symbol = basename(path).replace(/\.csv$/i, '');
  const s = tableToSeries(report.table, { symbol })[0]!;
  return { instrument: symbol, type, timeframe: s.timeframe, time: s.time, open: s.open, high: s.high, low: s.low, close: s.close, volume: s.volume };
}

/** Every `*.csv` in `dir` as one instrument each (sorted by name); the bundled TTRC when there are none. */
export function loadRawData(dir: string): InstrumentSeries[] {
  const names = existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.csv')).sort() : [];
  if (names.length === 0) return sampleDaily().filter((s) => s.instrument === 'TTRC');
  return names.map((n) => loadRawFile(join(dir, n)));
}
