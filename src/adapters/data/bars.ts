import type { BarSeries } from '../../core/bar.ts';
import { MS_PER_DAY, MS_PER_MINUTE, nyOffsetMinutes, TIMEFRAME_MINUTES, type Timeframe } from '../../core/time.ts';
import type { ParsedCsv } from '../../data/csv.ts';
import { tableToSeries } from '../../data/csvSeries.ts';
import { regularSessionOnly } from '../../data/resample.ts';
import { validateCsv } from '../../data/validate.ts';

/** Bars as a remote API returns them: times at the bar's start (epoch ms), values possibly null. */
export interface RawBars {
  start: number[];
  open: (number | null | undefined)[];
  high: (number | null | undefined)[];
  low: (number | null | undefined)[];
  close: (number | null | undefined)[];
  volume: (number | null | undefined)[];
}

/**
 * Turn a remote response into a validated series in our conventions: daily bars
 * at 00:00 UTC of their New York date, intraday bars stamped at their close and
 * limited to the regular session. Rows the validator rejects (null prices, high <
 * low, duplicates) are dropped or fixed, as `data validate --repair` would.
 */
export function toSeries(source: string, symbol: string, tf: Timeframe, raw: RawBars): BarSeries {
  const n = raw.start.length;
  const time = new Float64Array(n);
  const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const rowOk = new Uint8Array(n);
  const shift = TIMEFRAME_MINUTES[tf] * MS_PER_MINUTE;
  const num = (x: number | null | undefined): number => (typeof x === 'number' ? x : NaN);
  for (let i = 0; i < n; i++) {
    const t = raw.start[i]!;
    time[i] = tf === '1d' ? Math.floor((t + nyOffsetMinutes(t) * MS_PER_MINUTE) / MS_PER_DAY) * MS_PER_DAY : t + shift;
    cols[0]![i] = num(raw.open[i]);
    cols[1]![i] = num(raw.high[i]);
    cols[2]![i] = num(raw.low[i]);
    cols[3]![i] = num(raw.close[i]);
    const v = num(raw.volume[i]);
    cols[4]![i] = v === v ? v : 0;
    rowOk[i] = cols[3]![i] === cols[3]![i] && cols[0]![i] === cols[0]![i] ? 1 : 0;
  }
  const table: ParsedCsv = {
    source,
    kind: 'ohlcv',
    header: ['time', 'open', 'high', 'low', 'close', 'volume'],
    timeColumn: 'time',
    timeIsIndex: false,
    columns: ['open', 'high', 'low', 'close', 'volume'],
    ignored: [],
    rows: n,
    time,
    values: cols,
    lines: Int32Array.from({ length: n }, (_, i) => i + 1),
    rowOk,
    issues: [],
    issueCount: 0,
  };
  const report = validateCsv(table, { repair: true });
  return regularSessionOnly(tableToSeries(report.table, { symbol, timeframe: tf })[0]!);
}
