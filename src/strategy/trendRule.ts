import { sma } from '../indicators/sma.ts';

/** The SMA trend rule's state per bar: 1 long (close above its moving average), 0 flat, -1 undefined (warm-up). */
export interface TrendRule {
  period: number;
  state: Int8Array;
  sma: Float64Array;
  /** 1 where the state turns long, for the from-signals engine. */
  entries: Uint8Array;
  /** 1 where the state turns flat. */
  exits: Uint8Array;
}

/**
 * The baseline trend rule: be long while the close is above its `period`-bar
 * simple moving average (200 by default), flat otherwise. Bar t's state uses
 * closes up to t only.
 */
export function trendRule(close: Float64Array, period = 200): TrendRule {
  const n = close.length;
  const avg = sma(close, period);
  const state = new Int8Array(n).fill(-1);
  const entries = new Uint8Array(n);
  const exits = new Uint8Array(n);
  let prev = -1;
  for (let t = 0; t < n; t++) {
    const m = avg[t]!;
    if (Number.isNaN(m)) continue;
    const s = close[t]! > m ? 1 : 0;
    state[t] = s;
    if (s === 1 && prev !== 1) entries[t] = 1;
    if (s === 0 && prev === 1) exits[t] = 1;
    prev = s;
  }
  return { period, state, sma: avg, entries, exits };
}

/**
 * How often the rule's direction at bar i agreed with the sign of the return
 * over the next `horizon` bars, counting only outcomes known by bar `t`
 * (i + horizon <= t): a confidence from the past alone. NaN with no history.
 */
export function trendHitRate(close: Float64Array, state: Int8Array, t: number, horizon = 21): number {
  let hits = 0;
  let total = 0;
  for (let i = 0; i + horizon <= t; i++) {
    const s = state[i]!;
    if (s < 0) continue;
    const up = close[i + horizon]! > close[i]!;
    if ((s === 1) === up) hits++;
    total++;
  }
  return total > 0 ? hits / total : NaN;
}
