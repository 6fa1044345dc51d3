/** Rolling price statistics: z-score, skewness, kurtosis, Hurst exponent, rolling max/min, log returns. */
import type { Kernel } from './kernel.ts';
import { Lag, RollingExtreme, RollingVar, Window } from './rolling.ts';

/** z-score: (x - mean) / population sd over the last n bars. */
export class ZscoreKernel implements Kernel {
  private readonly v: RollingVar;
  constructor(n: number) {
    this.v = new RollingVar(n, false);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const s2 = this.v.push(c);
    out[0] = (c - this.v.mean) / Math.sqrt(s2);
  }
}

/**
 * Rolling central moments of the last n values from power sums of x - ref,
 * where ref is the window mean at the last exact re-computation (every n bars);
 * shifting keeps the sums small, so there is no cancellation at high price levels.
 */
export class RollingMoments {
  private readonly win: Window;
  private ref = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private s4 = 0;
  private since = 0;
  constructor(readonly n: number) {
    this.win = new Window(n);
  }
  /** Add x; returns false until the window is full, then m2, m3, m4 are the population central moments. */
  push(x: number): boolean {
    const w = this.win;
    const n = this.n;
    if (w.count === 0 && x !== x) return false;
    const old = w.full ? w.at(0) : NaN;
    w.push(x);
    if (!w.full) return false;
    if (old === old) this.remove(old);
    if (this.since === 0 || old !== old) this.resync();
    else this.add(x);
    this.since = (this.since + 1) % n;
    const m1 = this.s1 / n;
    const a2 = this.s2 / n;
    const a3 = this.s3 / n;
    const a4 = this.s4 / n;
    this.m2 = a2 - m1 * m1;
    this.m3 = a3 - 3 * m1 * a2 + 2 * m1 * m1 * m1;
    this.m4 = a4 - 4 * m1 * a3 + 6 * m1 * m1 * a2 - 3 * m1 * m1 * m1 * m1;
    return true;
  }
  m2 = NaN;
  m3 = NaN;
  m4 = NaN;
  private add(x: number): void {
    const d = x - this.ref;
    const d2 = d * d;
    this.s1 += d;
    this.s2 += d2;
    this.s3 += d2 * d;
    this.s4 += d2 * d2;
  }
  private remove(x: number): void {
    const d = x - this.ref;
    const d2 = d * d;
    this.s1 -= d;
    this.s2 -= d2;
    this.s3 -= d2 * d;
    this.s4 -= d2 * d2;
  }
  private resync(): void {
    const w = this.win;
    const n = this.n;
    // Oldest first, the order rollingMomentsInto sums in.
    let s = 0;
    for (let k = 0; k < n; k++) s += w.at(k);
    this.ref = s / n;
    this.s1 = this.s2 = this.s3 = this.s4 = 0;
    for (let k = 0; k < n; k++) this.add(w.at(k));
  }
}

/** Rolling skewness g1 = m3 / m2^1.5 (population moments) of the last n values, m2^1.5 as m2*sqrt(m2). */
export class SkewKernel implements Kernel {
  private readonly m: RollingMoments;
  constructor(n: number) {
    this.m = new RollingMoments(n);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    // m2 * sqrt(m2) rather than pow(m2, 1.5): same value to an ulp, several times cheaper.
    out[0] = this.m.push(c) ? this.m.m3 / (this.m.m2 * Math.sqrt(this.m.m2)) : NaN;
  }
}

/** Rolling excess kurtosis g2 = m4 / m2^2 - 3 (population moments) of the last n values. */
export class KurtosisKernel implements Kernel {
  private readonly m: RollingMoments;
  constructor(n: number) {
    this.m = new RollingMoments(n);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    out[0] = this.m.push(c) ? this.m.m4 / (this.m.m2 * this.m.m2) - 3 : NaN;
  }
}

/**
 * Hurst exponent by rescaled range over the last n log returns: mean R/S of
 * non-overlapping chunks of size n, n/2, n/4, ... (>= 8), slope of log R/S on log size.
 */
export class HurstKernel implements Kernel {
  private readonly win: Window;
  private readonly sizes: number[];
  private readonly tmp: Float64Array;
  private prev = NaN;
  constructor(private readonly n: number) {
    this.win = new Window(n);
    this.sizes = [];
    for (let s = n; s >= 8; s = Math.floor(s / 2)) this.sizes.push(s);
    if (this.sizes.length < 2) throw new RangeError(`hurst window must be at least 16, got ${n}`);
    this.tmp = new Float64Array(n);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const r = Math.log(c / this.prev);
    this.prev = c;
    if (!this.win.push(r)) {
      out[0] = NaN;
      return;
    }
    const x = this.tmp;
    for (let k = 0; k < this.n; k++) x[k] = this.win.at(k);
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    let m = 0;
    for (const s of this.sizes) {
      const chunks = Math.floor(this.n / s);
      let rsSum = 0;
      let used = 0;
      for (let ch = 0; ch < chunks; ch++) {
        const st = this.n - (ch + 1) * s;
        let mean = 0;
        for (let k = 0; k < s; k++) mean += x[st + k]!;
        mean /= s;
        let cum = 0;
        let hi = 0;
        let lo = 0;
        let ss = 0;
        for (let k = 0; k < s; k++) {
          const d = x[st + k]! - mean;
          cum += d;
          if (cum > hi) hi = cum;
          if (cum < lo) lo = cum;
          ss += d * d;
        }
        const sd = Math.sqrt(ss / s);
        if (sd > 0) {
          rsSum += (hi - lo) / sd;
          used++;
        }
      }
      if (used === 0) continue;
      const lx = Math.log(s);
      const ly = Math.log(rsSum / used);
      sx += lx;
      sy += ly;
      sxx += lx * lx;
      sxy += lx * ly;
      m++;
    }
    out[0] = m >= 2 ? (m * sxy - sx * sy) / (m * sxx - sx * sx) : NaN;
  }
}

/** Highest value of the last n bars (of `high`, or close for close-only input). */
export class RollingMaxKernel implements Kernel {
  private readonly e: RollingExtreme;
  constructor(n: number) {
    this.e = new RollingExtreme(n);
  }
  step(_o: number, h: number, _l: number, _c: number, _v: number, _t: number, out: Float64Array): void {
    out[0] = this.e.push(h);
  }
}

/** Lowest value of the last n bars (of `low`, or close for close-only input). */
export class RollingMinKernel implements Kernel {
  private readonly e: RollingExtreme;
  constructor(n: number) {
    this.e = new RollingExtreme(n, true);
  }
  step(_o: number, _h: number, l: number, _c: number, _v: number, _t: number, out: Float64Array): void {
    out[0] = this.e.push(l);
  }
}

/** Log return over n bars: log(close) - log(close[t-n]) (TTR ROC continuous). */
export class LogReturnKernel implements Kernel {
  private readonly lag: Lag;
  constructor(n: number) {
    this.lag = new Lag(n);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const lc = Math.log(c);
    out[0] = lc - this.lag.push(lc);
  }
}
