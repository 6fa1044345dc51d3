/**
 * Array forms of the rolling blocks in rolling.ts: one tight loop over typed
 * arrays each, no allocation or calls per bar. Each performs the same arithmetic
 * in the same order as its streaming block (leading NaN skipped, same
 * re-summation schedule), so batch and streaming agree bit for bit;
 * rollingBatch.test.ts holds them equal.
 */
import { RESYNC } from './rolling.ts';

/** Index of the first non-NaN value (the length when there is none). */
export function firstReal(x: Float64Array): number {
  let i = 0;
  while (i < x.length && x[i] !== x[i]) i++;
  return i;
}

/** Rolling mean (or, with `sum`, the sum) of the last n values: CompensatedSum's arithmetic over an array. */
function compensatedInto(x: Float64Array, n: number, out: Float64Array, sum: boolean): Float64Array {
  const len = x.length;
  const f = firstReal(x);
  const firstOut = f + n - 1;
  for (let i = 0; i < (firstOut < len ? firstOut : len); i++) out[i] = NaN;
  if (firstOut >= len) return out;
  const inv = 1 / n;
  let hi = 0;
  let lo = 0;
  for (let i = f; i <= firstOut; i++) {
    // Warm-up: old = 0, so d = x exactly and dl = 0; the same TwoSum as below.
    const d = x[i]!;
    const t = hi + d;
    const bb = t - hi;
    lo += hi - (t - bb) + (d - bb) + 0;
    hi = t;
  }
  out[firstOut] = sum ? hi + lo : (hi + lo) * inv;
  const scale = sum ? 1 : inv;
  // CompensatedSum's TwoSums, branch-free: d = xi - old exactly as d + dl, then hi + d
  // exactly as t + error. Cheaper here than testing where the Sterbenz and Fast2Sum
  // shortcuts are exact (the tests and their branches cost more than the flops they
  // save). Two bars per step: the same operations in the same order, less loop overhead.
  let i = firstOut + 1;
  for (; i + 1 < len; i += 2) {
    const x0 = x[i]!;
    const x1 = x[i + 1]!;
    const o0 = x[i - n]!;
    const o1 = x[i + 1 - n]!;
    const d0 = x0 - o0;
    const z0 = d0 - x0;
    const dl0 = x0 - (d0 - z0) + (-o0 - z0);
    const d1 = x1 - o1;
    const z1 = d1 - x1;
    const dl1 = x1 - (d1 - z1) + (-o1 - z1);
    const t0 = hi + d0;
    const b0 = t0 - hi;
    lo += hi - (t0 - b0) + (d0 - b0) + dl0;
    out[i] = (t0 + lo) * scale;
    const t1 = t0 + d1;
    const b1 = t1 - t0;
    lo += t0 - (t1 - b1) + (d1 - b1) + dl1;
    hi = t1;
    out[i + 1] = (t1 + lo) * scale;
  }
  if (i < len) {
    const xi = x[i]!;
    const old = x[i - n]!;
    const d = xi - old;
    const z = d - xi;
    const dl = xi - (d - z) + (-old - z);
    const t = hi + d;
    const bb = t - hi;
    lo += hi - (t - bb) + (d - bb) + dl;
    out[i] = (t + lo) * scale;
  }
  return out;
}

/** Rolling mean of the last n values into `out` (RollingMean / TTR runMean). */
export function rollingMeanInto(x: Float64Array, n: number, out: Float64Array = new Float64Array(x.length)): Float64Array {
  return compensatedInto(x, n, out, false);
}

/** Rolling sum of the last n values into `out` (RollingSum / TTR runSum). */
export function rollingSumInto(x: Float64Array, n: number, out: Float64Array = new Float64Array(x.length)): Float64Array {
  return compensatedInto(x, n, out, true);
}

/**
 * Rolling variance (sample or population) into `outVar`, and the window mean into
 * `outMean` when given: RollingVar's windowed Welford update with an exact
 * re-computation every RESYNC full-window updates.
 */
export function rollingVarInto(x: Float64Array, n: number, sample: boolean, outVar: Float64Array, outMean?: Float64Array): Float64Array {
  const len = x.length;
  const f = firstReal(x);
  const div = sample ? n - 1 : n;
  const inv = 1 / n;
  let mean = 0;
  let m2 = 0;
  let since = 0;
  const warmEnd = f + n - 1 < len ? f + n - 1 : len;
  for (let i = 0; i < f; i++) outVar[i] = NaN;
  for (let i = f; i < warmEnd; i++) {
    const xi = x[i]!;
    const d = xi - mean;
    mean += d / (i - f + 1);
    m2 += d * (xi - mean);
    outVar[i] = NaN;
  }
  if (outMean) for (let i = 0; i < warmEnd; i++) outMean[i] = NaN;
  if (warmEnd < f + n - 1) return outVar;
  for (let i = warmEnd; i < len; i++) {
    const xi = x[i]!;
    if (i - f < n) {
      const d = xi - mean;
      mean += d / (i - f + 1);
      m2 += d * (xi - mean);
    } else if (++since === RESYNC) {
      since = 0;
      let s = 0;
      for (let j = i - n + 1; j <= i; j++) s += x[j]!;
      const m = s / n;
      let q = 0;
      for (let j = i - n + 1; j <= i; j++) q += (x[j]! - m) * (x[j]! - m);
      mean = m;
      m2 = q;
    } else {
      const old = x[i - n]!;
      const d = xi - old;
      const m0 = mean;
      mean = m0 + d * inv;
      m2 += d * (xi - mean + old - m0);
    }
    outVar[i] = (m2 > 0 ? m2 : 0) / div;
    if (outMean) outMean[i] = mean;
  }
  return outVar;
}

/**
 * Rolling maximum (or minimum with `min`) of the last n values into `out`: a
 * monotonic deque of indices, O(1) amortised per bar. Exact, so equal to RollingExtreme.
 */
export function rollingExtremeInto(x: Float64Array, n: number, min: boolean, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const len = x.length;
  const f = firstReal(x);
  const q = new Int32Array(len - f > 0 ? len - f : 1);
  let head = 0;
  let tail = 0;
  const firstOut = f + n - 1;
  for (let i = 0; i < f && i < len; i++) out[i] = NaN;
  for (let i = f; i < len; i++) {
    const xi = x[i]!;
    if (tail > head && q[head]! <= i - n) head++;
    if (min) while (tail > head && !(x[q[tail - 1]!]! < xi)) tail--;
    else while (tail > head && !(x[q[tail - 1]!]! > xi)) tail--;
    q[tail++] = i;
    out[i] = i >= firstOut ? x[q[head]!]! : NaN;
  }
  return out;
}

/**
 * Rolling population central moments m2, m3, m4 of the last n values:
 * RollingMoments' shifted power sums, re-computed about the window mean every n bars.
 */
export function rollingMomentsInto(x: Float64Array, n: number, m2o: Float64Array, m3o: Float64Array, m4o: Float64Array): void {
  const len = x.length;
  const f = firstReal(x);
  const firstOut = f + n - 1;
  for (let i = 0; i < (firstOut < len ? firstOut : len); i++) m2o[i] = m3o[i] = m4o[i] = NaN;
  let ref = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let since = 0;
  for (let i = firstOut; i < len; i++) {
    if (since === 0) {
      let s = 0;
      for (let j = i - n + 1; j <= i; j++) s += x[j]!;
      ref = s / n;
      s1 = s2 = s3 = s4 = 0;
      for (let j = i - n + 1; j <= i; j++) {
        const d = x[j]! - ref;
        const d2 = d * d;
        s1 += d;
        s2 += d2;
        s3 += d2 * d;
        s4 += d2 * d2;
      }
    } else {
      const o = x[i - n]! - ref;
      const o2 = o * o;
      s1 -= o;
      s2 -= o2;
      s3 -= o2 * o;
      s4 -= o2 * o2;
      const d = x[i]! - ref;
      const d2 = d * d;
      s1 += d;
      s2 += d2;
      s3 += d2 * d;
      s4 += d2 * d2;
    }
    if (++since === n) since = 0;
    const m1 = s1 / n;
    const a2 = s2 / n;
    const a3 = s3 / n;
    const a4 = s4 / n;
    m2o[i] = a2 - m1 * m1;
    m3o[i] = a3 - 3 * m1 * a2 + 2 * m1 * m1 * m1;
    m4o[i] = a4 - 4 * m1 * a3 + 6 * m1 * m1 * a2 - 3 * m1 * m1 * m1 * m1;
  }
}

/** Weighted moving average with fixed weights (oldest first) into `out`: WeightedWindow's sum, in its order. */
export function weightedInto(x: Float64Array, w: Float64Array, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const len = x.length;
  const n = w.length;
  let wsum = 0;
  for (let k = 0; k < n; k++) wsum += w[k]!;
  const f = firstReal(x);
  const firstOut = f + n - 1;
  for (let i = 0; i < (firstOut < len ? firstOut : len); i++) out[i] = NaN;
  for (let i = firstOut; i < len; i++) {
    const b = i - n + 1;
    let s = 0;
    for (let k = 0; k < n; k++) s += w[k]! * x[b + k]!;
    out[i] = s / wsum;
  }
  return out;
}

/** TTR EMA into `out` (Ema's arithmetic: seed = mean of the first n real values, leading NaN skipped; `wilder` uses 1/n). */
export function emaInto(x: Float64Array, n: number, wilder: boolean, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const len = x.length;
  const r = wilder ? 1 / n : 2 / (n + 1);
  const q = 1 - r;
  const f = firstReal(x);
  const seedAt = f + n - 1;
  let sum = 0;
  for (let i = 0; i < Math.min(seedAt, len); i++) {
    if (i >= f) sum += x[i]!;
    out[i] = NaN;
  }
  if (seedAt >= len) return out;
  sum += x[seedAt]!;
  let v = sum / n;
  out[seedAt] = v;
  for (let i = seedAt + 1; i < len; i++) {
    v = x[i]! * r + v * q;
    out[i] = v;
  }
  return out;
}

/** Natural log of every value into `out`. */
export function logInto(x: Float64Array, out: Float64Array = new Float64Array(x.length)): Float64Array {
  for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]!);
  return out;
}

/**
 * n-bar difference of log prices, L[t] - L[t-n] (TTR `ROC(type = "continuous")`,
 * the log return), into `out` (NaN for the first n bars). Taking logs once per
 * series lets every horizon share them.
 */
export function logDiffInto(logX: Float64Array, n: number, out: Float64Array = new Float64Array(logX.length)): Float64Array {
  const len = logX.length;
  for (let i = 0; i < (n < len ? n : len); i++) out[i] = NaN;
  for (let i = n; i < len; i++) out[i] = logX[i]! - logX[i - n]!;
  return out;
}
