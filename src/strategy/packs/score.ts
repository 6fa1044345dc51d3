/**
 * A pack's signal score in [0, 1]: each indicator votes with the trailing
 * percentile rank of its value (oriented by `direction`), and the score is the
 * mean vote. Everything at bar t uses bars <= t only. Higher-timeframe
 * indicators run on resampled bars and join as of the last closed coarse bar.
 */
import type { BarSeries } from '../../core/bar.ts';
import { asOfJoin, resample } from '../../data/resample.ts';
import { getIndicator, resolveParams } from '../../indicators/registry.ts';
import type { Columns } from '../../indicators/types.ts';
import type { PackIndicator } from './schema.ts';

function columns(s: BarSeries): Columns {
  return { open: s.open, high: s.high, low: s.low, close: s.close, volume: s.volume, time: s.time };
}

/** The raw vote series of one indicator on `bars` (before ranking): its output, or (close - output) / close. */
export function indicatorVote(ind: PackIndicator, bars: BarSeries): Float64Array {
  const def = getIndicator(ind.name);
  const params = resolveParams(def, ind.params);
  const src = ind.timeframe === bars.timeframe ? bars : resample(bars, ind.timeframe);
  const outs = def.batch(columns(src), params);
  const k = ind.output === undefined ? 0 : def.outputs.indexOf(ind.output);
  let v = outs[Math.max(0, k)]!;
  if (ind.transform === 'price_relative') {
    const r = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) r[i] = (src.close[i]! - v[i]!) / src.close[i]!;
    v = r;
  }
  return src === bars ? v : asOfJoin(bars.time, src.time, v);
}

/**
 * Trailing percentile rank of each value among the last `window` values
 * (itself included): the share of them <= it. NaN until half the window is known.
 */
export function trailingRank(x: Float64Array, window: number, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const minCount = Math.max(2, Math.ceil(window / 2));
  for (let t = 0; t < x.length; t++) {
    const v = x[t]!;
    if (v !== v) {
      out[t] = NaN;
      continue;
    }
    let count = 0;
    let le = 0;
    for (let j = Math.max(0, t - window + 1); j <= t; j++) {
      const u = x[j]!;
      if (u !== u) continue;
      count++;
      if (u <= v) le++;
    }
    out[t] = count >= minCount ? le / count : NaN;
  }
  return out;
}

/** A score series and its own trailing rank (for the top-percent filter). */
export interface PackScore {
  score: Float64Array;
  /** Trailing percentile rank of the score itself over the same window. */
  scoreRank: Float64Array;
}

/** The mean oriented vote of the indicators, and its trailing rank; `flip` reverses it (short / put models). */
export function packScore(indicators: readonly PackIndicator[], bars: BarSeries, window: number, flip = false): PackScore {
  const n = bars.close.length;
  const sum = new Float64Array(n);
  const cnt = new Uint16Array(n);
  const rank = new Float64Array(n);
  for (const ind of indicators) {
    trailingRank(indicatorVote(ind, bars), window, rank);
    for (let t = 0; t < n; t++) {
      const r = rank[t]!;
      if (r !== r) continue;
      sum[t] += ind.direction === 1 ? r : 1 - r;
      cnt[t]++;
    }
  }
  const score = new Float64Array(n);
  // A bar scores only once every indicator votes, so warm-up never fakes a signal.
  for (let t = 0; t < n; t++) score[t] = cnt[t] === indicators.length ? (flip ? 1 - sum[t]! / cnt[t]! : sum[t]! / cnt[t]!) : NaN;
  return { score, scoreRank: trailingRank(score, window) };
}
