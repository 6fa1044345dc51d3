/**
 * Probability of backtest overfitting by combinatorially symmetric cross-
 * validation (Bailey, Borwein, Lopez de Prado, Zhu 2014). The T x N matrix of
 * per-period performance of N strategy variants is cut into S row blocks; for
 * every half of the blocks as in-sample, the in-sample best variant's relative
 * out-of-sample rank w gives a logit log(w/(1-w)); PBO is the share of logits <= 0.
 *
 * Two entry points share one CSCV core: `pbo` over the full matrix with any
 * statistic, and `pboFromBlocks` over per-block sums (sum, sum of squares,
 * count) with the Sharpe statistic, which is what sweeps store (3S numbers per row).
 */
import { BadInputError } from '../../core/errors.ts';
import { combinations } from './cpcv.ts';

/** PBO result with the logit distribution. */
export interface PboResult {
  pbo: number;
  logits: Float64Array;
  /** Number of IS/OS combinations evaluated (C(S, S/2)). */
  combinations: number;
}

/** Default performance statistic: the mean over the rows (use Sharpe for returns by passing it). */
function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** Sharpe-like statistic: mean / standard deviation (0 when flat). */
export function sharpeStat(x: Float64Array): number {
  const m = mean(x);
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - m) ** 2;
  const sd = Math.sqrt(v / Math.max(1, x.length - 1));
  return sd > 0 ? m / sd : 0;
}

/**
 * The CSCV core: `stat(j, blocks)` is variant j's statistic over the listed
 * blocks. The IS winner is the first best; OS ties with it count half (so N
 * identical variants give w = 1/2, logit 0, which counts as overfit).
 */
function cscv(N: number, S: number, stat: (j: number, blocks: readonly number[]) => number): PboResult {
  const combos = combinations(S, S / 2);
  const logits = new Float64Array(combos.length);
  const osStat = new Float64Array(N);
  combos.forEach((is, c) => {
    const os: number[] = [];
    for (let s = 0; s < S; s++) if (!is.includes(s)) os.push(s);
    let best = 0;
    let bestIs = -Infinity;
    for (let j = 0; j < N; j++) {
      const v = stat(j, is);
      if (v > bestIs) {
        bestIs = v;
        best = j;
      }
      osStat[j] = stat(j, os);
    }
    // Relative rank of the IS winner out of sample, in (0, 1).
    let below = 0;
    for (let j = 0; j < N; j++) if (j !== best) below += osStat[j]! < osStat[best]! ? 1 : osStat[j] === osStat[best] ? 0.5 : 0;
    const w = (below + 1) / (N + 1);
    logits[c] = Math.log(w / (1 - w));
  });
  let over = 0;
  for (const l of logits) if (l <= 0) over++;
  return { pbo: over / logits.length, logits, combinations: combos.length };
}

function checkS(S: number, max: number): void {
  if (!(Number.isInteger(S) && S >= 2 && S % 2 === 0 && S <= max)) throw new BadInputError(`pbo: S must be an even integer in 2..${max} (got ${S})`);
}

/**
 * PBO of a performance matrix given column-major: `perf[j * T + t]` is the
 * return of variant j in period t. S must be even.
 */
export function pbo(perf: Float64Array, T: number, N: number, S: number, stat: (x: Float64Array) => number = sharpeStat): PboResult {
  if (perf.length !== T * N) throw new BadInputError(`pbo: matrix has ${perf.length} values, expected ${T} x ${N}`);
  checkS(S, T);
  if (N < 2) throw new BadInputError('pbo: needs at least two strategy variants');
  const bounds = Array.from({ length: S + 1 }, (_, s) => Math.floor((s * T) / S));
  return cscv(N, S, (j, blocks) => {
    let len = 0;
    for (const b of blocks) len += bounds[b + 1]! - bounds[b]!;
    const rows = new Float64Array(len);
    let k = 0;
    for (const b of blocks) for (let t = bounds[b]!; t < bounds[b + 1]!; t++) rows[k++] = perf[j * T + t]!;
    return stat(rows);
  });
}

/** Per-block return statistics of one variant: [sum0, sumsq0, n0, sum1, ...]. */
export type BlockStats = number[];

/** Sums, sums of squares and counts of `r` over S near-equal contiguous blocks (the same blocks `pbo` cuts). */
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

/** Sharpe (mean / sample sd) of the union of some blocks, from their sums; 0 when flat or too short. */
function blockSharpe(st: BlockStats, blocks: readonly number[]): number {
  let s = 0;
  let s2 = 0;
  let n = 0;
  for (const b of blocks) {
    s += st[3 * b]!;
    s2 += st[3 * b + 1]!;
    n += st[3 * b + 2]!;
  }
  if (n < 2) return 0;
  const m = s / n;
  const v = (s2 - n * m * m) / (n - 1);
  return v > 0 ? m / Math.sqrt(v) : 0;
}

/**
 * PBO with the Sharpe statistic from per-block sums (`blockStats` of each
 * variant's returns); NaN (0 combinations) with fewer than two variants.
 */
export function pboFromBlocks(stats: readonly BlockStats[], S: number): PboResult {
  if (stats.length < 2) return { pbo: NaN, logits: new Float64Array(0), combinations: 0 };
  checkS(S, Infinity);
  for (const [j, st] of stats.entries()) if (st.length !== 3 * S) throw new BadInputError(`pbo: variant ${j} has ${st.length / 3} blocks, expected ${S}`);
  return cscv(stats.length, S, (j, blocks) => blockSharpe(stats[j]!, blocks));
}
