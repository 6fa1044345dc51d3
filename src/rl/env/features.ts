/**
 * The environment's market features, precomputed once per series as a row-major Float32Array
 * [bars, FEATURES] so a step only copies a window. Every value at bar t is built from bars
 * <= t, and is z-scored with the mean and deviation of that column over bars <= t only
 * (expanding, or rolling over the last `zWindow` bars): no statistic ever reads the future.
 */
import { BadInputError } from '../../core/errors.ts';
import { sma } from '../../indicators/sma.ts';
import { rsiInto } from '../../indicators/fast.ts';

/** Feature columns; the first two are the market-state features the MoE gate reads. */
export const FEATURE_NAMES = ['volatility20', 'trend_strength', 'ret1', 'ret5', 'ret20', 'rsi14', 'dist_sma20', 'range', 'volume_change', 'body'] as const;
/** Number of market features per bar. */
export const NUM_FEATURES = FEATURE_NAMES.length;
/** Bars needed before every feature is defined. */
export const FEATURE_WARMUP = 31;

/** OHLCV columns a feature matrix is built from. */
export interface OhlcvColumns {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Raw (unscaled) features, column-major: FEATURES arrays of length n, NaN before defined. */
export function rawFeatures(s: OhlcvColumns): Float64Array[] {
  const n = s.close.length;
  const c = s.close;
  const cols = Array.from({ length: NUM_FEATURES }, () => new Float64Array(n).fill(NaN));
  const [vol, trend, r1, r5, r20, rsi, dist, range, vchg, body] = cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const lr = new Float64Array(n);
  for (let t = 1; t < n; t++) lr[t] = Math.log(c[t]! / c[t - 1]!);
  let s1 = 0;
  let s2 = 0;
  for (let t = 1; t < n; t++) {
    s1 += lr[t]!;
    s2 += lr[t]! * lr[t]!;
    if (t > 20) {
      s1 -= lr[t - 20]!;
      s2 -= lr[t - 20]! * lr[t - 20]!;
    }
    if (t >= 20) vol[t] = Math.sqrt(Math.max(0, (s2 - (s1 * s1) / 20) / 19));
  }
  const f10 = sma(c, 10);
  const f30 = sma(c, 30);
  const f20 = sma(c, 20);
  rsiInto(c, 14, rsi);
  for (let t = 0; t < n; t++) {
    const v = vol[t]!;
    trend[t] = (f10[t]! - f30[t]!) / (c[t]! * (v > 1e-12 ? v : 1e-12));
    if (t >= 1) r1[t] = lr[t]!;
    if (t >= 5) r5[t] = Math.log(c[t]! / c[t - 5]!);
    if (t >= 20) r20[t] = Math.log(c[t]! / c[t - 20]!);
    rsi[t] = rsi[t]! / 100 - 0.5;
    dist[t] = c[t]! / f20[t]! - 1;
    range[t] = (s.high[t]! - s.low[t]!) / c[t]!;
    const v0 = s.volume[t - 1];
    const v1 = s.volume[t]!;
    vchg[t] = t >= 1 && v0! > 0 && v1 > 0 ? Math.log(v1 / v0!) : 0;
    body[t] = (c[t]! - s.open[t]!) / s.open[t]!;
  }
  return cols;
}

/**
 * Z-scores each column with statistics of bars <= t (expanding when `zWindow` is 0, else the
 * last `zWindow` bars), clipped to +-5; undefined values and the first bars become 0.
 * Returns row-major [n, columns] as float32.
 */
export function pastOnlyZScore(cols: readonly Float64Array[], zWindow = 0, minCount = 20): Float32Array {
  const F = cols.length;
  const n = cols[0]?.length ?? 0;
  if (zWindow !== 0 && zWindow < 2) throw new BadInputError(`zWindow must be 0 (expanding) or >= 2, got ${zWindow}`);
  const out = new Float32Array(n * F);
  for (let f = 0; f < F; f++) {
    const x = cols[f]!;
    let cnt = 0;
    let s1 = 0;
    let s2 = 0;
    let first = 0;
    for (let t = 0; t < n; t++) {
      const v = x[t]!;
      if (v === v) {
        cnt++;
        s1 += v;
        s2 += v * v;
      }
      if (zWindow > 0) {
        // Drop bar t - zWindow from the window (it is in the past, so the stats stay causal).
        const k = t - zWindow;
        if (k >= first && k >= 0) {
          const u = x[k]!;
          if (u === u) {
            cnt--;
            s1 -= u;
            s2 -= u * u;
          }
          first = k + 1;
        }
      }
      if (v !== v || cnt < minCount) continue;
      const m = s1 / cnt;
      const sd = Math.sqrt(Math.max(0, (s2 - cnt * m * m) / (cnt - 1)));
      const z = sd > 1e-12 ? (v - m) / sd : 0;
      out[t * F + f] = z > 5 ? 5 : z < -5 ? -5 : z;
    }
  }
  return out;
}

/** The environment's feature matrix for a series: raw features, then past-only z-scores. */
export function featureMatrix(s: OhlcvColumns, zWindow = 0): Float32Array {
  return pastOnlyZScore(rawFeatures(s), zWindow);
}
