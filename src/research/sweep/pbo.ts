/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation
 * (Bailey, Borwein, Lopez de Prado, Zhu 2015). The T x N matrix of per-bar returns
 * is cut into S blocks; every split of the blocks into halves gives an in-sample
 * and an out-of-sample Sharpe per configuration; PBO is the share of splits in
 * which the in-sample winner ranks at or below the out-of-sample median (logit <= 0).
 * Works from per-block sums (sum, sum of squares, count) so sweeps store 3S numbers per row.
 */

/** Per-block return statistics of one configuration: [sum0, sumsq0, n0, sum1, ...]. */
export type BlockStats = number[];

/** Sums, sums of squares and counts of `r` over S near-equal contiguous blocks. */
export function blockStats(r: ArrayLike<number>, S: number): BlockStats {
  const out = new Array<number>(3 * S).fill(0);
  const T = r.length;
  for (let b = 0; b < S; b++) {
    const a = Math.floor((b * T) / S);
    const e = Math.floor(((b + 1) * T) / S);
    let s = 0;
    let s2 = 0;
    for (let t = a; t < e; t++) {
      s += r[t]!;
      s2 += r[t]! * r[t]!;
    }
    out[3 * b] = s;
    out[3 * b + 1] = s2;
    out[3 * b + 2] = e - a;
  }
  return out;
}

function sharpeOf(st: BlockStats, mask: number, S: number, want: boolean): number {
  let s = 0;
  let s2 = 0;
  let n = 0;
  for (let b = 0; b < S; b++) {
    if (((mask >> b) & 1) === 1 !== want) continue;
    s += st[3 * b]!;
    s2 += st[3 * b + 1]!;
    n += st[3 * b + 2]!;
  }
  if (n < 2) return 0;
  const m = s / n;
  const v = (s2 - n * m * m) / (n - 1);
  return v > 0 ? m / Math.sqrt(v) : 0;
}

/** PBO and the logits of each split; NaN with fewer than 2 configurations. */
export function pboCscv(stats: readonly BlockStats[], S: number): { pbo: number; splits: number; logits: number[] } {
  const N = stats.length;
  if (N < 2 || S < 2 || S % 2 !== 0) return { pbo: NaN, splits: 0, logits: [] };
  const logits: number[] = [];
  const is = new Float64Array(N);
  const oos = new Float64Array(N);
  for (let mask = 0; mask < 1 << S; mask++) {
    let bits = 0;
    for (let b = 0; b < S; b++) bits += (mask >> b) & 1;
    if (bits !== S / 2) continue;
    let best = 0;
    for (let j = 0; j < N; j++) {
      is[j] = sharpeOf(stats[j]!, mask, S, true);
      oos[j] = sharpeOf(stats[j]!, mask, S, false);
      if (is[j]! > is[best]!) best = j;
    }
    // Relative OOS rank of the IS winner in (0, 1), ties counted half.
    let below = 0;
    for (let j = 0; j < N; j++) below += oos[j]! < oos[best]! ? 1 : oos[j] === oos[best] && j !== best ? 0.5 : 0;
    const w = (below + 1) / (N + 1);
    logits.push(Math.log(w / (1 - w)));
  }
  return { pbo: logits.filter((l) => l <= 0).length / logits.length, splits: logits.length, logits };
}
