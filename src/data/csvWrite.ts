import type { BarSeries } from '../core/bar.ts';
import { toIso } from '../core/time.ts';
import type { ParsedCsv } from './csv.ts';

function num(x: number): string {
  return Number.isFinite(x) ? String(x) : '';
}

/** A bar series as CSV text (`time,open,high,low,close,volume`, ISO UTC times; dates alone for daily bars at midnight). */
export function seriesToCsv(s: BarSeries): string {
  const parts: string[] = [s.fields.volume ? 'time,open,high,low,close,volume' : s.fields.open ? 'time,open,high,low,close' : 'time,close'];
  for (let i = 0; i < s.time.length; i++) {
    const t = toIso(s.time[i]!, s.timeframe === '1d');
    if (!s.fields.open) parts.push(`${t},${num(s.close[i]!)}`);
    else {
      const row = `${t},${num(s.open[i]!)},${num(s.high[i]!)},${num(s.low[i]!)},${num(s.close[i]!)}`;
      parts.push(s.fields.volume ? `${row},${num(s.volume[i]!)}` : row);
    }
  }
  return `${parts.join('\n')}\n`;
}

/** A parsed (possibly repaired) table back to CSV, keeping its time column name and value columns. */
export function tableToCsv(t: ParsedCsv): string {
  const head = t.timeColumn !== undefined ? [t.timeColumn, ...t.columns] : [...t.columns];
  const out: string[] = [head.join(',')];
  for (let i = 0; i < t.rows; i++) {
    const cells: string[] = [];
    if (t.timeColumn !== undefined) cells.push(t.timeIsIndex ? String(t.time[i]) : toIso(t.time[i]!, true));
    for (const v of t.values) cells.push(num(v[i]!));
    out.push(cells.join(','));
  }
  return `${out.join('\n')}\n`;
}
