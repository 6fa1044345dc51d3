/** Rank pseudo-observations u = rank / (n + 1) (average ranks for ties) and Kendall's tau. */

/** Pseudo-observations of one column. */
export function pseudoObs(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const u = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]!] === x[idx[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let p = i; p <= j; p++) u[idx[p]!] = rank / (n + 1);
    i = j + 1;
  }
  return u;
}

/** Kendall's tau-a between two columns (O(n^2); adequate for the window sizes used here). */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const a = Math.sign(x[i]! - x[j]!) * Math.sign(y[i]! - y[j]!);
      s += a;
    }
  return (2 * s) / (n * (n - 1));
}

/** Pearson correlation. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i]! - mx;
    const b = y[i]! - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxy / Math.sqrt(sxx * syy);
}
