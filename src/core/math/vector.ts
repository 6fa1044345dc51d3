/** Small dense-vector helpers shared by the quasi-Newton optimisers (L-BFGS, BFGS) and their callers. */

/** Dot product of two vectors of the same length. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Largest absolute entry (the infinity norm); 0 for an empty vector. */
export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
