/** Trend kernels: ADX/DMI (TTR), parabolic SAR (TTR), Supertrend, Ichimoku. */
import type { Kernel } from './kernel.ts';
import { Ema, Lag, RollingExtreme, WilderSum } from './rolling.ts';
import { TrueRange } from './volatility.ts';

/** TTR `ADX(HLC, n)`: +DI, -DI, DX and ADX (Wilder sums of directional movement over Wilder sums of true range). */
export class AdxKernel implements Kernel {
  private readonly tr = new TrueRange();
  private readonly trSum: WilderSum;
  private readonly pSum: WilderSum;
  private readonly nSum: WilderSum;
  private readonly adx: Ema;
  private prevH = NaN;
  private prevL = NaN;
  constructor(n: number) {
    this.trSum = new WilderSum(n);
    this.pSum = new WilderSum(n);
    this.nSum = new WilderSum(n);
    this.adx = new Ema(n, true);
  }
  step(_o: number, h: number, l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const dH = h - this.prevH;
    const dL = this.prevL - l;
    this.prevH = h;
    this.prevL = l;
    let p: number;
    let m: number;
    if (dH !== dH || dL !== dL) {
      p = NaN;
      m = NaN;
    } else if (dH === dL || (dH < 0 && dL < 0)) {
      p = 0;
      m = 0;
    } else {
      p = dH > dL ? dH : 0;
      m = dH < dL ? dL : 0;
    }
    const trs = this.trSum.push(this.tr.push(h, l, c));
    const dip = (100 * this.pSum.push(p)) / trs;
    const din = (100 * this.nSum.push(m)) / trs;
    const dx = 100 * (Math.abs(dip - din) / (dip + din));
    out[0] = dip;
    out[1] = din;
    out[2] = dx;
    out[3] = this.adx.push(dx);
  }
}

/**
 * TTR `SAR(HL, accel)`: Wilder's parabolic stop-and-reverse, starting long with
 * the first SAR at low - gap. TTR takes gap = sd(high - low) over the whole
 * series (a look at the future); here it is a parameter so the kernel stays causal.
 */
export class SarKernel implements Kernel {
  private k = 0;
  private sig = 1;
  private xpt = NaN;
  private af: number;
  private sar = NaN;
  private prevH = NaN;
  private prevL = NaN;
  constructor(
    private readonly a0: number,
    private readonly aMax: number,
    private readonly gap: number,
  ) {
    this.af = a0;
  }
  step(_o: number, h: number, l: number, _c: number, _v: number, _t: number, out: Float64Array): void {
    if (this.k++ === 0) {
      this.xpt = h;
      this.sar = l - this.gap;
    } else {
      const sig1 = this.sig;
      const xpt1 = this.xpt;
      const af1 = this.af;
      const lmin = Math.min(this.prevL, l);
      const lmax = Math.max(this.prevH, h);
      const prevSar = this.sar;
      if (sig1 === 1) {
        this.sig = l > prevSar ? 1 : -1;
        this.xpt = Math.max(lmax, xpt1);
      } else {
        this.sig = h < prevSar ? -1 : 1;
        this.xpt = Math.min(lmin, xpt1);
      }
      if (this.sig === sig1) {
        let s = prevSar + (xpt1 - prevSar) * af1;
        let af = af1 === this.aMax ? this.aMax : this.a0 + af1;
        if (this.sig === 1) {
          af = this.xpt > xpt1 ? af : af1;
          s = Math.min(s, lmin);
        } else {
          af = this.xpt < xpt1 ? af : af1;
          s = Math.max(s, lmax);
        }
        this.af = af;
        this.sar = s;
      } else {
        this.af = this.a0;
        this.sar = this.xpt;
      }
    }
    this.prevH = h;
    this.prevL = l;
    out[0] = this.sar;
  }
}

/**
 * Supertrend(n, mult): bands at (high+low)/2 +- mult * ATR(n) (Wilder, TTR seeding)
 * that only tighten while the trend holds. Outputs the active band and the direction (+1 up, -1 down).
 */
export class SupertrendKernel implements Kernel {
  private readonly tr = new TrueRange();
  private readonly atr: Ema;
  private up = NaN;
  private lo = NaN;
  private dir = 1;
  private prevC = NaN;
  constructor(
    n: number,
    private readonly mult: number,
  ) {
    this.atr = new Ema(n, true);
  }
  step(_o: number, h: number, l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const a = this.atr.push(this.tr.push(h, l, c));
    const pc = this.prevC;
    this.prevC = c;
    if (a !== a) {
      out[0] = NaN;
      out[1] = NaN;
      return;
    }
    const mid = (h + l) / 2;
    const bu = mid + this.mult * a;
    const bl = mid - this.mult * a;
    if (this.up !== this.up) {
      this.up = bu;
      this.lo = bl;
      this.dir = c >= mid ? 1 : -1;
    } else {
      this.up = bu < this.up || pc > this.up ? bu : this.up;
      this.lo = bl > this.lo || pc < this.lo ? bl : this.lo;
      if (this.dir === -1 && c > this.up) this.dir = 1;
      else if (this.dir === 1 && c < this.lo) this.dir = -1;
    }
    out[0] = this.dir === 1 ? this.lo : this.up;
    out[1] = this.dir;
  }
}

/**
 * Ichimoku: tenkan (conversion), kijun (base), and the two leading spans as they
 * stand at bar t (computed `displacement` bars earlier, so nothing from the future).
 */
export class IchimokuKernel implements Kernel {
  private readonly h1: RollingExtreme;
  private readonly l1: RollingExtreme;
  private readonly h2: RollingExtreme;
  private readonly l2: RollingExtreme;
  private readonly h3: RollingExtreme;
  private readonly l3: RollingExtreme;
  private readonly lagA: Lag;
  private readonly lagB: Lag;
  constructor(nT: number, nK: number, nB: number, displacement: number) {
    this.h1 = new RollingExtreme(nT);
    this.l1 = new RollingExtreme(nT, true);
    this.h2 = new RollingExtreme(nK);
    this.l2 = new RollingExtreme(nK, true);
    this.h3 = new RollingExtreme(nB);
    this.l3 = new RollingExtreme(nB, true);
    this.lagA = new Lag(displacement);
    this.lagB = new Lag(displacement);
  }
  step(_o: number, h: number, l: number, _c: number, _v: number, _t: number, out: Float64Array): void {
    const tenkan = (this.h1.push(h) + this.l1.push(l)) / 2;
    const kijun = (this.h2.push(h) + this.l2.push(l)) / 2;
    const b = (this.h3.push(h) + this.l3.push(l)) / 2;
    out[0] = tenkan;
    out[1] = kijun;
    out[2] = this.lagA.push((tenkan + kijun) / 2);
    out[3] = this.lagB.push(b);
  }
}
