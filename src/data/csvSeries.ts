import { ALL_FIELDS, type BarSeries } from '../core/bar.ts';
import { BadInputError } from '../core/errors.ts';
import { MS_PER_DAY, MS_PER_MINUTE, TIMEFRAME_MINUTES, Timeframes, type Timeframe } from '../core/time.ts';
import type { ParsedCsv } from './csv.ts';

/** Options of {@link tableToSeries}. */
export interface TableSeriesOptions {
  /** Symbol of a single-series file (default `SERIES`). */
  symbol?: string;
  /** Bar interval; inferred from the median spacing when absent. */
  timeframe?: Timeframe;
  /** Intraday timestamps mark the bar's `open` or `close` (default close); open-stamped bars are moved to their close. */
  stamp?: 'open' | 'close';
  /** Map an ordinal index column (`day`) to epoch ms; required for index-timed files. */
  indexToTime?: (index: number) => number;
}

/** The timeframe whose length is nearest the median spacing of `time` (daily for anything of 20 h or more). */
export function inferTimeframe(time: Float64Array): Timeframe {
  if (time.length < 2) return '1d';
  const diffs: number[] = [];
  const step = Math.max(1, Math.floor(time.length / 1001));
  for (let i = step; i < time.length; i += step) diffs.push(time[i]! - time[i - 1]!);
  diffs.sort((a, b) => a - b);
  const med = diffs[diffs.length >> 1]!;
  if (med >= 20 * 3_600_000) return '1d';
  let best: Timeframe = '1m';
  for (const tf of Timeframes) {
    if (tf === '1d') continue;
    if (Math.abs(TIMEFRAME_MINUTES[tf] * MS_PER_MINUTE - med) < Math.abs(TIMEFRAME_MINUTES[best] * MS_PER_MINUTE - med)) best = tf;
  }
  return best;
}

/**
 * Turn a validated table into bar series: one for an OHLCV or close file, one per
 * symbol column for a wide file (rows where that symbol is missing are skipped).
 */
export function tableToSeries(t: ParsedCsv, opts: TableSeriesOptions = {}): BarSeries[] {
  if (t.kind === 'values') {
    throw new BadInputError(`${t.source} holds values without timestamps (columns ${t.columns.join(', ')}), not bars; read it with parseCsv`);
  }
  let time = t.time;
  if (t.timeIsIndex) {
    if (!opts.indexToTime) throw new BadInputError(`${t.source}: column ${t.timeColumn} is an index, not a timestamp; no date mapping is known for it`);
    time = Float64Array.from(t.time, opts.indexToTime);
  }
  const tf = opts.timeframe ?? inferTimeframe(time);
  if (opts.stamp === 'open' && tf !== '1d') {
    const shift = TIMEFRAME_MINUTES[tf] * MS_PER_MINUTE;
    time = Float64Array.from(time, (x) => x + shift);
  }
  const col = (name: string): Float64Array | undefined => {
    const k = t.columns.indexOf(name);
    return k >= 0 ? t.values[k] : undefined;
  };
  if (t.kind === 'ohlcv' || t.kind === 'close') {
    const close = col('close')!;
    const vol = col('volume');
    const ohlc = t.kind === 'ohlcv';
    return [
      {
        symbol: opts.symbol ?? 'SERIES',
        timeframe: tf,
        time,
        open: ohlc ? col('open')! : close,
        high: ohlc ? col('high')! : close,
        low: ohlc ? col('low')! : close,
        close,
        volume: vol ?? new Float64Array(close.length).fill(NaN),
        fields: { ...ALL_FIELDS, open: ohlc, high: ohlc, low: ohlc, volume: vol !== undefined },
      },
    ];
  }
  return t.columns.map((sym, k) => {
    const v = t.values[k]!;
    let m = 0;
    for (let i = 0; i < v.length; i++) if (v[i] === v[i]) m++;
    const tt = new Float64Array(m);
    const cc = new Float64Array(m);
    let j = 0;
    for (let i = 0; i < v.length; i++) {
      if (v[i] !== v[i]) continue;
      tt[j] = time[i]!;
      cc[j++] = v[i]!;
    }
    return {
      symbol: sym,
      timeframe: tf,
      time: tt,
      open: cc,
      high: cc,
      low: cc,
      close: cc,
      volume: new Float64Array(m).fill(NaN),
      fields: { open: false, high: false, low: false, volume: false },
    };
  });
}

/** Whole days between two epoch-ms dates (for index mappings). */
export function daysBetween(a: number, b: number): number {
  return Math.round((b - a) / MS_PER_DAY);
}
