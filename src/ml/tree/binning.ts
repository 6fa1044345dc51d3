/**
 * Feature binning: per-feature quantile cut points and a column-major Uint8Array
 * of bin codes. Code MISSING_BIN (255) marks NaN, so at most 255 value bins.
 * Bin b of feature f holds values in [cuts[b-1], cuts[b]); a split "bin <= b goes
 * left" is the raw test "x < cuts[b]", the XGBoost convention.
 */
import type { Matrix } from '../data.ts';

/** The bin code reserved for missing values. */
export const MISSING_BIN = 255;
/** Histogram slots per feature: 255 value bins + the missing bin. */
export const BIN_SLOTS = 256;

/** Binned features: codes plus the cut points that map raw values to codes. */
export interface BinnedMatrix {
  /** Column-major codes: feature f, row i at `bins[f * rows + i]`. */
  readonly bins: Uint8Array;
  readonly rows: number;
  readonly cols: number;
  /** Sorted cut points of each feature (length = value bins - 1). */
  readonly cuts: readonly Float64Array[];
  /** Number of value bins per feature (cuts.length + 1). */
  readonly nBins: Int32Array;
}

/**
 * Quantile cut points of one column (at most maxBins-1 of them). With few distinct
 * values, every gap gets a cut; otherwise cuts fall at equal-count ranks, at the
 * midpoint between the neighbouring distinct values so no value sits on a cut.
 */
export function quantileCuts(values: Float64Array, maxBins: number, sample?: Float64Array): Float64Array {
  const src = sample ?? values;
  let n = 0;
  const sorted = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    if (v === v) sorted[n++] = v;
  }
  const s = sorted.subarray(0, n).sort();
  if (n === 0) return new Float64Array(0);
  // distinct values
  let nd = 1;
  for (let i = 1; i < n; i++) if (s[i] !== s[i - 1]) nd++;
  const cuts: number[] = [];
  if (nd <= maxBins) {
    for (let i = 1; i < n; i++) if (s[i] !== s[i - 1]) cuts.push(midpoint(s[i - 1]!, s[i]!));
    return Float64Array.from(cuts);
  }
  let last = -Infinity;
  for (let k = 1; k < maxBins; k++) {
    let r = Math.floor((k * n) / maxBins);
    if (r <= 0) continue;
    // move to the start of the run of equal values so the cut separates distinct values
    while (r < n && s[r] === s[r - 1]) r++;
    if (r >= n) break;
    const c = midpoint(s[r - 1]!, s[r]!);
    if (c > last) {
      cuts.push(c);
      last = c;
    }
  }
  return Float64Array.from(cuts);
}

function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  // guard against rounding onto the lower value: the cut must be > a
  return m > a ? m : b;
}

/** The bin code of a value under the given cuts (binary search); NaN -> MISSING_BIN. */
export function binOf(cuts: Float64Array, v: number): number {
  if (v !== v) return MISSING_BIN;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Value bins per feature for a `maxBins` setting (code 255 is the missing bin). */
export function valueBins(maxBins: number): number {
  return Math.min(maxBins, MISSING_BIN);
}

/** Bin a matrix with cuts learned from it (at most maxBins value bins per feature, <= 255). */
export function binMatrix(X: Matrix, maxBins = 256): BinnedMatrix {
  const vb = valueBins(maxBins);
  const cuts: Float64Array[] = [];
  for (let j = 0; j < X.cols; j++) cuts.push(quantileCuts(X.data.subarray(j * X.rows, (j + 1) * X.rows), vb));
  return applyBins(X, cuts);
}

/** Bin a matrix with given cuts (validation/test data binned like training data). */
export function applyBins(X: Matrix, cuts: readonly Float64Array[]): BinnedMatrix {
  const bins = new Uint8Array(X.rows * X.cols);
  const nBins = new Int32Array(X.cols);
  for (let j = 0; j < X.cols; j++) {
    nBins[j] = cuts[j]!.length + 1;
    binColumn(X.data.subarray(j * X.rows, (j + 1) * X.rows), cuts[j]!, bins.subarray(j * X.rows, (j + 1) * X.rows));
  }
  return { bins, rows: X.rows, cols: X.cols, cuts, nBins };
}

/** Codes of one column's values under its cuts into `out` (same length). */
export function binColumn(values: Float64Array, c: Float64Array, out: Uint8Array): void {
  // binOf as a fixed-step search over the cuts padded with +Infinity to 2^k - 1: no
  // data-dependent branch to mispredict (code = number of cuts <= v either way)
  let top = 1;
  while (top - 1 < c.length) top <<= 1;
  const pad = new Float64Array(top).fill(Infinity);
  pad.set(c);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let lo = 0;
    for (let step = top >> 1; step > 0; step >>= 1) lo += step & -(pad[lo + step - 1]! <= v);
    // +Infinity also counts the padding: clamp to the cut count
    out[i] = v !== v ? MISSING_BIN : Math.min(lo, c.length);
  }
}
