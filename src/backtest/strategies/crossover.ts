/**
 * Crossover flags of two series: `up[t]` when a[t] > b[t] and a[t-1] <= b[t-1],
 * `down[t]` when a[t] < b[t] and a[t-1] >= b[t-1]; both bars must be defined (not NaN).
 */
export function crossover(
  a: Float64Array,
  b: Float64Array,
  up: Uint8Array = new Uint8Array(a.length),
  down: Uint8Array = new Uint8Array(a.length),
): { up: Uint8Array; down: Uint8Array } {
  const n = a.length;
  if (n > 0) {
    up[0] = 0;
    down[0] = 0;
  }
  for (let t = 1; t < n; t++) {
    const a0 = a[t - 1]!;
    const b0 = b[t - 1]!;
    const a1 = a[t]!;
    const b1 = b[t]!;
    // NaN compares false everywhere, so warm-up bars never signal.
    up[t] = a1 > b1 && a0 <= b0 ? 1 : 0;
    down[t] = a1 < b1 && a0 >= b0 ? 1 : 0;
  }
  return { up, down };
}
