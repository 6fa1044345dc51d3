/**
 * Small private indicator kernels the built-in strategies need until the
 * indicator module's versions are wired in (same definitions as TTR):
 * RSI (Wilder), ATR (Wilder) and Donchian channel extremes.
 */

/** RSI with Wilder smoothing; the first average is the mean of the first `period` changes (TTR `RSI`). */
export function rsiWilder(close: Float64Array, period: number, out: Float64Array = new Float64Array(close.length)): Float64Array {
  const n = close.length;
  out.fill(NaN);
  if (n <= period) return out;
  let up = 0;
  let dn = 0;
  for (let t = 1; t <= period; t++) {
    const d = close[t]! - close[t - 1]!;
    if (d > 0) up += d;
    else dn -= d;
  }
  up /= period;
  dn /= period;
  out[period] = dn === 0 ? (up === 0 ? 50 : 100) : 100 - 100 / (1 + up / dn);
  for (let t = period + 1; t < n; t++) {
    const d = close[t]! - close[t - 1]!;
    up = (up * (period - 1) + (d > 0 ? d : 0)) / period;
    dn = (dn * (period - 1) + (d < 0 ? -d : 0)) / period;
    out[t] = dn === 0 ? (up === 0 ? 50 : 100) : 100 - 100 / (1 + up / dn);
  }
  return out;
}

/** Average true range with Wilder smoothing; first value = mean of the first `period` true ranges (TTR `ATR`). */
export function atrWilder(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array = new Float64Array(close.length)): Float64Array {
  const n = close.length;
  out.fill(NaN);
  let sum = 0;
  let atr = NaN;
  for (let t = 1; t < n; t++) {
    const pc = close[t - 1]!;
    const tr = Math.max(high[t]! - low[t]!, Math.abs(high[t]! - pc), Math.abs(low[t]! - pc));
    if (t < period) sum += tr;
    else if (t === period) {
      atr = (sum + tr) / period;
      out[t] = atr;
    } else {
      atr = (atr * (period - 1) + tr) / period;
      out[t] = atr;
    }
  }
  return out;
}

/** Highest high and lowest low of the `period` bars before t (excluding t itself, so a breakout can be seen at t). */
export function donchianPrior(high: Float64Array, low: Float64Array, period: number): { upper: Float64Array; lower: Float64Array } {
  const n = high.length;
  const upper = new Float64Array(n).fill(NaN);
  const lower = new Float64Array(n).fill(NaN);
  for (let t = period; t < n; t++) {
    let hi = -Infinity;
    let lo = Infinity;
    for (let k = t - period; k < t; k++) {
      if (high[k]! > hi) hi = high[k]!;
      if (low[k]! < lo) lo = low[k]!;
    }
    upper[t] = hi;
    lower[t] = lo;
  }
  return { upper, lower };
}
