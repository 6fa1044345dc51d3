/** Volatility kernels (TTR definitions): Bollinger bands, running sd, true range / ATR, Keltner and Donchian channels, Chaikin volatility, realised-volatility estimators. */
import type { Kernel } from './kernel.ts';
import { Ema, RollingExtreme, RollingSum, RollingVar } from './rolling.ts';

/** TTR `BBands(x, n, sd)`: SMA +- k population sd, and %B. Outputs lower, mid, upper, pctB. */
export class BbandsKernel implements Kernel {
  private readonly v: RollingVar;
  constructor(
    n: number,
    private readonly k: number,
  ) {
    this.v = new RollingVar(n, false);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const variance = this.v.push(c);
    const mid = variance === variance ? this.v.mean : NaN;
    const w = this.k * Math.sqrt(variance);
    const lo = mid - w;
    const up = mid + w;
    out[0] = lo;
    out[1] = mid;
    out[2] = up;
    out[3] = (c - lo) / (up - lo);
  }
}

/** TTR `runSD(x, n, sample)`. */
export class RunSdKernel implements Kernel {
  private readonly v: RollingVar;
  constructor(n: number, sample: boolean) {
    this.v = new RollingVar(n, sample);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    out[0] = Math.sqrt(this.v.push(c));
  }
}

/** True range against the previous close (NaN on the first bar, as TTR). */
export class TrueRange {
  private prevC = NaN;
  /** Latest true high / low (max(high, prev close), min(low, prev close)). */
  trueHigh = NaN;
  trueLow = NaN;
  push(h: number, l: number, c: number): number {
    const pc = this.prevC;
    this.prevC = c;
    this.trueHigh = pc === pc ? Math.max(h, pc) : NaN;
    this.trueLow = pc === pc ? Math.min(l, pc) : NaN;
    return this.trueHigh - this.trueLow;
  }
}

/** TTR `ATR(HLC, n)`: true range and its Wilder EMA. Outputs tr, atr. */
export class AtrKernel implements Kernel {
  private readonly tr = new TrueRange();
  private readonly e: Ema;
  constructor(n: number) {
    this.e = new Ema(n, true);
  }
  step(_o: number, h: number, l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const tr = this.tr.push(h, l, c);
    out[0] = tr;
    out[1] = this.e.push(tr);
  }
}

/** TTR `keltnerChannels(HLC, n, atr)`: EMA of the typical price +- k * ATR(n). Outputs low, mid, up. */
export class KeltnerKernel implements Kernel {
  private readonly mid: Ema;
  private readonly atr: AtrKernel;
  private readonly tmp = new Float64Array(2);
  constructor(
    n: number,
    private readonly k: number,
  ) {
    this.mid = new Ema(n);
    this.atr = new AtrKernel(n);
  }
  step(o: number, h: number, l: number, c: number, v: number, t: number, out: Float64Array): void {
    const m = this.mid.push((h + l + c) / 3);
    this.atr.step(o, h, l, c, v, t, this.tmp);
    const r = this.k * this.tmp[1]!;
    out[0] = m - r;
    out[1] = m;
    out[2] = m + r;
  }
}

/** TTR `DonchianChannel(HL, n)`: highest high, midpoint, lowest low of the last n bars. */
export class DonchianKernel implements Kernel {
  private readonly hi: RollingExtreme;
  private readonly lo: RollingExtreme;
  constructor(n: number) {
    this.hi = new RollingExtreme(n);
    this.lo = new RollingExtreme(n, true);
  }
  step(_o: number, h: number, l: number, _c: number, _v: number, _t: number, out: Float64Array): void {
    const hh = this.hi.push(h);
    const ll = this.lo.push(l);
    out[0] = hh;
    out[1] = (hh + ll) / 2;
    out[2] = ll;
  }
}

/** TTR `chaikinVolatility(HL, n)`: n-bar discrete ROC of the EMA(n) of high - low. */
export class ChaikinVolKernel implements Kernel {
  private readonly e: Ema;
  private readonly buf: Float64Array;
  private k = 0;
  constructor(private readonly n: number) {
    this.e = new Ema(n);
    this.buf = new Float64Array(n);
  }
  step(_o: number, h: number, l: number, _c: number, _v: number, _t: number, out: Float64Array): void {
    const m = this.e.push(h - l);
    const slot = this.k % this.n;
    const prev = this.k >= this.n ? this.buf[slot]! : NaN;
    this.buf[slot] = m;
    this.k++;
    out[0] = m / prev - 1;
  }
}

/** The realised-volatility estimators of TTR `volatility()`. */
export type VolCalc = 'close' | 'parkinson' | 'garman.klass' | 'rogers.satchell' | 'yang.zhang';

const LN2 = Math.log(2);

/**
 * TTR `volatility(OHLC, n, calc, N)`, annualised with N periods a year:
 * close-to-close (sample sd of n-1 log returns), Parkinson, Garman-Klass,
 * Rogers-Satchell and Yang-Zhang (alpha 1.34).
 */
export class RealizedVolKernel implements Kernel {
  private readonly sum: RollingSum | null;
  private readonly v1: RollingVar | null;
  private readonly v2: RollingVar | null;
  private prevC = NaN;
  private readonly kYz: number;
  constructor(
    private readonly calc: VolCalc,
    private readonly n: number,
    private readonly N: number,
  ) {
    this.sum = calc === 'close' ? null : new RollingSum(n);
    this.v1 = calc === 'close' ? new RollingVar(n - 1, true) : calc === 'yang.zhang' ? new RollingVar(n, true) : null;
    this.v2 = calc === 'yang.zhang' ? new RollingVar(n, true) : null;
    const alpha = 1.34;
    this.kYz = (alpha - 1) / (alpha + (n + 1) / (n - 1));
  }
  step(o: number, h: number, l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const pc = this.prevC;
    this.prevC = c;
    const n = this.n;
    const N = this.N;
    switch (this.calc) {
      case 'close':
        // TTR: ROC(close, 1, "continuous") = log(c) - log(c[t-1]).
        out[0] = Math.sqrt(N) * Math.sqrt(this.v1!.push(Math.log(c) - Math.log(pc)));
        return;
      case 'parkinson': {
        const x = Math.log(h / l);
        out[0] = Math.sqrt((N / (4 * n * LN2)) * this.sum!.push(x * x));
        return;
      }
      case 'garman.klass': {
        const a = Math.log(h / l);
        const b = Math.log(c / o);
        out[0] = Math.sqrt((N / n) * this.sum!.push(0.5 * a * a - (2 * LN2 - 1) * b * b));
        return;
      }
      case 'rogers.satchell':
        out[0] = Math.sqrt((N / n) * this.sum!.push(rs(o, h, l, c)));
        return;
      case 'yang.zhang': {
        const s2o = N * this.v1!.push(Math.log(o / pc));
        const s2c = N * this.v2!.push(Math.log(c / o));
        const s2rs = (N / n) * this.sum!.push(rs(o, h, l, c));
        out[0] = Math.sqrt(s2o + this.kYz * s2c + (1 - this.kYz) * s2rs);
        return;
      }
    }
  }
}

function rs(o: number, h: number, l: number, c: number): number {
  return Math.log(h / c) * Math.log(h / o) + Math.log(l / c) * Math.log(l / o);
}
