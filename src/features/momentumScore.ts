/**
 * The momentum-scanner score and its components, as plain functions so the
 * scanner and the feature matrix compute the same numbers. Each component maps
 * one raw measure to [-1, 1]; the score is their weighted sum times 100.
 *
 *   rsi        (RSI(14) - 50) / 50                     strength of recent gains
 *   rvol       clamp(log2(RVOL(20)), -2, 2) / 2        volume now vs its recent norm
 *   pctChange  tanh(change / 5%)                       size of the latest move
 *   volume     clamp((log10(volume) - 5) / 2, -1, 1)   liquidity: 100k shares = 0, 10M = 1
 *   score      100 * (0.30 rsi + 0.30 rvol + 0.25 pctChange + 0.15 volume)
 */

/** Component weights of `momentumScore`, summing to 1. */
export const MOMENTUM_WEIGHTS = Object.freeze({ rsi: 0.3, rvol: 0.3, pctChange: 0.25, volume: 0.15 });

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** RSI component: (rsi - 50) / 50, in [-1, 1]. */
export function rsiComponent(rsi: number): number {
  return (rsi - 50) / 50;
}

/** Relative-volume component: log2(rvol) clamped to [-2, 2], halved. */
export function rvolComponent(rvol: number): number {
  return rvol > 0 ? clamp(Math.log2(rvol), -2, 2) / 2 : rvol === 0 ? -1 : NaN;
}

/** Percent-change component: tanh(change / 0.05), change as a fraction (0.03 = +3%). */
export function pctChangeComponent(change: number): number {
  return Math.tanh(change / 0.05);
}

/** Volume component: (log10(volume) - 5) / 2 clamped to [-1, 1]. */
export function volumeComponent(volume: number): number {
  return volume > 0 ? clamp((Math.log10(volume) - 5) / 2, -1, 1) : volume === 0 ? -1 : NaN;
}

/** The score in [-100, 100] from raw RSI, relative volume, fractional change and volume. */
export function momentumScore(rsi: number, rvol: number, change: number, volume: number): number {
  const w = MOMENTUM_WEIGHTS;
  return 100 * (w.rsi * rsiComponent(rsi) + w.rvol * rvolComponent(rvol) + w.pctChange * pctChangeComponent(change) + w.volume * volumeComponent(volume));
}

/** Batch score over aligned arrays (NaN where any input is NaN). */
export function momentumScoreBatch(rsi: Float64Array, rvol: Float64Array, change: Float64Array, volume: Float64Array, out = new Float64Array(rsi.length)): Float64Array {
  for (let i = 0; i < rsi.length; i++) out[i] = momentumScore(rsi[i]!, rvol[i]!, change[i]!, volume[i]!);
  return out;
}
