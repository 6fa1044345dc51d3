/** A train/test split of row indices (ascending). */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Indices [a, b) as an Int32Array. */
export function range(a: number, b: number): Int32Array {
  return Int32Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);
}
