import { getIndicator, resolveParams } from '../../indicators/registry.ts';

const DONCHIAN = getIndicator('donchian');

/**
 * Donchian breakout: enter when the close rises above the prior `entryPeriod` bars' high, exit below the prior
 * `exitPeriod` bars' low. "Prior" = the TTR DonchianChannel of bar t-1, so bar t's own range cannot hide its breakout.
 */
export function donchianSignals(high: Float64Array, low: Float64Array, close: Float64Array, entryPeriod = 20, exitPeriod = 10): { entries: Uint8Array; exits: Uint8Array } {
  const up = DONCHIAN.batch({ high, low, close }, resolveParams(DONCHIAN, { n: entryPeriod }))[0]!;
  const dn = DONCHIAN.batch({ high, low, close }, resolveParams(DONCHIAN, { n: exitPeriod }))[2]!;
  const n = close.length;
  const entries = new Uint8Array(n);
  const exits = new Uint8Array(n);
  for (let t = 1; t < n; t++) {
    entries[t] = close[t]! > up[t - 1]! ? 1 : 0;
    exits[t] = close[t]! < dn[t - 1]! ? 1 : 0;
  }
  return { entries, exits };
}
