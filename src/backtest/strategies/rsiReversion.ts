import { BadInputError } from '../../core/errors.ts';
import { getIndicator, resolveParams } from '../../indicators/registry.ts';

const RSI = getIndicator('rsi');

/** RSI mean reversion: enter when RSI (TTR, Wilder) crosses below `lower` (oversold), exit when it crosses above `upper`. */
export function rsiReversionSignals(close: Float64Array, period = 14, lower = 30, upper = 70): { entries: Uint8Array; exits: Uint8Array } {
  if (!(lower < upper)) throw new BadInputError(`rsi needs lower < upper, got ${lower} and ${upper}`);
  const r = RSI.batch({ close }, resolveParams(RSI, { n: period }))[0]!;
  const n = close.length;
  const entries = new Uint8Array(n);
  const exits = new Uint8Array(n);
  for (let t = 1; t < n; t++) {
    entries[t] = r[t]! < lower && r[t - 1]! >= lower ? 1 : 0;
    exits[t] = r[t]! > upper && r[t - 1]! <= upper ? 1 : 0;
  }
  return { entries, exits };
}
