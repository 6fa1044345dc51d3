/**
 * A small strict CSV reader for the feature and indicator commands: a long
 * table (date, [open, high, low,] close[, volume]) or a wide close-only table
 * (date, SYM1, SYM2, ...). Kept minimal on purpose until the data layer's
 * src/data/csv.ts is on main; errors name the file, line and field.
 */
import { readFileSync } from 'node:fs';
import { closeOnlySeries, type BarSeries } from '../core/bar.ts';
import { DataError, type Issue } from '../core/errors.ts';
import { parseTimestamp, type Timeframe } from '../core/time.ts';

const OHLCV = ['open', 'high', 'low', 'close', 'volume'] as const;

/** Read every series of a CSV file: one for a long table, one per symbol column for a wide table. */
export function readBarsCsv(path: string, timeframe: Timeframe = '1d', symbol = 'CSV'): BarSeries[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DataError(path, [{ reason: `cannot read: ${(e as Error).message}` }]);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length < 2) throw new DataError(path, [{ reason: 'no data rows' }]);
  const header = lines[0]!.split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  const timeCol = header.findIndex((h) => h === 'date' || h === 'time' || h === 'timestamp' || h === 'datetime');
  if (timeCol < 0) throw new DataError(path, [{ line: 1, reason: 'no date/time column' }]);
  const isLong = header.includes('close');
  const names = isLong ? ['close'] : header.filter((_, i) => i !== timeCol);
  const rawHeader = lines[0]!.split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  const n = lines.length - 1;
  const time = new Float64Array(n);
  const idx = (h: string): number => header.indexOf(h);
  const cols = isLong ? OHLCV.map((f) => idx(f)) : header.map((_, i) => i).filter((i) => i !== timeCol);
  const data = cols.map(() => new Float64Array(n));
  const issues: Issue[] = [];
  for (let r = 0; r < n && issues.length < 20; r++) {
    const cells = lines[r + 1]!.split(',');
    const line = r + 2;
    const t = parseTimestamp((cells[timeCol] ?? '').replace(/^"|"$/g, ''));
    if (Number.isNaN(t)) issues.push({ line, field: header[timeCol]!, reason: `bad timestamp "${cells[timeCol] ?? ''}"` });
    else if (r > 0 && t <= time[r - 1]!) issues.push({ line, field: header[timeCol]!, reason: 'timestamps must increase' });
    time[r] = t;
    cols.forEach((c, k) => {
      if (c < 0) return;
      const x = Number(cells[c]);
      if (cells[c] === undefined || cells[c]!.trim() === '' || !Number.isFinite(x)) issues.push({ line, field: rawHeader[c]!, reason: `not a number: "${cells[c] ?? ''}"` });
      else if (x < 0 || (x === 0 && !(isLong && OHLCV[k] === 'volume'))) issues.push({ line, field: rawHeader[c]!, reason: `must be positive, got ${x}` });
      data[k]![r] = x;
    });
  }
  if (issues.length > 0) throw new DataError(path, issues);
  if (!isLong) return names.map((_, k) => closeOnlySeries(rawHeader.filter((_, i) => i !== timeCol)[k]!, timeframe, time, data[k]!));
  const [o, h, l, , v] = cols;
  const close = data[3]!;
  const fields = { open: o! >= 0, high: h! >= 0, low: l! >= 0, volume: v! >= 0 };
  const s: BarSeries = {
    symbol,
    timeframe,
    time,
    open: fields.open ? data[0]! : close,
    high: fields.high ? data[1]! : close,
    low: fields.low ? data[2]! : close,
    close,
    volume: fields.volume ? data[4]! : new Float64Array(n).fill(NaN),
    fields,
  };
  if (fields.high && fields.low) {
    for (let i = 0; i < n && issues.length < 20; i++) if (s.high[i]! < s.low[i]!) issues.push({ line: i + 2, field: 'high', reason: `high ${s.high[i]} < low ${s.low[i]}` });
    if (issues.length > 0) throw new DataError(path, issues);
  }
  return [s];
}
