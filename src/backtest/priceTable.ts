import { allocSeries, closeOnlySeries, type BarSeries } from '../core/bar.ts';
import { DataError, type Issue } from '../core/errors.ts';
import { parseTimestamp } from '../core/time.ts';
import type { PortfolioData } from './portfolioRules.ts';

/**
 * A price CSV as the backtest command reads it: long OHLCV (a `close` column,
 * optional open/high/low/volume) or wide closes (one column per symbol, such as
 * dowjones30.csv). The first column is the timestamp; rows strictly increase in time.
 * (A strict reader local to the backtest; the data layer's csv module can replace it.)
 */
export type PriceTable = { kind: 'ohlcv'; series: BarSeries } | { kind: 'wide'; data: PortfolioData };

/** Parsed signal columns from a `--signals` file, aligned to the price bars. */
export type SignalTable =
  | { kind: 'flags'; entries: Uint8Array; exits: Uint8Array }
  | { kind: 'weight'; target: Float64Array }
  | { kind: 'weights'; symbols: string[]; weights: Float64Array[] };

const MAX_ISSUES = 20;

function splitRows(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/);
}

function cells(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/** Read a price CSV (see `PriceTable`); throws DataError naming file, line and field. */
export function parsePriceCsv(text: string, source: string, symbol = 'ASSET'): PriceTable {
  const rows = splitRows(text);
  const head = cells(rows[0] ?? '').map((h) => h.toLowerCase());
  const issues: Issue[] = [];
  if (head.length < 2) throw new DataError(source, [{ line: 1, reason: 'expected a header with a timestamp column and prices' }]);
  const ci = head.indexOf('close') >= 0 ? head.indexOf('close') : head.indexOf('adj_close');
  const data: string[][] = [];
  const lineNo: number[] = [];
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.trim() === '') continue;
    const c = cells(rows[i]!);
    if (c.length !== head.length) {
      issues.push({ line: i + 1, reason: `expected ${head.length} fields, found ${c.length}` });
      if (issues.length >= MAX_ISSUES) break;
      continue;
    }
    data.push(c);
    lineNo.push(i + 1);
  }
  const n = data.length;
  if (n === 0 && issues.length === 0) issues.push({ reason: 'no data rows' });
  const time = new Float64Array(n);
  for (let r = 0; r < n && issues.length < MAX_ISSUES; r++) {
    const t = parseTimestamp(data[r]![0]!);
    if (Number.isNaN(t)) issues.push({ line: lineNo[r]!, field: head[0]!, reason: `not a timestamp: "${data[r]![0]}"` });
    else if (r > 0 && !(t > time[r - 1]!)) issues.push({ line: lineNo[r]!, field: head[0]!, reason: 'timestamps must strictly increase' });
    time[r] = t;
  }
  const num = (r: number, k: number, allowNaN: boolean): number => {
    const raw = data[r]![k]!;
    const v = raw === '' && allowNaN ? NaN : Number(raw);
    if (!allowNaN && !(Number.isFinite(v) && v > 0) && issues.length < MAX_ISSUES) issues.push({ line: lineNo[r]!, field: head[k]!, reason: `expected a positive number, got "${raw}"` });
    return v;
  };
  if (ci >= 0) {
    const has = (f: string): number => head.indexOf(f);
    const [oi, hi, li, vi] = [has('open'), has('high'), has('low'), has('volume')];
    const full = oi >= 0 && hi >= 0 && li >= 0;
    const close = new Float64Array(n);
    for (let r = 0; r < n; r++) close[r] = num(r, ci, false);
    let series: BarSeries;
    if (full) {
      series = allocSeries(symbol, '1d', n, { open: true, high: true, low: true, volume: vi >= 0 });
      series.time.set(time);
      series.close.set(close);
      for (let r = 0; r < n; r++) {
        series.open[r] = num(r, oi, false);
        series.high[r] = num(r, hi, false);
        series.low[r] = num(r, li, false);
        series.volume[r] = vi >= 0 ? num(r, vi, true) : NaN;
        if (series.high[r]! < series.low[r]! && issues.length < MAX_ISSUES) issues.push({ line: lineNo[r]!, reason: `high ${series.high[r]} < low ${series.low[r]}` });
      }
    } else series = closeOnlySeries(symbol, '1d', time, close);
    if (issues.length > 0) throw new DataError(source, issues);
    return { kind: 'ohlcv', series };
  }
  const symbols = cells(rows[0]!).slice(1);
  const close = symbols.map((_, j) => {
    const col = new Float64Array(n);
    for (let r = 0; r < n; r++) col[r] = num(r, j + 1, false);
    return col;
  });
  if (issues.length > 0) throw new DataError(source, issues);
  return { kind: 'wide', data: { symbols, time, close } };
}

/**
 * Read a `--signals` CSV and align it to the price bars by timestamp:
 * `date,entry,exit` (1/0/true/false), `date,weight` (target fraction of equity),
 * or `date,SYM1,SYM2,...` (target weights per symbol). Bars missing from the file
 * get no signal (weights NaN = hold); a row whose time is not a price bar is an error.
 */
export function parseSignalsCsv(text: string, source: string, barTimes: Float64Array): SignalTable {
  const rows = splitRows(text);
  const rawHead = cells(rows[0] ?? '');
  const head = rawHead.map((h) => h.toLowerCase());
  const n = barTimes.length;
  const at = new Map<number, number>();
  barTimes.forEach((t, i) => at.set(t, i));
  const issues: Issue[] = [];
  const kind = head.includes('entry') && head.includes('exit') ? 'flags' : head.length === 2 && head[1] === 'weight' ? 'weight' : 'weights';
  const entries = new Uint8Array(n);
  const exits = new Uint8Array(n);
  const cols = rawHead.slice(1).map(() => new Float64Array(n).fill(NaN));
  const flag = (raw: string, line: number, field: string): number => {
    const v = raw.toLowerCase();
    if (v === '1' || v === 'true') return 1;
    if (v === '0' || v === 'false' || v === '') return 0;
    issues.push({ line, field, reason: `expected 1/0/true/false, got "${raw}"` });
    return 0;
  };
  for (let i = 1; i < rows.length && issues.length < MAX_ISSUES; i++) {
    if (rows[i]!.trim() === '') continue;
    const c = cells(rows[i]!);
    if (c.length !== head.length) {
      issues.push({ line: i + 1, reason: `expected ${head.length} fields, found ${c.length}` });
      continue;
    }
    const t = parseTimestamp(c[0]!);
    const bar = at.get(t);
    if (bar === undefined) {
      issues.push({ line: i + 1, field: rawHead[0]!, reason: Number.isNaN(t) ? `not a timestamp: "${c[0]}"` : `${c[0]} is not a bar of the price file` });
      continue;
    }
    if (kind === 'flags') {
      entries[bar] = flag(c[head.indexOf('entry')]!, i + 1, 'entry');
      exits[bar] = flag(c[head.indexOf('exit')]!, i + 1, 'exit');
    } else {
      for (let k = 1; k < c.length; k++) {
        const v = c[k] === '' ? NaN : Number(c[k]);
        if (c[k] !== '' && !Number.isFinite(v)) issues.push({ line: i + 1, field: rawHead[k]!, reason: `expected a number, got "${c[k]}"` });
        cols[k - 1]![bar] = v;
      }
    }
  }
  if (issues.length > 0) throw new DataError(source, issues);
  if (kind === 'flags') return { kind, entries, exits };
  if (kind === 'weight') return { kind, target: cols[0]! };
  return { kind: 'weights', symbols: rawHead.slice(1), weights: cols };
}
