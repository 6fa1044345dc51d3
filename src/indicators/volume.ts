/** Volume kernels (TTR definitions): OBV, MFI, CMF, CLV, accumulation/distribution, Williams A/D; plus relative volume. */
import type { Kernel } from './kernel.ts';
import { RollingMean, RollingSum, RollingVar } from './rolling.ts';
import { TrueRange } from './volatility.ts';
import { mean3 } from './exactMean.ts';

const SQRT_EPS = Math.sqrt(2.220446049250313e-16);

/** TTR `OBV(close, volume)`: starts at the first volume; adds +-volume by the sign of the log change (0 when unchanged). */
export class ObvKernel implements Kernel {
  private prev = NaN;
  private obv = 0;
  private k = 0;
  step(_o: number, _h: number, _l: number, c: number, v: number, _t: number, out: Float64Array): void {
    if (this.k++ === 0) this.obv = v;
    else {
      const r = Math.log(c / this.prev);
      if (!(Math.abs(r) < SQRT_EPS)) this.obv += r > 0 ? v : -v;
    }
    this.prev = c;
    out[0] = this.obv;
  }
}

/** TTR `CLV(HLC)`: ((C-L) - (H-C)) / (H-L), 0 when the range is 0. */
export function clv(h: number, l: number, c: number): number {
  const x = (c - l - (h - c)) / (h - l);
  return Number.isFinite(x) ? x : 0;
}

/** TTR `CLV(HLC)` as a kernel. */
export class ClvKernel implements Kernel {
  step(_o: number, h: number, l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    out[0] = clv(h, l, c);
  }
}

/** TTR `MFI(HLC, volume, n)` on the typical price; 100 with no negative flow, 50 with no flow at all. */
export class MfiKernel implements Kernel {
  private readonly pos: RollingSum;
  private readonly neg: RollingSum;
  private prev = NaN;
  constructor(n: number) {
    this.pos = new RollingSum(n);
    this.neg = new RollingSum(n);
  }
  step(_o: number, h: number, l: number, c: number, v: number, _t: number, out: Float64Array): void {
    const tp = mean3(h, l, c);
    const mf = tp * v;
    const pv = this.prev;
    this.prev = tp;
    const up = pv === pv ? (tp > pv ? mf : 0) : NaN;
    const dn = pv === pv ? (tp < pv ? mf : 0) : NaN;
    const num = this.pos.push(up);
    const den = this.neg.push(dn);
    let mfi = 100 - 100 / (1 + num / den);
    if (den === 0) mfi = num === 0 ? 50 : 100;
    out[0] = mfi;
  }
}

/** TTR `CMF(HLC, volume, n)`: sum(CLV * volume) / sum(volume) over n bars. */
export class CmfKernel implements Kernel {
  private readonly mf: RollingSum;
  private readonly vs: RollingSum;
  constructor(n: number) {
    this.mf = new RollingSum(n);
    this.vs = new RollingSum(n);
  }
  step(_o: number, h: number, l: number, c: number, v: number, _t: number, out: Float64Array): void {
    out[0] = this.mf.push(clv(h, l, c) * v) / this.vs.push(v);
  }
}

/** TTR `chaikinAD(HLC, volume)`: cumulative CLV * volume. */
export class AdKernel implements Kernel {
  private ad = 0;
  step(_o: number, h: number, l: number, c: number, v: number, _t: number, out: Float64Array): void {
    this.ad += clv(h, l, c) * v;
    out[0] = this.ad;
  }
}

/** TTR `williamsAD(HLC)`: cumulative close - true low (up closes) or close - true high (down closes). */
export class WadKernel implements Kernel {
  private readonly tr = new TrueRange();
  private prev = NaN;
  private ad = NaN;
  step(_o: number, h: number, l: number, c: number, _v: number, _t: number, out: Float64Array): void {
    this.tr.push(h, l, c);
    const d = c - this.prev;
    this.prev = c;
    if (d !== d) {
      out[0] = NaN;
      return;
    }
    const x = d === 0 ? 0 : c - (d > 0 ? this.tr.trueLow : this.tr.trueHigh);
    this.ad = this.ad === this.ad ? this.ad + x : x;
    out[0] = this.ad;
  }
}

/** Relative volume: volume / mean volume of the previous n bars (the current bar excluded). */
export class RvolKernel implements Kernel {
  private readonly m: RollingMean;
  private prevMean = NaN;
  constructor(n: number) {
    this.m = new RollingMean(n);
  }
  step(_o: number, _h: number, _l: number, _c: number, v: number, _t: number, out: Float64Array): void {
    out[0] = v / this.prevMean;
    this.prevMean = this.m.push(v);
  }
}

/** Volume z-score: (volume - mean) / population sd over the last n bars. */
export class VolumeZKernel implements Kernel {
  private readonly v: RollingVar;
  constructor(n: number) {
    this.v = new RollingVar(n, false);
  }
  step(_o: number, _h: number, _l: number, _c: number, v: number, _t: number, out: Float64Array): void {
    const s2 = this.v.push(v);
    out[0] = (v - this.v.mean) / Math.sqrt(s2);
  }
}
