/**
 * Scalar streaming building blocks (rolling sum, mean, variance, max/min, EMA,
 * Wilder sum, lag, weighted window). Composite indicators are written once as a
 * composition of these, so their batch form (a loop over the same blocks) and
 * their streaming form give bit-identical numbers. Every block skips leading NaN
 * inputs (the warm-up of an upstream block), as TTR does, and returns NaN until
 * it has seen enough real values.
 */
import { checkPeriod } from './period.ts';

/**
 * Compensated rolling sum of the last n values: the window sum is held as
 * hi + lo, and each bar adds d = x - old (split exactly into d + dErr) with
 * Knuth's branch-free TwoSum, so hi + lo stays within an ulp of the exact sum
 * at any price level (no cancellation at 65,000) and exact ties between two
 * averages stay ties. The loop-carried chain is one addition per bar.
 * `rollingBatch.ts` runs the same arithmetic over arrays, so batch == stream bit for bit.
 */
export class CompensatedSum {
  private readonly buf: Float64Array;
  private count = 0;
  private pos = 0;
  /** High part of the window sum. */
  hi = 0;
  /** Accumulated rounding errors (low part). */
  lo = 0;
  constructor(readonly n: number) {
    checkPeriod(n);
    this.buf = new Float64Array(n);
  }
  /** Add x (dropping the oldest value once full); true once the window holds n real values (leading NaN skipped). */
  advance(x: number): boolean {
    const n = this.n;
    if (this.count === 0 && x !== x) return false;
    const full = this.count >= n;
    const old = full ? this.buf[this.pos]! : 0;
    this.buf[this.pos] = x;
    if (++this.pos === n) this.pos = 0;
    // d = x - old exactly as d + dl; then hi + d exactly as t + e.
    const d = x - old;
    const z = d - x;
    const dl = x - (d - z) + (-old - z);
    const h = this.hi;
    const t = h + d;
    const bb = t - h;
    this.lo += h - (t - bb) + (d - bb) + dl;
    this.hi = t;
    if (full) return true;
    return ++this.count === n;
  }
}

/** Rolling sum of the last n values (TTR `runSum`), compensated (see CompensatedSum). */
export class RollingSum {
  private readonly s: CompensatedSum;
  constructor(readonly n: number) {
    this.s = new CompensatedSum(n);
  }
  /** Add x, return the sum of the last n values (NaN until n real values have been seen). */
  push(x: number): number {
    const s = this.s;
    return s.advance(x) ? s.hi + s.lo : NaN;
  }
}

/** Rolling mean of the last n values (TTR `runMean` / `SMA`): (hi + lo) / n of a CompensatedSum. */
export class RollingMean {
  private readonly s: CompensatedSum;
  private readonly inv: number;
  constructor(n: number) {
    this.s = new CompensatedSum(n);
    this.inv = 1 / n;
  }
  push(x: number): number {
    const s = this.s;
    return s.advance(x) ? (s.hi + s.lo) * this.inv : NaN;
  }
}

/** Number of full-window updates between exact re-computations of the rolling moments (bounds drift). */
export const RESYNC = 4096;

/**
 * Rolling mean and variance by the windowed Welford update (replace the oldest
 * value in one step); never a running sum of squares, and re-computed exactly
 * from the window every RESYNC updates so rounding cannot drift.
 */
export class RollingVar {
  private readonly buf: Float64Array;
  private count = 0;
  private since = 0;
  /** Mean of the current window. */
  mean = 0;
  private m2 = 0;
  constructor(
    readonly n: number,
    readonly sample: boolean,
  ) {
    checkPeriod(n);
    if (sample && n < 2) throw new RangeError('sample variance needs a window of at least 2');
    this.buf = new Float64Array(n);
    this.inv = 1 / n;
  }
  private readonly inv: number;
  /** Add x, return the variance of the last n values (sample or population). */
  push(x: number): number {
    if (this.count === 0 && x !== x) return NaN;
    const n = this.n;
    const slot = this.count % n;
    if (this.count < n) {
      const k = this.count + 1;
      const d = x - this.mean;
      this.mean += d / k;
      this.m2 += d * (x - this.mean);
    } else {
      const old = this.buf[slot]!;
      if (++this.since === RESYNC) {
        this.buf[slot] = x;
        this.since = 0;
        this.resync(slot + 1 === n ? 0 : slot + 1);
      } else {
        const d = x - old;
        const m0 = this.mean;
        this.mean = m0 + d * this.inv;
        this.m2 += d * (x - this.mean + old - m0);
      }
    }
    this.buf[slot] = x;
    this.count++;
    if (this.count < n) return NaN;
    const m2 = this.m2 > 0 ? this.m2 : 0;
    return m2 / (this.sample ? n - 1 : n);
  }
  /** Exact mean and m2 of the window, oldest value first (the order the batch loop uses). */
  private resync(oldest: number): void {
    const b = this.buf;
    const n = this.n;
    let s = 0;
    for (let i = oldest; i < n; i++) s += b[i]!;
    for (let i = 0; i < oldest; i++) s += b[i]!;
    const m = s / n;
    let q = 0;
    for (let i = oldest; i < n; i++) q += (b[i]! - m) * (b[i]! - m);
    for (let i = 0; i < oldest; i++) q += (b[i]! - m) * (b[i]! - m);
    this.mean = m;
    this.m2 = q;
  }
}

/** Rolling maximum (or minimum with `min`) of the last n values: monotonic deque, O(1) amortised. */
export class RollingExtreme {
  private readonly qv: Float64Array;
  private readonly qi: Float64Array;
  private head = 0;
  private size = 0;
  private seq = 0;
  constructor(
    readonly n: number,
    readonly min = false,
  ) {
    checkPeriod(n);
    this.qv = new Float64Array(n);
    this.qi = new Float64Array(n);
  }
  push(x: number): number {
    if (this.seq === 0 && x !== x) return NaN;
    const n = this.n;
    if (this.size > 0 && this.qi[this.head]! <= this.seq - n) {
      if (++this.head === n) this.head = 0;
      this.size--;
    }
    const qv = this.qv;
    const head = this.head;
    let size = this.size;
    if (this.min) {
      while (size > 0) {
        let k = head + size - 1;
        if (k >= n) k -= n;
        if (qv[k]! < x) break;
        size--;
      }
    } else {
      while (size > 0) {
        let k = head + size - 1;
        if (k >= n) k -= n;
        if (qv[k]! > x) break;
        size--;
      }
    }
    this.size = size;
    let at = head + size;
    if (at >= n) at -= n;
    this.qv[at] = x;
    this.qi[at] = this.seq;
    this.size++;
    this.seq++;
    return this.seq >= n ? this.qv[this.head]! : NaN;
  }
}

/**
 * Exponential moving average as TTR computes it: the first value is the mean of
 * the first n real inputs, then v = x*r + v*(1-r); r = 2/(n+1), or 1/n for Wilder.
 */
export class Ema {
  private count = 0;
  private sum = 0;
  private v = NaN;
  readonly ratio: number;
  constructor(
    readonly n: number,
    wilder = false,
  ) {
    checkPeriod(n);
    this.ratio = wilder ? 1 / n : 2 / (n + 1);
  }
  push(x: number): number {
    if (this.count === 0 && x !== x) return NaN;
    const n = this.n;
    if (this.count < n) {
      this.sum += x;
      this.count++;
      if (this.count < n) return NaN;
      return (this.v = this.sum / n);
    }
    const r = this.ratio;
    return (this.v = x * r + this.v * (1 - r));
  }
}

/** Wilder's running sum (TTR `wilderSum`): first value x + sum of the n-1 before it * (n-1)/n, then x + prev*(n-1)/n. */
export class WilderSum {
  private count = 0;
  private v = 0;
  constructor(readonly n: number) {
    checkPeriod(n);
  }
  push(x: number): number {
    if (this.count === 0 && x !== x) return NaN;
    const n = this.n;
    if (this.count < n - 1) {
      this.v += x;
      this.count++;
      return NaN;
    }
    this.count++;
    return (this.v = x + (this.v * (n - 1)) / n);
  }
}

/** The value n steps back (NaN until n values have passed). */
export class Lag {
  private readonly buf: Float64Array;
  private count = 0;
  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`lag must be a non-negative integer, got ${n}`);
    this.buf = new Float64Array(Math.max(n, 1));
  }
  push(x: number): number {
    const n = this.n;
    if (n === 0) return x;
    const slot = this.count % n;
    const old = this.count >= n ? this.buf[slot]! : NaN;
    this.buf[slot] = x;
    this.count++;
    return old;
  }
}

/** A ring buffer of the last n real values, oldest first by `at(0)`, for kernels that need the whole window. */
export class Window {
  readonly buf: Float64Array;
  count = 0;
  constructor(readonly n: number) {
    checkPeriod(n);
    this.buf = new Float64Array(n);
  }
  /** Add x; returns true once the window is full. Leading NaN inputs are skipped. */
  push(x: number): boolean {
    if (this.count === 0 && x !== x) return false;
    this.buf[this.count % this.n] = x;
    this.count++;
    return this.count >= this.n;
  }
  get full(): boolean {
    return this.count >= this.n;
  }
  /** k-th value of the window, 0 = oldest. */
  at(k: number): number {
    return this.buf[(this.count + k) % this.n]!;
  }
}

/** Weighted moving average over the last n values with fixed weights (oldest first), TTR `WMA`. */
export class WeightedWindow {
  private readonly win: Window;
  private readonly w: Float64Array;
  private readonly wsum: number;
  constructor(weights: Float64Array) {
    this.win = new Window(weights.length);
    this.w = weights;
    let s = 0;
    for (let i = 0; i < weights.length; i++) s += weights[i]!;
    this.wsum = s;
  }
  push(x: number): number {
    if (!this.win.push(x)) return NaN;
    const n = this.w.length;
    const b = this.win.buf;
    const w = this.w;
    const start = this.win.count % n;
    let s = 0;
    // Oldest value sits at `start`; walk to the end of the buffer, then wrap.
    for (let k = 0; k < n - start; k++) s += w[k]! * b[start + k]!;
    for (let k = n - start; k < n; k++) s += w[k]! * b[start + k - n]!;
    return s / this.wsum;
  }
}

/** Linear weights 1..n (oldest lightest), TTR's default WMA weights. */
export function linearWeights(n: number): Float64Array {
  checkPeriod(n);
  return Float64Array.from({ length: n }, (_, i) => i + 1);
}
