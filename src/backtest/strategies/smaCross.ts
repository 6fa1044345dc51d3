import { sma } from '../../indicators/sma.ts';
import { BadInputError } from '../../core/errors.ts';
import { crossover } from './crossover.ts';
import { cumsumMean } from './cumsumMean.ts';

/** How the moving averages are computed: exact (`sma`) or vectorbt's cumsum differences (to reproduce its ties). */
export type MaMode = 'exact' | 'vectorbt';

/** SMA crossover: enter when SMA(fast) crosses above SMA(slow), exit when it crosses below. */
export function smaCrossSignals(close: Float64Array, fast: number, slow: number, ma: MaMode = 'exact'): { entries: Uint8Array; exits: Uint8Array } {
  if (!(fast < slow)) throw new BadInputError(`sma-cross needs fast < slow, got fast ${fast} and slow ${slow}`);
  const mean = ma === 'vectorbt' ? cumsumMean : sma;
  const { up, down } = crossover(mean(close, fast), mean(close, slow));
  return { entries: up, exits: down };
}
