import { donchianPrior } from './localIndicators.ts';

/** Donchian breakout: enter when the close rises above the prior `entryPeriod` bars' high, exit below the prior `exitPeriod` bars' low. */
export function donchianSignals(high: Float64Array, low: Float64Array, close: Float64Array, entryPeriod = 20, exitPeriod = 10): { entries: Uint8Array; exits: Uint8Array } {
  const up = donchianPrior(high, low, entryPeriod).upper;
  const dn = donchianPrior(high, low, exitPeriod).lower;
  const n = close.length;
  const entries = new Uint8Array(n);
  const exits = new Uint8Array(n);
  for (let t = 0; t < n; t++) {
    entries[t] = close[t]! > up[t]! ? 1 : 0;
    exits[t] = close[t]! < dn[t]! ? 1 : 0;
  }
  return { entries, exits };
}
