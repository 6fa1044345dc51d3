import type { Timeframe } from './time.ts';

/** One OHLCV bar; `time` is epoch ms UTC, stamped at the bar's close for intraday bars and at the date for daily bars. */
export interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Which price fields a series really carries (a close-only CSV has only `close`). */
export interface SeriesFields {
  open: boolean;
  high: boolean;
  low: boolean;
  volume: boolean;
}

/**
 * A columnar bar series: one typed array per field, all the same length.
 * Fields a source lacks are filled (open/high/low from close, volume with NaN)
 * and flagged false in `fields`, so kernels can refuse inputs that are not real.
 */
export interface BarSeries {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly fields: Readonly<SeriesFields>;
}

export const ALL_FIELDS: Readonly<SeriesFields> = Object.freeze({ open: true, high: true, low: true, volume: true });
export const CLOSE_ONLY: Readonly<SeriesFields> = Object.freeze({ open: false, high: false, low: false, volume: false });

export function seriesLength(s: BarSeries): number {
  return s.time.length;
}

/** Allocate a series of length n with every field present. */
export function allocSeries(symbol: string, timeframe: Timeframe, n: number, fields: SeriesFields = ALL_FIELDS): BarSeries {
  return {
    symbol,
    timeframe,
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    fields: { ...fields },
  };
}

/** Build a series from bar objects (already validated and in time order). */
export function seriesFromBars(symbol: string, timeframe: Timeframe, bars: readonly Bar[], fields: SeriesFields = ALL_FIELDS): BarSeries {
  const s = allocSeries(symbol, timeframe, bars.length, fields);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    s.time[i] = b.time;
    s.open[i] = b.open;
    s.high[i] = b.high;
    s.low[i] = b.low;
    s.close[i] = b.close;
    s.volume[i] = b.volume;
  }
  return s;
}

/** Build a close-only series: open/high/low mirror close, volume is NaN. */
export function closeOnlySeries(symbol: string, timeframe: Timeframe, time: Float64Array, close: Float64Array): BarSeries {
  if (time.length !== close.length) throw new RangeError(`time (${time.length}) and close (${close.length}) differ in length`);
  return {
    symbol,
    timeframe,
    time,
    open: close,
    high: close,
    low: close,
    close,
    volume: new Float64Array(close.length).fill(NaN),
    fields: { ...CLOSE_ONLY },
  };
}

/** The bar at index i as an object (for streaming consumers; kernels read the arrays). */
export function barAt(s: BarSeries, i: number): Bar {
  return { time: s.time[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! };
}

/** Bars [start, end) as a view sharing memory with `s`. */
export function sliceSeries(s: BarSeries, start: number, end: number = s.time.length): BarSeries {
  return {
    symbol: s.symbol,
    timeframe: s.timeframe,
    time: s.time.subarray(start, end),
    open: s.open.subarray(start, end),
    high: s.high.subarray(start, end),
    low: s.low.subarray(start, end),
    close: s.close.subarray(start, end),
    volume: s.volume.subarray(start, end),
    fields: s.fields,
  };
}

/** Bars with time <= t (no lookahead): the longest prefix ending at or before t. */
export function seriesUntil(s: BarSeries, t: number): BarSeries {
  let lo = 0;
  let hi = s.time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.time[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return sliceSeries(s, 0, lo);
}
