/**
 * The momentum scanner: one row per symbol from its daily bars, ranked by a
 * 0-100 score built from the feature module's momentum components
 * (src/features/momentumScore.ts), so the scanner and the feature matrix agree:
 *
 *   raw   = 0.30 rsi + 0.30 rvol + 0.25 pctChange + 0.15 volume   (each component in [-1, 1])
 *   score = 50 + 50 * raw / (sum of the weights of the components present)
 *
 * Close-only data (the bundled Dow 30) has no volume, so its score uses RSI and
 * % change only, renormalised by their weights (0.55): still 0-100, 50 = neutral.
 *
 * Trend label, from the close, SMA(20) and SMA(50) of the last bar:
 *   strong_uptrend   close > SMA20 > SMA50 and RSI >= 60
 *   uptrend          close > SMA20 > SMA50 (or close > SMA50 and SMA20 > SMA50)
 *   strong_downtrend close < SMA20 < SMA50 and RSI <= 40
 *   downtrend        close < SMA20 < SMA50 (or close < SMA50 and SMA20 < SMA50)
 *   sideways         otherwise
 */
import type { BarSeries } from '../../core/bar.ts';
import { rsiInto } from '../../indicators/fast.ts';
import { MOMENTUM_WEIGHTS, pctChangeComponent, rsiComponent, rvolComponent, volumeComponent } from '../../features/momentumScore.ts';

/** Trend labels of the scanner. */
export const TREND_LABELS = ['strong_uptrend', 'uptrend', 'sideways', 'downtrend', 'strong_downtrend'] as const;
export type TrendLabel = (typeof TREND_LABELS)[number];

/** One scanned symbol: the raw measures, the components and the score. The JSON row of `results`. */
export interface ScanRow {
  symbol: string;
  /** Time of the last bar used (epoch ms). */
  time: number;
  price: number;
  /** Last bar's change as a fraction (0.031 = +3.1%). */
  change_pct: number;
  rsi: number;
  /** Relative volume: last volume / mean of the 20 before it (null without volume). */
  rvol: number | null;
  volume: number | null;
  score: number;
  trend: TrendLabel;
  components: { rsi: number; rvol: number | null; pct_change: number; volume: number | null };
}

/** Bars the scanner needs per symbol: RSI(14) after ~100 bars of Wilder warm-up, SMA(50), RVOL(20). */
export const SCAN_LOOKBACK = 130;

function meanOf(x: Float64Array, a: number, b: number): number {
  let s = 0;
  for (let i = a; i < b; i++) s += x[i]!;
  return s / (b - a);
}

/** Score one symbol's daily bars; null when it has too few bars (fewer than 51) or a bad last close. */
export function scanSeries(s: BarSeries, scratch: Float64Array = new Float64Array(s.close.length)): ScanRow | null {
  const n = s.close.length;
  if (n < 51) return null;
  const c = s.close;
  const last = c[n - 1]!;
  const prev = c[n - 2]!;
  if (!(last > 0) || !(prev > 0)) return null;
  const rsiArr = rsiInto(c, 14, scratch.length >= n ? scratch.subarray(0, n) : new Float64Array(n));
  const rsi = rsiArr[n - 1]!;
  const change = last / prev - 1;
  const hasVolume = s.fields.volume && Number.isFinite(s.volume[n - 1]!);
  let rvol: number | null = null;
  let volume: number | null = null;
  if (hasVolume) {
    volume = s.volume[n - 1]!;
    const m = meanOf(s.volume, n - 21, n - 1);
    rvol = m > 0 ? volume / m : null;
  }
  const w = MOMENTUM_WEIGHTS;
  const cr = rsiComponent(rsi);
  const cp = pctChangeComponent(change);
  const cv = rvol === null ? null : rvolComponent(rvol);
  const cvol = volume === null ? null : volumeComponent(volume);
  let raw = w.rsi * cr + w.pctChange * cp;
  let wsum = w.rsi + w.pctChange;
  if (cv !== null && Number.isFinite(cv)) {
    raw += w.rvol * cv;
    wsum += w.rvol;
  }
  if (cvol !== null && Number.isFinite(cvol)) {
    raw += w.volume * cvol;
    wsum += w.volume;
  }
  const sma20 = meanOf(c, n - 20, n);
  const sma50 = meanOf(c, n - 50, n);
  return {
    symbol: s.symbol,
    time: s.time[n - 1]!,
    price: last,
    change_pct: change,
    rsi,
    rvol,
    volume,
    score: 50 + (50 * raw) / wsum,
    trend: trendLabel(last, sma20, sma50, rsi),
    components: { rsi: cr, rvol: cv, pct_change: cp, volume: cvol },
  };
}

/** The documented trend rule (see the file comment). */
export function trendLabel(close: number, sma20: number, sma50: number, rsi: number): TrendLabel {
  if (close > sma20 && sma20 > sma50) return rsi >= 60 ? 'strong_uptrend' : 'uptrend';
  if (close < sma20 && sma20 < sma50) return rsi <= 40 ? 'strong_downtrend' : 'downtrend';
  if (close > sma50 && sma20 > sma50) return 'uptrend';
  if (close < sma50 && sma20 < sma50) return 'downtrend';
  return 'sideways';
}

/** Rank rows by score, best first (ties by symbol, so the order is stable), and keep `top`. */
export function rankRows(rows: readonly ScanRow[], top: number): ScanRow[] {
  return [...rows].sort((a, b) => b.score - a.score || (a.symbol < b.symbol ? -1 : 1)).slice(0, top);
}

/**
 * Score and trend code (+2 strong up ... -2 strong down) at every bar, by the
 * same formula as scanSeries (used to build training rows; NaN before bar 50).
 * RSI here runs over the whole series, where scanSeries seeds it on its last
 * SCAN_LOOKBACK bars: the two agree to ~1e-4 after that warm-up.
 */
export function scanBatch(s: BarSeries): { score: Float64Array; trend: Float64Array } {
  const n = s.close.length;
  const c = s.close;
  const score = new Float64Array(n).fill(NaN);
  const trend = new Float64Array(n).fill(NaN);
  if (n < 51) return { score, trend };
  const rsi = rsiInto(c, 14, new Float64Array(n));
  const w = MOMENTUM_WEIGHTS;
  let s20 = 0;
  let s50 = 0;
  let v20 = 0;
  for (let i = 0; i < n; i++) {
    s20 += c[i]!;
    s50 += c[i]!;
    if (i >= 20) s20 -= c[i - 20]!;
    if (i >= 50) s50 -= c[i - 50]!;
    if (i >= 50) {
      let raw = w.rsi * rsiComponent(rsi[i]!) + w.pctChange * pctChangeComponent(c[i]! / c[i - 1]! - 1);
      let wsum = w.rsi + w.pctChange;
      if (s.fields.volume && Number.isFinite(s.volume[i]!)) {
        const rv = v20 > 0 ? s.volume[i]! / (v20 / 20) : NaN;
        const cv = rvolComponent(rv);
        if (Number.isFinite(cv)) {
          raw += w.rvol * cv;
          wsum += w.rvol;
        }
        const cvol = volumeComponent(s.volume[i]!);
        if (Number.isFinite(cvol)) {
          raw += w.volume * cvol;
          wsum += w.volume;
        }
      }
      score[i] = 50 + (50 * raw) / wsum;
      trend[i] = 2 - TREND_LABELS.indexOf(trendLabel(c[i]!, s20 / 20, s50 / 50, rsi[i]!));
    }
    // Volume of the 20 bars before the next one.
    v20 += s.volume[i]!;
    if (i >= 20) v20 -= s.volume[i - 20]!;
  }
  return { score, trend };
}
