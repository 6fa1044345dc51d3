/**
 * Market regimes for the experts, from past data only: a 2-state Gaussian HMM (risk issue's
 * `fitHmm`, fitted on the training bars' returns) gives the filtered probability of the
 * high-volatility state at each bar; outside it, a strong SMA(10)/SMA(30) spread (in units of
 * volatility) means trending, and otherwise volatility below its training median means
 * consolidation, above it mean reversion.
 */
import { BadInputError } from '../../core/errors.ts';
import { filteredProbabilities, fitHmm } from '../../risk/regimes/hmm.ts';
import { type OhlcvColumns, rawFeatures } from '../env/features.ts';

/** Regime ids; each expert is trained on one (same order). */
export const Regime = { TREND: 0, MEAN_REVERSION: 1, VOLATILE: 2, CONSOLIDATION: 3 } as const;
/** A regime id. */
export type Regime = (typeof Regime)[keyof typeof Regime];
/** Regime (and expert) names by id. */
export const REGIME_NAMES = ['trend-following', 'mean-reversion', 'volatility', 'consolidation'] as const;
/** Number of regimes / experts. */
export const NUM_REGIMES = 4;

/** Settings of `labelRegimes`. */
export interface RegimeOptions {
  /** Bars [0, fitEnd) fit the HMM and the thresholds (default all). */
  fitEnd?: number;
  /** |trend strength| above this is a trend (default 1.0). */
  trendThreshold?: number;
  seed?: number;
}

/** One regime per bar (bars before the features exist get the consolidation label). */
export function labelRegimes(bars: OhlcvColumns, opts: RegimeOptions = {}): Int32Array {
  const n = bars.close.length;
  const fitEnd = Math.min(opts.fitEnd ?? n, n);
  if (fitEnd < 60) throw new BadInputError(`regimes need at least 60 bars to fit, got ${fitEnd}`);
  const c = bars.close;
  const ret = new Float64Array(n);
  for (let t = 1; t < n; t++) ret[t] = 100 * Math.log(c[t]! / c[t - 1]!);
  const hmm = fitHmm(ret.subarray(1, fitEnd), 2, { seed: opts.seed ?? 42, starts: 3, maxIter: 200 });
  const probs = filteredProbabilities(hmm, ret.subarray(1));
  const [vol, trend] = rawFeatures(bars) as [Float64Array, Float64Array];
  const vols = Array.from(vol.subarray(0, fitEnd)).filter((v) => v === v).sort((a, b) => a - b);
  const medVol = vols[vols.length >> 1] ?? 0;
  const thr = opts.trendThreshold ?? 1;
  const out = new Int32Array(n).fill(Regime.CONSOLIDATION);
  for (let t = 1; t < n; t++) {
    const pHigh = probs[(t - 1) * 2 + 1]!;
    if (pHigh > 0.5) out[t] = Regime.VOLATILE;
    else if (Math.abs(trend[t]!) > thr) out[t] = Regime.TREND;
    else if (vol[t]! === vol[t]!) out[t] = vol[t]! < medVol ? Regime.CONSOLIDATION : Regime.MEAN_REVERSION;
  }
  return out;
}
