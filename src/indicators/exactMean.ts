/**
 * Correctly rounded mean of three doubles. R's `mean` sums in long double, so
 * TTR's typical price (H+L+C)/3 is the correctly rounded mean; a plain
 * (h+l+c)/3 can land one ulp away, and MFI compares successive typical prices
 * for equality, so it must round the same way.
 */
export function mean3(a: number, b: number, c: number): number {
  // Exact sum as hi + lo (Knuth TwoSum twice).
  const s1 = a + b;
  const bb = s1 - a;
  const e1 = a - (s1 - bb) + (b - bb);
  const s2 = s1 + c;
  const cc = s2 - s1;
  const e2 = s1 - (s2 - cc) + (c - cc);
  const lo0 = e1 + e2;
  const hi = s2 + lo0;
  const lo = lo0 - (hi - s2);
  // q = hi/3, then correct by the exact remainder (hi + lo - 3q) / 3 (Dekker product for 3q).
  const q = hi / 3;
  const p = 3 * q;
  const SPLIT = 134217729;
  const t = SPLIT * q;
  const qh = t - (t - q);
  const ql = q - qh;
  const pErr = qh * 3 - p + ql * 3;
  const r = hi - p - pErr + lo;
  return q + r / 3;
}
