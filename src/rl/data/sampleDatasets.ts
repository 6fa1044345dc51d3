/**
 * The bundled real sample data (data/sample) shaped as `data/final` and `data/raw` would be,
 * built at load time so the repository carries no derived copies: TTRC (stock, OHLCV), the
 * Dow 30 (stocks, closes), DAX/SMI/CAC/FTSE (indices, closes) and DEM/GBP (fx, a price level
 * rebuilt from its daily % returns), each at 1d and at 1w (five consecutive daily bars).
 */
import type { BarSeries } from '../../core/bar.ts';
import { toIsoDate } from '../../core/time.ts';
import { join } from 'node:path';
import { tableToSeries } from '../../data/csvSeries.ts';
import { readCsvFile } from '../../data/loadCsv.ts';
import { loadSampleReturns } from '../../data/providers/sample.ts';
import { SAMPLE_DIR, SAMPLE_FILES, eustockDayToTime } from '../../data/universe.ts';
import type { FinalTable } from './finalData.ts';

/** One instrument at one timeframe with its type (the MAML task key is type + timeframe). */
export interface InstrumentSeries {
  instrument: string;
  type: string;
  timeframe: string;
  /** OHLCV; close-only sources carry open = high = low = close and NaN volume. */
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  time: Float64Array;
}

function fromBars(s: BarSeries, instrument: string, type: string): InstrumentSeries {
  return { instrument, type, timeframe: '1d', time: s.time, open: s.open, high: s.high, low: s.low, close: s.close, volume: s.volume };
}

/** Aggregates every `k` consecutive bars into one (open of the first, close of the last). */
export function aggregateBars(s: InstrumentSeries, k: number, timeframe: string): InstrumentSeries {
  const n = Math.floor(s.close.length / k);
  const out: InstrumentSeries = {
    instrument: s.instrument, type: s.type, timeframe,
    time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const a = i * k;
    const b = a + k - 1;
    let hi = -Infinity;
    let lo = Infinity;
    let vol = 0;
    for (let j = a; j <= b; j++) {
      hi = Math.max(hi, s.high[j]!);
      lo = Math.min(lo, s.low[j]!);
      vol += s.volume[j]!;
    }
    out.time[i] = s.time[b]!;
    out.open[i] = s.open[a]!;
    out.high[i] = hi;
    out.low[i] = lo;
    out.close[i] = s.close[b]!;
    out.volume[i] = vol;
  }
  return out;
}

let cached: InstrumentSeries[] | undefined;

/** Every bundled instrument at 1d (daily bars as published). */
export function sampleDaily(): InstrumentSeries[] {
  if (cached) return cached;
  const out: InstrumentSeries[] = [];
  const read = (file: string, type: string, indexToTime?: (i: number) => number): void => {
    for (const s of tableToSeries(readCsvFile(join(SAMPLE_DIR, file)).table, { timeframe: '1d', symbol: 'TTRC', indexToTime })) out.push(fromBars(s, s.symbol, type));
  };
  read(SAMPLE_FILES.ttrc, 'stock');
  read(SAMPLE_FILES.dow30, 'stock');
  read(SAMPLE_FILES.eu, 'index', eustockDayToTime);
  const r = loadSampleReturns();
  const n = r.length;
  const close = new Float64Array(n);
  let level = 100;
  for (let i = 0; i < n; i++) close[i] = level *= 1 + r[i]! / 100;
  // DEM/GBP has no dates in the R data; business days from 1984-01-03 keep it ordered and daily.
  const time = new Float64Array(n);
  let d = Date.UTC(1984, 0, 3);
  for (let i = 0; i < n; i++) {
    while ([0, 6].includes(new Date(d).getUTCDay())) d += 86_400_000;
    time[i] = d;
    d += 86_400_000;
  }
  out.push({ instrument: 'DEMGBP', type: 'fx', timeframe: '1d', time, open: close, high: close, low: close, close, volume: new Float64Array(n).fill(NaN) });
  cached = out;
  return out;
}

/** Every bundled instrument at 1d and 1w. */
export function sampleInstruments(): InstrumentSeries[] {
  const daily = sampleDaily();
  return [...daily, ...daily.map((s) => aggregateBars(s, 5, '1w'))];
}

/** The sample instruments as a `data/final` table (columns date, instrument, instrument_type, timeframe, OHLCV). */
export function sampleFinalTable(): Omit<FinalTable, 'skipped'> {
  const list = sampleInstruments();
  const rows = list.reduce((s, x) => s + x.close.length, 0);
  const date = new Array<string>(rows);
  const instrument = new Array<string>(rows);
  const type = new Array<string>(rows);
  const tf = new Array<string>(rows);
  const cols = ['open', 'high', 'low', 'close', 'volume'] as const;
  const num = new Map<string, Float64Array>(cols.map((c) => [c, new Float64Array(rows)]));
  let off = 0;
  for (const s of list) {
    for (let i = 0; i < s.close.length; i++) {
      date[off + i] = toIsoDate(s.time[i]!);
      instrument[off + i] = s.instrument;
      type[off + i] = s.type;
      tf[off + i] = s.timeframe;
    }
    for (const c of cols) num.get(c)!.set(s[c], off);
    off += s.close.length;
  }
  return {
    columns: ['date', 'instrument', 'instrument_type', 'timeframe', ...cols],
    numeric: num,
    text: new Map([['date', date], ['instrument', instrument], ['instrument_type', type], ['timeframe', tf]]),
    rows,
    files: ['sample:ttrc.csv', 'sample:dowjones30.csv', 'sample:eustockmarkets.csv', 'sample:dem2gbp.csv'],
  };
}
