/**
 * Probability of backtest overfitting by combinatorially symmetric cross-
 * validation (Bailey, Borwein, Lopez de Prado, Zhu 2014). The T x N matrix of
 * per-period performance of N strategy variants is cut into S row blocks; for
 * every half of the blocks as in-sample, the in-sample best variant's relative
 * out-of-sample rank w gives a logit log(w/(1-w)); PBO is the share of logits <= 0.
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
 * PBO of a performance matrix given column-major: `perf[j * T + t]` is the
 * return of variant j in period t. S must be even.
 */
export function pbo(perf: Float64Array, T: number, N: number, S: number, stat: (x: Float64Array) => number = sharpeStat): PboResult {
  if (perf.length !== T * N) throw new BadInputError(`pbo: matrix has ${perf.length} values, expected ${T} x ${N}`);
  if (!(Number.isInteger(S) && S >= 2 && S % 2 === 0 && S <= T)) throw new BadInputError(`pbo: S must be an even integer in 2..${T} (got ${S})`);
  if (N < 2) throw new BadInputError('pbo: needs at least two strategy variants');
  const bounds = Array.from({ length: S + 1 }, (_, s) => Math.floor((s * T) / S));
  const combos = combinations(S, S / 2);
  const logits = new Float64Array(combos.length);
  const gather = (blocks: number[], j: number): Float64Array => {
    const rows: number[] = [];
    for (const b of blocks) for (let t = bounds[b]!; t < bounds[b + 1]!; t++) rows.push(perf[j * T + t]!);
    return Float64Array.from(rows);
  };
  combos.forEach((is, c) => {
    const os = Array.from({ length: S }, (_, s) => s).filter((s) => !is.includes(s));
    let best = 0;
    let bestIs = -Infinity;
    const osStat = new Float64Array(N);
    for (let j = 0; j < N; j++) {
      const v = stat(gather(is, j));
      if (v > bestIs) {
        bestIs = v;
        best = j;
      }
      osStat[j] = stat(gather(os, j));
    }
    // relative rank of the IS winner out of sample, in (0, 1)
    let below = 0;
    for (let j = 0; j < N; j++) if (osStat[j]! < osStat[best]!) below++;
    const w = (below + 1) / (N + 1);
    logits[c] = Math.log(w / (1 - w));
  });
  let over = 0;
  for (const l of logits) if (l <= 0) over++;
  return { pbo: over / logits.length, logits, combinations: combos.length };
}
