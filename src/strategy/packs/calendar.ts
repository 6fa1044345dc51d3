/** Session facts of every bar (New York time), computed once per series for the pack simulator. */
import type { BarSeries } from '../../core/bar.ts';
import { MS_PER_DAY, MS_PER_MINUTE, TIMEFRAME_MINUTES, nyOffsetMinutes, type Timeframe } from '../../core/time.ts';

/** Per-bar session index, trading time and hour, column-wise. */
export interface BarCalendar {
  /** Index of the bar's session (New York date) from the first bar. */
  session: Int32Array;
  /** Trading time in sessions: session + minutes since the 09:30 open / 390 (a daily bar sits at its close). */
  tradingTime: Float64Array;
  /** New York hour in which the bar opened (-1 for daily bars). */
  hour: Int8Array;
  /** 1 when the bar is the last of its session in the series. */
  lastOfSession: Uint8Array;
  /** Bars per session. */
  barsPerDay: number;
}

/** Bars per session of a timeframe (what {@link barCalendar} reports, known without the bars). */
export function barsPerDayOf(timeframe: Timeframe): number {
  return timeframe === '1d' ? 1 : Math.max(1, Math.round(390 / TIMEFRAME_MINUTES[timeframe]));
}

/** The calendar of a series (intraday bars are stamped at their close). */
export function barCalendar(s: BarSeries): BarCalendar {
  const n = s.time.length;
  const daily = s.timeframe === '1d';
  const tfMin = TIMEFRAME_MINUTES[s.timeframe];
  const session = new Int32Array(n);
  const tradingTime = new Float64Array(n);
  const hour = new Int8Array(n);
  const last = new Uint8Array(n);
  let k = -1;
  let prevDay = NaN;
  for (let i = 0; i < n; i++) {
    const t = s.time[i]!;
    const local = t + nyOffsetMinutes(t) * MS_PER_MINUTE;
    const day = Math.floor(local / MS_PER_DAY);
    if (day !== prevDay) {
      k++;
      prevDay = day;
      if (i > 0) last[i - 1] = 1;
    }
    session[i] = k;
    if (daily) {
      tradingTime[i] = k + 1;
      hour[i] = -1;
    } else {
      const minOfDay = (local - day * MS_PER_DAY) / MS_PER_MINUTE;
      tradingTime[i] = k + Math.min(390, Math.max(0, minOfDay - 570)) / 390;
      hour[i] = Math.floor((minOfDay - tfMin) / 60);
    }
  }
  if (n > 0) last[n - 1] = 1;
  return { session, tradingTime, hour, lastOfSession: last, barsPerDay: barsPerDayOf(s.timeframe) };
}
