import { allocSeries, type BarSeries } from '../core/bar.ts';
import { BadInputError } from '../core/errors.ts';
import { MS_PER_DAY, MS_PER_MINUTE, nyOffsetMinutes, TIMEFRAME_MINUTES, type Timeframe } from '../core/time.ts';

/**
 * How bars are grouped into sessions.
 * - `us-equity`: regular session 09:30-16:00 America/New_York (DST-correct); bars
 *   outside the session are dropped; buckets are anchored at 09:30, so 1h bars close
 *   at 10:30 ... 15:30 and a short 16:00 bar; 6h bars close at 15:30 and 16:00;
 *   1d is the whole session, stamped at 16:00 New York.
 * - `utc`: a 24-hour market; buckets aligned to UTC midnight; 1d is the UTC day.
 */
export type SessionMode = 'us-equity' | 'utc';

/** Options of {@link resample}. */
export interface ResampleOptions {
  /** Default `us-equity`. */
  session?: SessionMode;
  /**
   * Keep the last bucket even when it has not closed yet. Off by default: a bar
   * that is still forming is never emitted. When on, the partial bar is stamped
   * at the time of its last input bar (what was known then), never at the future close.
   */
  includePartial?: boolean;
  /**
   * The current time (epoch ms). A trailing bucket whose close is <= `now` counts as
   * closed even when its last minutes are missing (no trades, halts). Without it the
   * trailing bucket is closed only when its last input bar ends exactly at the close.
   */
  now?: number;
}

/** Minutes in the US regular session (09:30-16:00). */
const SESSION_MINUTES = 390;
/** 09:30 in minutes after midnight. */
const OPEN_MINUTE = 570;

/**
 * Resample a bar series (stamped at bar close) to a coarser timeframe.
 * Open is the first bar's open, high/low the extremes, close the last close,
 * volume the sum; each output bar is stamped at its bucket's close. Buckets with
 * no input bars are not emitted. Input must be strictly increasing in time.
 */
export function resample(series: BarSeries, to: Timeframe, opts: ResampleOptions = {}): BarSeries {
  const from = series.timeframe;
  const fromMin = TIMEFRAME_MINUTES[from];
  const toMin = TIMEFRAME_MINUTES[to];
  const session = opts.session ?? 'us-equity';
  if (to === from) return series;
  if (toMin < fromMin || (to !== '1d' && toMin % fromMin !== 0) || from === '1d') {
    throw new BadInputError(`cannot resample ${series.symbol} from ${from} to ${to}: the target must be a coarser multiple of the source`);
  }
  const n = series.time.length;
  const time = series.time;
  const bucketMin = to === '1d' ? (session === 'us-equity' ? SESSION_MINUTES : 1440) : toMin;
  const keys = new Float64Array(n);
  bucketCloses(time, bucketMin, session, keys);

  // Pass 1: count buckets so the output is allocated once at its exact size.
  let count = 0;
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (k !== k) continue; // NaN: outside the session
    if (k !== prev) {
      count++;
      prev = k;
    }
  }
  // Decide whether the trailing bucket has closed.
  let lastIdx = -1;
  for (let i = n - 1; i >= 0; i--) {
    if (keys[i] === keys[i]) {
      lastIdx = i;
      break;
    }
  }
  let trailingPartial = false;
  if (lastIdx >= 0) {
    const close = keys[lastIdx]!;
    const closed = time[lastIdx]! >= close || (opts.now !== undefined && opts.now >= close);
    trailingPartial = !closed;
    if (trailingPartial && !opts.includePartial) count--;
  }

  const out = allocSeries(series.symbol, to, count, series.fields);
  const { open: oO, high: oH, low: oL, close: oC, volume: oV, time: oT } = out;
  const { open: iO, high: iH, low: iL, close: iC, volume: iV } = series;
  let j = -1;
  prev = NaN;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    if (k !== k) continue;
    if (k !== prev) {
      j++;
      if (j >= count) break; // the dropped partial bucket
      prev = k;
      oT[j] = k;
      oO[j] = iO[i]!;
      oH[j] = iH[i]!;
      oL[j] = iL[i]!;
      oC[j] = iC[i]!;
      oV[j] = iV[i]!;
    } else {
      const h = iH[i]!;
      const l = iL[i]!;
      if (h > oH[j]!) oH[j] = h;
      if (l < oL[j]!) oL[j] = l;
      oC[j] = iC[i]!;
      oV[j] = oV[j]! + iV[i]!;
    }
  }
  if (trailingPartial && opts.includePartial && count > 0) oT[count - 1] = time[lastIdx]!;
  return out;
}

/**
 * For each bar (stamped at its close) the close time of the bucket it belongs to,
 * or NaN when it falls outside the session. Exported for the multi-timeframe join.
 */
export function bucketCloses(time: Float64Array, bucketMinutes: number, session: SessionMode, out: Float64Array = new Float64Array(time.length)): Float64Array {
  const n = time.length;
  const bucketMs = bucketMinutes * MS_PER_MINUTE;
  if (session === 'utc') {
    for (let i = 0; i < n; i++) {
      // A bar closing exactly on a boundary belongs to the bucket that closes there.
      out[i] = Math.ceil(time[i]! / bucketMs) * bucketMs;
    }
    return out;
  }
  // The NY session always lies inside one UTC day (13:30-21:00 UTC at the latest), so
  // the UTC day of a session bar is its New York date; the offset is looked up once per day.
  let curDay = NaN;
  let openMs = 0;
  const sessionMs = SESSION_MINUTES * MS_PER_MINUTE;
  for (let i = 0; i < n; i++) {
    const t = time[i]!;
    const day = Math.floor(t / MS_PER_DAY);
    if (day !== curDay) {
      curDay = day;
      openMs = day * MS_PER_DAY + (OPEN_MINUTE - nyOffsetMinutes(t)) * MS_PER_MINUTE;
    }
    const since = t - openMs;
    if (since <= 0 || since > sessionMs) {
      out[i] = NaN;
      continue;
    }
    let end = Math.ceil(since / bucketMs) * bucketMs;
    if (end > sessionMs) end = sessionMs;
    out[i] = openMs + end;
  }
  return out;
}

/** Options of {@link asOfJoin}. */
export interface AsOfJoinOptions {
  /**
   * Delay before a source value becomes known, in ms. A daily VIX close stamped at
   * 00:00 UTC of its date is known only after that day's close, so join it with
   * e.g. `availableAfterMs: 21 * MS_PER_HOUR` to avoid lookahead into intraday bars.
   */
  availableAfterMs?: number;
  /** Values older than this (ms) count as missing (NaN). */
  maxAgeMs?: number;
  /** Where to write (length of target). */
  out?: Float64Array;
}

/**
 * Join a second series as-of by time (`vix_close`): for each target time, the last
 * source value whose time (+ availableAfterMs) is <= the target time, else NaN.
 * Both time arrays must be ascending. Linear in the sum of lengths.
 */
export function asOfJoin(target: Float64Array, sourceTime: Float64Array, sourceValues: Float64Array, opts: AsOfJoinOptions = {}): Float64Array {
  if (sourceTime.length !== sourceValues.length) throw new RangeError(`source time (${sourceTime.length}) and values (${sourceValues.length}) differ in length`);
  const out = opts.out ?? new Float64Array(target.length);
  const lag = opts.availableAfterMs ?? 0;
  const maxAge = opts.maxAgeMs ?? Infinity;
  const m = sourceTime.length;
  let j = -1;
  for (let i = 0; i < target.length; i++) {
    const t = target[i]!;
    while (j + 1 < m && sourceTime[j + 1]! + lag <= t) j++;
    out[i] = j >= 0 && t - (sourceTime[j]! + lag) <= maxAge ? sourceValues[j]! : NaN;
  }
  return out;
}

/** Only the bars (stamped at close) that lie inside the US regular session: drops pre- and post-market bars. */
export function regularSessionOnly(series: BarSeries): BarSeries {
  if (series.timeframe === '1d') return series;
  const keys = bucketCloses(series.time, TIMEFRAME_MINUTES[series.timeframe], 'us-equity');
  let m = 0;
  for (let i = 0; i < keys.length; i++) if (keys[i] === keys[i]) m++;
  if (m === keys.length) return series;
  const out = allocSeries(series.symbol, series.timeframe, m, series.fields);
  let j = 0;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== keys[i]) continue;
    out.time[j] = series.time[i]!;
    out.open[j] = series.open[i]!;
    out.high[j] = series.high[i]!;
    out.low[j] = series.low[i]!;
    out.close[j] = series.close[i]!;
    out.volume[j] = series.volume[i]!;
    j++;
  }
  return out;
}
