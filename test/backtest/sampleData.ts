/** Test-only readers of the two bundled sample files (the data layer's csv parser replaces these once merged). */
import { readFileSync } from 'node:fs';
import { allocSeries, type BarSeries } from '../../src/core/bar.ts';
import { parseTimestamp } from '../../src/core/time.ts';

const root = new URL('../../', import.meta.url);

/** data/sample/ttrc.csv as an OHLCV series. */
export function loadTtrc(): BarSeries {
  const lines = readFileSync(new URL('data/sample/ttrc.csv', root), 'utf8').trim().split('\n').slice(1);
  const s = allocSeries('TTRC', '1d', lines.length);
  lines.forEach((l, i) => {
    const f = l.split(',');
    s.time[i] = parseTimestamp(f[0]!);
    s.open[i] = +f[1]!;
    s.high[i] = +f[2]!;
    s.low[i] = +f[3]!;
    s.close[i] = +f[4]!;
    s.volume[i] = +f[5]!;
  });
  return s;
}

/** data/sample/dowjones30.csv: symbols, times and one close column per symbol. */
export function loadDow(): { symbols: string[]; time: Float64Array; closes: Float64Array[] } {
  const lines = readFileSync(new URL('data/sample/dowjones30.csv', root), 'utf8').trim().split('\n');
  const symbols = lines[0]!.split(',').slice(1);
  const rows = lines.slice(1);
  const time = new Float64Array(rows.length);
  const closes = symbols.map(() => new Float64Array(rows.length));
  rows.forEach((l, i) => {
    const f = l.split(',');
    time[i] = parseTimestamp(f[0]!);
    for (let j = 0; j < symbols.length; j++) closes[j]![i] = +f[j + 1]!;
  });
  return { symbols, time, closes };
}
