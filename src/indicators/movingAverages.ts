/** Moving-average kernels (TTR definitions): SMA, EMA, WMA, DEMA, TEMA, ZLEMA, HMA, ALMA, volume-weighted. */
import type { Kernel } from './kernel.ts';
import { Ema, linearWeights, RollingMean, RollingSum, Lag, WeightedWindow } from './rolling.ts';

/** TTR `SMA(x, n)`. */
export class SmaKernel implements Kernel {
  private readonly m: RollingMean;
  constructor(n: number) {
    this.m = new RollingMean(n);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    out[0] = this.m.push(c);
  }
}

/** TTR `EMA(x, n)` (seeded with the mean of the first n values; `wilder` uses 1/n). */
export class EmaKernel implements Kernel {
  private readonly e: Ema;
  constructor(n: number, wilder = false) {
    this.e = new Ema(n, wilder);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    out[0] = this.e.push(c);
  }
}

/** TTR `WMA(x, n)` with linear weights 1..n. */
export class WmaKernel implements Kernel {
  private readonly w: WeightedWindow;
  constructor(n: number) {
    this.w = new WeightedWindow(linearWeights(n));
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    out[0] = this.w.push(c);
  }
}

/** TTR `DEMA(x, n, v)`: (1+v)*EMA - v*EMA(EMA). */
export class DemaKernel implements Kernel {
  private readonly e1: Ema;
  private readonly e2: Ema;
  constructor(
    n: number,
    private readonly v = 1,
  ) {
    this.e1 = new Ema(n);
    this.e2 = new Ema(n);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const a = this.e1.push(c);
    const b = this.e2.push(a);
    out[0] = (1 + this.v) * a - b * this.v;
  }
}

/** Triple EMA: 3*EMA - 3*EMA(EMA) + EMA(EMA(EMA)). */
export class TemaKernel implements Kernel {
  private readonly e1: Ema;
  private readonly e2: Ema;
  private readonly e3: Ema;
  constructor(n: number) {
    this.e1 = new Ema(n);
    this.e2 = new Ema(n);
    this.e3 = new Ema(n);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const a = this.e1.push(c);
    const b = this.e2.push(a);
    const d = this.e3.push(b);
    out[0] = 3 * a - 3 * b + d;
  }
}

/**
 * TTR `ZLEMA(x, n)`: an EMA (seeded with the mean of the first n values) of
 * 2*x[t] - x[t-lag], lag = (n+1)/2 = 1/ratio, interpolated between the two
 * neighbouring bars when the lag is fractional.
 */
export class ZlemaKernel implements Kernel {
  private readonly buf: Float64Array;
  private count = 0;
  private sum = 0;
  private v = NaN;
  private readonly ratio: number;
  private readonly lagInt: number;
  private readonly wt: number;
  constructor(private readonly n: number) {
    this.ratio = 2 / (n + 1);
    const lag = 1 / this.ratio;
    this.lagInt = Math.ceil(lag);
    this.wt = lag % 1;
    this.buf = new Float64Array(this.lagInt + 1);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const m = this.buf.length;
    if (this.count === 0 && c !== c) {
      out[0] = NaN;
      return;
    }
    this.buf[this.count % m] = c;
    this.count++;
    const n = this.n;
    if (this.count <= n) {
      this.sum += c;
      out[0] = this.count === n ? (this.v = this.sum / n) : NaN;
      return;
    }
    // loc = trunc(i - lag); TTR weighs x[loc] by (1-wt) and x[loc+1] by wt.
    const i = this.count - 1;
    const loc = i - this.lagInt;
    const a = this.buf[loc % m]!;
    const b = this.buf[(loc + 1) % m]!;
    const value = 2 * c - ((1 - this.wt) * a + this.wt * b);
    out[0] = this.v = this.ratio * value + (1 - this.ratio) * this.v;
  }
}

/** TTR `HMA(x, n)`: WMA(2*WMA(x, n/2) - WMA(x, n), trunc(sqrt(n))). */
export class HmaKernel implements Kernel {
  private readonly half: WeightedWindow;
  private readonly full: WeightedWindow;
  private readonly outer: WeightedWindow;
  constructor(n: number) {
    this.half = new WeightedWindow(linearWeights(Math.max(1, Math.floor(n / 2))));
    this.full = new WeightedWindow(linearWeights(n));
    this.outer = new WeightedWindow(linearWeights(Math.max(1, Math.trunc(Math.sqrt(n)))));
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const a = this.half.push(c);
    const b = this.full.push(c);
    out[0] = this.outer.push(2 * a - b);
  }
}

/** ALMA weights: Gaussian centred at floor(offset*(n-1)) with width n/sigma, normalised. */
export function almaWeights(n: number, offset: number, sigma: number): Float64Array {
  const m = Math.floor(offset * (n - 1));
  const s = n / sigma;
  const w = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    w[i] = Math.exp(-((i - m) * (i - m)) / (2 * s * s));
    sum += w[i]!;
  }
  if (sum !== 0) for (let i = 0; i < n; i++) w[i] = w[i]! / sum;
  return w;
}

/** TTR `ALMA(x, n, offset, sigma)` (Arnaud Legoux moving average). */
export class AlmaKernel implements Kernel {
  private readonly w: WeightedWindow;
  constructor(n: number, offset: number, sigma: number) {
    this.w = new WeightedWindow(almaWeights(n, offset, sigma));
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    out[0] = this.w.push(c);
  }
}

/** TTR `VWAP(price, volume, n)`: rolling volume-weighted average price, sum(p*v)/sum(v) over n bars. */
export class VwmaKernel implements Kernel {
  private readonly pv: RollingSum;
  private readonly vs: RollingSum;
  constructor(n: number) {
    this.pv = new RollingSum(n);
    this.vs = new RollingSum(n);
  }
  step(_o: number, _h: number, _l: number, c: number, v: number, _t: number, out: Float64Array): void {
    out[0] = this.pv.push(c * v) / this.vs.push(v);
  }
}

/**
 * Session VWAP: cumulative typical-price * volume over cumulative volume, reset
 * at the first bar of each UTC day (or every `anchor` bars when time is unknown or anchor > 0).
 */
export class SessionVwapKernel implements Kernel {
  private pv = 0;
  private vs = 0;
  private day = NaN;
  private k = 0;
  constructor(private readonly anchor: number) {}
  step(_o: number, h: number, l: number, c: number, v: number, t: number, out: Float64Array): void {
    const day = Math.floor(t / 86_400_000);
    const reset = this.anchor > 0 ? this.k % this.anchor === 0 : t === t && day !== this.day;
    if (reset) {
      this.pv = 0;
      this.vs = 0;
    }
    this.day = day;
    this.k++;
    this.pv += ((h + l + c) / 3) * v;
    this.vs += v;
    out[0] = this.vs > 0 ? this.pv / this.vs : NaN;
  }
}

/** Value n bars back; the building block of returns and momentum. */
export class LagKernel implements Kernel {
  private readonly lag: Lag;
  constructor(n: number) {
    this.lag = new Lag(n);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    out[0] = this.lag.push(c);
  }
}
