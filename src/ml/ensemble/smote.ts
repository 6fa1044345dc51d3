/**
 * SMOTE (Chawla et al. 2002): synthetic minority rows on the segments between a
 * minority row and one of its k nearest minority neighbours. Apply it to a
 * training fold only (see withSmote in stacking.ts); oversampling before the
 * split leaks near-copies of test rows into training.
 */
import { BadInputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { Matrix } from '../data.ts';

/** Options for smote. */
export interface SmoteOptions {
  k?: number;
  seed?: number;
  /** Minority label (default: the rarer of 0/1). */
  minority?: number;
  /** Final minority/majority ratio (default 1 = balanced). */
  ratio?: number;
}

/** Oversample the minority class; returns the original rows followed by the synthetic ones. */
export function smote(X: Matrix, y: ArrayLike<number>, o: SmoteOptions = {}): { X: Matrix; y: Float64Array; synthetic: number } {
  const n = X.rows;
  const p = X.cols;
  if (y.length !== n) throw new BadInputError(`smote: X has ${n} rows but y has ${y.length}`);
  let ones = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) ones++;
  const minority = o.minority ?? (ones <= n - ones ? 1 : 0);
  const minIdx: number[] = [];
  for (let i = 0; i < n; i++) if (y[i] === minority) minIdx.push(i);
  const nMin = minIdx.length;
  const nMaj = n - nMin;
  const want = Math.max(0, Math.round((o.ratio ?? 1) * nMaj) - nMin);
  const k = Math.min(o.k ?? 5, nMin - 1);
  if (want === 0) return { X, y: Float64Array.from(y), synthetic: 0 };
  if (k < 1) throw new BadInputError(`smote: needs at least 2 minority rows (have ${nMin})`);
  // k nearest minority neighbours of each minority row (brute force: folds are small)
  const nn = new Int32Array(nMin * k);
  const dist = new Float64Array(nMin);
  const order = new Int32Array(nMin);
  for (let a = 0; a < nMin; a++) {
    for (let b = 0; b < nMin; b++) {
      let d = 0;
      for (let j = 0; j < p; j++) {
        const t = X.data[j * n + minIdx[a]!]! - X.data[j * n + minIdx[b]!]!;
        d += t * t;
      }
      dist[b] = b === a ? Infinity : d;
      order[b] = b;
    }
    order.sort((u, v) => dist[u]! - dist[v]! || u - v);
    for (let t = 0; t < k; t++) nn[a * k + t] = order[t]!;
  }
  const rng = new Rng(o.seed ?? 0);
  const total = n + want;
  const data = new Float64Array(total * p);
  for (let j = 0; j < p; j++) data.set(X.data.subarray(j * n, (j + 1) * n), j * total);
  const yOut = new Float64Array(total);
  for (let i = 0; i < n; i++) yOut[i] = y[i]!;
  for (let s = 0; s < want; s++) {
    const a = s % nMin; // every minority row seeds in turn, as the original algorithm
    const b = nn[a * k + rng.int(k)]!;
    const u = rng.next();
    for (let j = 0; j < p; j++) {
      const xa = X.data[j * n + minIdx[a]!]!;
      data[j * total + n + s] = xa + u * (X.data[j * n + minIdx[b]!]! - xa);
    }
    yOut[n + s] = minority;
  }
  return { X: { data, rows: total, cols: p }, y: yOut, synthetic: want };
}
