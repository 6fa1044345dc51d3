import { sliceSeries, type BarSeries } from '../core/bar.ts';

/** First index with time >= t in an ascending array. */
export function lowerBound(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with time > t in an ascending array. */
export function upperBound(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bars with start <= time <= end (both optional, inclusive), as a view. */
export function sliceByTime(s: BarSeries, start?: number, end?: number): BarSeries {
  const a = start === undefined ? 0 : lowerBound(s.time, start);
  const b = end === undefined ? s.time.length : upperBound(s.time, end);
  return a === 0 && b === s.time.length ? s : sliceSeries(s, a, Math.max(a, b));
}

/** Keep the last n bars. */
export function tail(s: BarSeries, n: number): BarSeries {
  return n >= s.time.length ? s : sliceSeries(s, s.time.length - n);
}
