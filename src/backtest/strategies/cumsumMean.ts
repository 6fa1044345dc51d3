/**
 * Rolling mean as vectorbt 0.25 computes it (`rolling_mean_1d_nb`): the
 * difference of two running cumulative sums divided by the window. It carries
 * the cumsum's rounding noise, which decides exact ties between two averages
 * (e.g. SMA(10) == SMA(50) on ttrc at 1993-02-05). Use it only to reproduce
 * vectorbt to the last digit; `sma` (exact, compensated) is the default.
 */
export function cumsumMean(src: Float64Array, window: number, out: Float64Array = new Float64Array(src.length)): Float64Array {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
  const n = src.length;
  const cs = new Float64Array(n);
  let c = 0;
  for (let i = 0; i < n; i++) {
    c = c + src[i]!;
    cs[i] = c;
    if (i < window - 1) out[i] = NaN;
    else out[i] = (i < window ? c : c - cs[i - window]!) / window;
  }
  return out;
}
