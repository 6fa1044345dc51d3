/** Candle transforms: Heikin-Ashi candles and classic floor pivot points. */
import type { Kernel } from './kernel.ts';

/** Heikin-Ashi: close = mean of OHLC, open = mean of the previous HA open and close (first: (O+C)/2), high/low widened to include them. */
export class HeikinAshiKernel implements Kernel {
  private ho = NaN;
  private hc = NaN;
  step(o: number, h: number, l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const hc = (o + h + l + c) / 4;
    const ho = this.ho === this.ho ? (this.ho + this.hc) / 2 : (o + c) / 2;
    this.ho = ho;
    this.hc = hc;
    out[0] = ho;
    out[1] = Math.max(h, ho, hc);
    out[2] = Math.min(l, ho, hc);
    out[3] = hc;
  }
}

/** Classic floor pivots from the previous bar: PP = (H+L+C)/3, R1 = 2PP-L, S1 = 2PP-H, R2 = PP+(H-L), S2 = PP-(H-L). */
export class PivotKernel implements Kernel {
  private ph = NaN;
  private pl = NaN;
  private pc = NaN;
  step(_o: number, h: number, l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    const pp = (this.ph + this.pl + this.pc) / 3;
    const r = this.ph - this.pl;
    out[0] = pp;
    out[1] = 2 * pp - this.pl;
    out[2] = 2 * pp - this.ph;
    out[3] = pp + r;
    out[4] = pp - r;
    this.ph = h;
    this.pl = l;
    this.pc = c;
  }
}
