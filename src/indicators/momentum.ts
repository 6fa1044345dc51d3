/** Momentum and oscillator kernels (TTR definitions): RSI, MACD, PPO, ROC, momentum, TRIX, CMO, DPO, KST, stochastics, %R, CCI, ultimate oscillator, Aroon. */
import type { Kernel } from './kernel.ts';
import { Ema, Lag, RollingExtreme, RollingMean, RollingSum, Window } from './rolling.ts';

/** TTR `RSI(x, n)`: Wilder EMAs of up and down moves, first average = mean of the first n changes. */
export class RsiKernel implements Kernel {
  private readonly up: Ema;
  private readonly dn: Ema;
  private prev = NaN;
  constructor(n: number) {
    this.up = new Ema(n, true);
    this.dn = new Ema(n, true);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const d = c - this.prev;
    this.prev = c;
    const u = this.up.push(d > 0 ? d : d === d ? 0 : NaN);
    const w = this.dn.push(d < 0 ? -d : d === d ? 0 : NaN);
    out[0] = (100 * u) / (u + w);
  }
}

/** TTR `MACD(x, fast, slow, signal, percent)`: EMA(fast) - EMA(slow) (or 100*(fast/slow-1)) and its EMA signal. */
export class MacdKernel implements Kernel {
  private readonly f: Ema;
  private readonly s: Ema;
  private readonly g: Ema;
  constructor(
    fast: number,
    slow: number,
    signal: number,
    private readonly percent = false,
  ) {
    this.f = new Ema(fast);
    this.s = new Ema(slow);
    this.g = new Ema(signal);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const a = this.f.push(c);
    const b = this.s.push(c);
    const m = this.percent ? 100 * (a / b - 1) : a - b;
    out[0] = m;
    out[1] = this.g.push(m);
    out[2] = m - out[1]!;
  }
}

/** TTR `ROC(x, n, type)`: discrete x/x[t-n]-1 or continuous log(x/x[t-n]). */
export class RocKernel implements Kernel {
  private readonly lag: Lag;
  constructor(
    n: number,
    private readonly continuous = false,
  ) {
    this.lag = new Lag(n);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const p = this.lag.push(c);
    out[0] = this.continuous ? Math.log(c / p) : c / p - 1;
  }
}

/** TTR `momentum(x, n)`: x - x[t-n]. */
export class MomentumKernel implements Kernel {
  private readonly lag: Lag;
  constructor(n: number) {
    this.lag = new Lag(n);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    out[0] = c - this.lag.push(c);
  }
}

/** TTR `TRIX(x, n, nSig)`: 100 * one-bar discrete ROC of a triple EMA, and an EMA signal of it. */
export class TrixKernel implements Kernel {
  private readonly e1: Ema;
  private readonly e2: Ema;
  private readonly e3: Ema;
  private readonly sig: Ema;
  private prev = NaN;
  constructor(n: number, nSig: number) {
    this.e1 = new Ema(n);
    this.e2 = new Ema(n);
    this.e3 = new Ema(n);
    this.sig = new Ema(nSig);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const m = this.e3.push(this.e2.push(this.e1.push(c)));
    const trix = 100 * (m / this.prev - 1);
    this.prev = m;
    out[0] = trix;
    out[1] = this.sig.push(trix);
  }
}

/** TTR `CMO(x, n)`: 100 * (sum up - sum down) / (sum up + sum down) of one-bar changes over n bars. */
export class CmoKernel implements Kernel {
  private readonly up: RollingSum;
  private readonly dn: RollingSum;
  private prev = NaN;
  constructor(n: number) {
    this.up = new RollingSum(n);
    this.dn = new RollingSum(n);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const d = c - this.prev;
    this.prev = c;
    const u = this.up.push(d > 0 ? d : d === d ? 0 : NaN);
    const w = this.dn.push(d < 0 ? -d : d === d ? 0 : NaN);
    out[0] = (100 * (u - w)) / (u + w);
  }
}

/** TTR `DPO(x, n, shift=0)`: price minus its n-bar SMA (no forward shift, so no lookahead). */
export class DpoKernel implements Kernel {
  private readonly m: RollingMean;
  constructor(n: number) {
    this.m = new RollingMean(n);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    out[0] = c - this.m.push(c);
  }
}

/** TTR `KST(x)`: 100 * sum_i w_i * SMA(log-ROC(x, r_i), n_i), and an SMA signal of it. */
export class KstKernel implements Kernel {
  private readonly lags: Lag[];
  private readonly mas: RollingMean[];
  private readonly sig: RollingMean;
  constructor(
    n: readonly number[],
    nRoc: readonly number[],
    nSig: number,
    private readonly wts: readonly number[],
  ) {
    this.lags = nRoc.map((r) => new Lag(r));
    this.mas = n.map((k) => new RollingMean(k));
    this.sig = new RollingMean(nSig);
  }
  step(_o: number, _h: number, _l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    // TTR's ROC(type = "continuous"): a difference of log prices.
    const lc = Math.log(c);
    let s = 0;
    for (let i = 0; i < this.lags.length; i++) s += this.mas[i]!.push(lc - this.lags[i]!.push(lc)) * this.wts[i]!;
    const k = 100 * s;
    out[0] = k;
    out[1] = this.sig.push(k);
  }
}

/** TTR `stoch(HLC, nFastK, nFastD, nSlowD)`: fast %K (0..1, 0.5 when the range is 0), fast %D, slow %D. */
export class StochKernel implements Kernel {
  private readonly hi: RollingExtreme;
  private readonly lo: RollingExtreme;
  private readonly fd: RollingMean;
  private readonly sd: RollingMean;
  constructor(nK: number, nD: number, nS: number) {
    this.hi = new RollingExtreme(nK);
    this.lo = new RollingExtreme(nK, true);
    this.fd = new RollingMean(nD);
    this.sd = new RollingMean(nS);
  }
  step(_o: number, h: number, l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const hh = this.hi.push(h);
    const ll = this.lo.push(l);
    let k = (c - ll) / (hh - ll);
    if (k !== k && hh === hh) k = 0.5;
    out[0] = k;
    out[1] = this.fd.push(k);
    out[2] = this.sd.push(out[1]!);
  }
}

/** TTR `WPR(HLC, n)`: (highest high - close) / (highest high - lowest low), 0..1, 0.5 when the range is 0. */
export class WprKernel implements Kernel {
  private readonly hi: RollingExtreme;
  private readonly lo: RollingExtreme;
  constructor(n: number) {
    this.hi = new RollingExtreme(n);
    this.lo = new RollingExtreme(n, true);
  }
  step(_o: number, h: number, l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const hh = this.hi.push(h);
    const ll = this.lo.push(l);
    let r = (hh - c) / (hh - ll);
    if (r !== r && hh === hh) r = 0.5;
    out[0] = r;
  }
}

/** TTR `CCI(HLC, n, c)`: (typical - SMA) / (c * mean absolute deviation from that SMA). */
export class CciKernel implements Kernel {
  private readonly win: Window;
  private readonly m: RollingMean;
  constructor(
    private readonly n: number,
    private readonly c: number,
  ) {
    this.win = new Window(n);
    this.m = new RollingMean(n);
  }
  step(_o: number, h: number, l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const tp = (h + l + c) / 3;
    const mean = this.m.push(tp);
    if (!this.win.push(tp)) {
      out[0] = NaN;
      return;
    }
    const b = this.win.buf;
    let s = 0;
    for (let i = 0; i < this.n; i++) s += Math.abs(b[i]! - mean);
    out[0] = (tp - mean) / (this.c * (s / this.n));
  }
}

/** TTR `ultimateOscillator(HLC, n, wts)`: weighted mean of buying pressure / true range over three windows. */
export class UltOscKernel implements Kernel {
  private readonly bp: RollingSum[];
  private readonly tr: RollingSum[];
  private readonly wsum: number;
  private prevC = NaN;
  constructor(
    n: readonly number[],
    private readonly wts: readonly number[],
  ) {
    this.bp = n.map((k) => new RollingSum(k));
    this.tr = n.map((k) => new RollingSum(k));
    this.wsum = wts.reduce((a, b) => a + b, 0);
  }
  step(_o: number, h: number, l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const pc = this.prevC;
    this.prevC = c;
    const trueLow = pc === pc ? Math.min(l, pc) : NaN;
    const trueHigh = pc === pc ? Math.max(h, pc) : NaN;
    const bp = c - trueLow;
    const tr = trueHigh - trueLow;
    let s = 0;
    for (let i = 0; i < this.bp.length; i++) s += (this.wts[i]! * this.bp[i]!.push(bp)) / this.tr[i]!.push(tr);
    out[0] = (100 * s) / this.wsum;
  }
}

/** TTR's `aroon_max`: 100 * (n - bars since the highest value of the last n+1 bars) / n (latest bar wins ties). */
class AroonSide {
  private readonly buf: Float64Array;
  private i = 0;
  private max = NaN;
  private loc = 0;
  constructor(private readonly n: number) {
    this.buf = new Float64Array(n + 1);
  }
  push(x: number): number {
    const n = this.n;
    const m = n + 1;
    const i = this.i++;
    this.buf[i % m] = x;
    if (i === 0) this.max = x;
    if (i < n - 1) {
      if (x >= this.max) {
        this.max = x;
        this.loc = 0;
      }
      this.loc++;
      return NaN;
    }
    if (this.loc > n) {
      this.max = x;
      this.loc = 0;
      for (let j = 1; j < n + 1; j++) {
        const y = this.buf[(i - j + m * 2) % m]!;
        if (y > this.max) {
          this.max = y;
          this.loc = j;
        }
      }
    } else if (x >= this.max) {
      this.max = x;
      this.loc = 0;
    }
    const r = (100 * (n - this.loc)) / n;
    this.loc++;
    return r;
  }
}

/** TTR `aroon(HL, n)`: Aroon up, down and oscillator. */
export class AroonKernel implements Kernel {
  private readonly up: AroonSide;
  private readonly dn: AroonSide;
  constructor(n: number) {
    this.up = new AroonSide(n);
    this.dn = new AroonSide(n);
  }
  step(_o: number, h: number, l: number, _c: number, _v: number, _t: number, out: Float64Array): void {
    const u = this.up.push(h);
    const d = this.dn.push(-l);
    out[0] = u;
    out[1] = d;
    out[2] = u - d;
  }
}
