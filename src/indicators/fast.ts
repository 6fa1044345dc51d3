/**
 * Hand-fused batch loops: one pass (or a few) over typed arrays per indicator,
 * built from the array forms in rollingBatch.ts, no calls, closures or
 * allocation inside the per-bar loops. Each performs the same arithmetic in the
 * same order as its kernel, so batch and streaming stay equal (registry.test.ts
 * compares them on every indicator; fast.test.ts holds each against the kernel).
 */
import { Buffer } from 'node:buffer';
import { linearWeights } from './rolling.ts';
import {
  emaInto,
  firstReal,
  logDiffInto,
  logInto,
  rollingExtremeInto,
  rollingMeanInto,
  rollingMomentsInto,
  rollingSumInto,
  rollingVarInto,
  weightedInto,
} from './rollingBatch.ts';
import type { Columns, Params, SharedSeries } from './types.ts';

export { emaInto } from './rollingBatch.ts';

/** A fused batch implementation keyed by indicator name. */
export type FastBatch = (cols: Columns, p: Params, shared?: SharedSeries) => Float64Array[];

const f64 = (n: number): Float64Array => new Float64Array(n);

/**
 * A fresh, caller-owned Float64Array whose memory is not zeroed first: only for
 * outputs the kernel writes at every index (NaN included). At 100k bars the zero
 * fill of `new Float64Array` costs about as much as an SMA pass itself.
 */
const f64Uninit = (n: number): Float64Array => new Float64Array(Buffer.allocUnsafeSlow(n * 8).buffer, 0, n);

/**
 * TTR RSI in one pass: Wilder averages of gains and losses seeded with their
 * first-n means. Gains and losses are split without branches (d+|d| and |d|-d
 * are exact), and the loop carries 2n times the averages (U = g + q U with no
 * multiply by 1/n), which the ratio RSI = 100 U / (U + L) does not see.
 */
export function rsiInto(c: Float64Array, n: number, out: Float64Array): Float64Array {
  const f = firstReal(c);
  if (f > 0) {
    // The kernel skips leading NaN: start the same computation at the first real value.
    for (let i = 0; i < f && i < out.length; i++) out[i] = NaN;
    if (f < c.length) rsiInto(c.subarray(f), n, out.subarray(f));
    return out;
  }
  const len = c.length;
  const q = 1 - 1 / n;
  let up = 0;
  let dn = 0;
  if (len > 0) out[0] = NaN;
  const seedAt = n < len - 1 ? n : len - 1;
  for (let i = 1; i <= seedAt; i++) {
    const d = c[i]! - c[i - 1]!;
    const a = Math.abs(d);
    up += d + a;
    dn += a - d;
    out[i] = NaN;
  }
  if (n >= len) return out;
  // up and dn are now 2n times the seed means.
  out[n] = (100 * up) / (up + dn);
  // Two bars per step: the values two bars on depend on the current ones through one
  // multiply-add (q^2), which halves the loop-carried latency. Carrying the averages
  // and splitting gains from losses as above differ from the bar-by-bar stream by a few
  // ulps that do not accumulate (q < 1): far inside 1e-12.
  const q2 = q * q;
  let prev = c[n]!;
  let i = n + 1;
  for (; i + 1 < len; i += 2) {
    const x0 = c[i]!;
    const x1 = c[i + 1]!;
    const d0 = x0 - prev;
    const d1 = x1 - x0;
    prev = x1;
    const a0 = Math.abs(d0);
    const a1 = Math.abs(d1);
    const g0 = d0 + a0;
    const l0 = a0 - d0;
    const up0 = g0 + up * q;
    const dn0 = l0 + dn * q;
    up = d1 + a1 + g0 * q + up * q2;
    dn = a1 - d1 + l0 * q + dn * q2;
    out[i] = (100 * up0) / (up0 + dn0);
    out[i + 1] = (100 * up) / (up + dn);
  }
  if (i < len) {
    const d = c[i]! - prev;
    const a = Math.abs(d);
    up = d + a + up * q;
    dn = a - d + dn * q;
    out[i] = (100 * up) / (up + dn);
  }
  return out;
}

/** True range (NaN on the first bar) into `out`. */
export function trueRangeInto(h: Float64Array, l: Float64Array, c: Float64Array, out: Float64Array): Float64Array {
  if (c.length > 0) out[0] = NaN;
  for (let i = 1; i < c.length; i++) {
    const pc = c[i - 1]!;
    const th = h[i]! > pc ? h[i]! : pc;
    const tl = l[i]! < pc ? l[i]! : pc;
    out[i] = th - tl;
  }
  return out;
}

function bbands(cols: Columns, p: Params): Float64Array[] {
  const x = cols.close;
  const k = p.sd!;
  const len = x.length;
  const lo = f64(len);
  const mid = f64(len);
  const up = f64(len);
  const pb = rollingVarInto(x, p.n!, false, f64(len), mid);
  for (let i = 0; i < len; i++) {
    const w = k * Math.sqrt(pb[i]!);
    const m = mid[i]!;
    const a = m - w;
    const b = m + w;
    lo[i] = a;
    up[i] = b;
    pb[i] = (x[i]! - a) / (b - a);
  }
  return [lo, mid, up, pb];
}

function adx(cols: Columns, p: Params): Float64Array[] {
  const h = cols.high ?? cols.close;
  const l = cols.low ?? cols.close;
  const c = cols.close;
  const n = p.n!;
  const len = c.length;
  const dip = f64(len).fill(NaN);
  const din = f64(len).fill(NaN);
  const dx = f64(len).fill(NaN);
  const adxOut = f64(len).fill(NaN);
  let trS = 0;
  let pS = 0;
  let nS = 0;
  let adxSum = 0;
  let adxV = NaN;
  const r = 1 / n;
  for (let i = 1; i < len; i++) {
    const pc = c[i - 1]!;
    const tr = (h[i]! > pc ? h[i]! : pc) - (l[i]! < pc ? l[i]! : pc);
    const dH = h[i]! - h[i - 1]!;
    const dL = l[i - 1]! - l[i]!;
    let pm = 0;
    let mm = 0;
    if (!(dH === dL || (dH < 0 && dL < 0))) {
      pm = dH > dL ? dH : 0;
      mm = dH < dL ? dL : 0;
    }
    if (i < n) {
      trS += tr;
      pS += pm;
      nS += mm;
      continue;
    }
    // WilderSum: x + prev * (n-1) / n, written as the kernel writes it.
    trS = tr + (trS * (n - 1)) / n;
    pS = pm + (pS * (n - 1)) / n;
    nS = mm + (nS * (n - 1)) / n;
    const a = (100 * pS) / trS;
    const b = (100 * nS) / trS;
    const x = 100 * (Math.abs(a - b) / (a + b));
    dip[i] = a;
    din[i] = b;
    dx[i] = x;
    const j = i - n;
    if (j < n - 1) adxSum += x;
    else if (j === n - 1) {
      adxSum += x;
      adxV = adxSum / n;
      adxOut[i] = adxV;
    } else {
      adxV = x * r + adxV * (1 - r);
      adxOut[i] = adxV;
    }
  }
  return [dip, din, dx, adxOut];
}

function macd(cols: Columns, p: Params, percent: boolean): Float64Array[] {
  const len = cols.close.length;
  const a = emaInto(cols.close, p.fast!, false, f64(len));
  const m = emaInto(cols.close, p.slow!, false, f64(len));
  if (percent) for (let i = 0; i < len; i++) m[i] = 100 * (a[i]! / m[i]! - 1);
  else for (let i = 0; i < len; i++) m[i] = a[i]! - m[i]!;
  const s = emaInto(m, p.signal!, false, a);
  const hist = f64(len);
  for (let i = 0; i < len; i++) hist[i] = m[i]! - s[i]!;
  return [m, s, hist];
}

/** TTR ZLEMA: EMA of 2x - x[t-lag] with the lag interpolated, as ZlemaKernel computes it. */
function zlema(cols: Columns, p: Params): Float64Array[] {
  const x = cols.close;
  const n = p.n!;
  const len = x.length;
  const out = f64(len);
  const ratio = 2 / (n + 1);
  const lag = 1 / ratio;
  const lagInt = Math.ceil(lag);
  const wt = lag % 1;
  const f = firstReal(x);
  const seedAt = f + n - 1;
  let sum = 0;
  for (let i = 0; i < (seedAt < len ? seedAt : len); i++) {
    if (i >= f) sum += x[i]!;
    out[i] = NaN;
  }
  if (seedAt >= len) return [out];
  sum += x[seedAt]!;
  let v = sum / n;
  out[seedAt] = v;
  for (let i = seedAt + 1; i < len; i++) {
    const value = 2 * x[i]! - ((1 - wt) * x[i - lagInt]! + wt * x[i - lagInt + 1]!);
    v = ratio * value + (1 - ratio) * v;
    out[i] = v;
  }
  return [out];
}

function hma(cols: Columns, p: Params): Float64Array[] {
  const x = cols.close;
  const n = p.n!;
  const len = x.length;
  const a = weightedInto(x, linearWeights(Math.max(1, Math.floor(n / 2))), f64(len));
  const b = weightedInto(x, linearWeights(n), f64(len));
  for (let i = 0; i < len; i++) a[i] = 2 * a[i]! - b[i]!;
  return [weightedInto(a, linearWeights(Math.max(1, Math.trunc(Math.sqrt(n)))), b)];
}

function trix(cols: Columns, p: Params): Float64Array[] {
  const len = cols.close.length;
  const e1 = emaInto(cols.close, p.n!, false, f64(len));
  const e2 = emaInto(e1, p.n!, false, f64(len));
  const m = emaInto(e2, p.n!, false, e1);
  const t = e2;
  let prev = NaN;
  for (let i = 0; i < len; i++) {
    t[i] = 100 * (m[i]! / prev - 1);
    prev = m[i]!;
  }
  return [t, emaInto(t, p.nSig!, false, m)];
}

/** Up and down one-bar moves of close (NaN on the first bar), as RsiKernel/CmoKernel split them. */
function upDown(c: Float64Array, up: Float64Array, dn: Float64Array): void {
  if (c.length > 0) up[0] = dn[0] = NaN;
  for (let i = 1; i < c.length; i++) {
    const d = c[i]! - c[i - 1]!;
    const a = Math.abs(d);
    up[i] = (d + a) * 0.5;
    dn[i] = (a - d) * 0.5;
  }
}

function cmo(cols: Columns, p: Params): Float64Array[] {
  const len = cols.close.length;
  const up = f64(len);
  const dn = f64(len);
  upDown(cols.close, up, dn);
  const u = rollingSumInto(up, p.n!, f64(len));
  const w = rollingSumInto(dn, p.n!, up);
  for (let i = 0; i < len; i++) u[i] = (100 * (u[i]! - w[i]!)) / (u[i]! + w[i]!);
  return [u];
}

function kst(cols: Columns, p: Params, shared?: SharedSeries): Float64Array[] {
  const c = cols.close;
  const len = c.length;
  const ns = [10, 10, 10, 15];
  const rocs = [10, 15, 20, 30];
  const wts = [1, 2, 3, 4];
  const s = f64(len);
  const r = f64(len);
  const m = f64(len);
  const lc = shared ? shared.logPrices() : logInto(c);
  for (let k = 0; k < 4; k++) {
    rollingMeanInto(logDiffInto(lc, rocs[k]!, r), ns[k]!, m);
    const w = wts[k]!;
    for (let i = 0; i < len; i++) s[i] = s[i]! + m[i]! * w;
  }
  for (let i = 0; i < len; i++) s[i] = 100 * s[i]!;
  return [s, rollingMeanInto(s, p.nSig!, r)];
}

function hiLo(cols: Columns, n: number): [Float64Array, Float64Array] {
  const len = cols.close.length;
  return [rollingExtremeInto(cols.high ?? cols.close, n, false, f64(len)), rollingExtremeInto(cols.low ?? cols.close, n, true, f64(len))];
}

function stoch(cols: Columns, p: Params): Float64Array[] {
  const c = cols.close;
  const [hh, ll] = hiLo(cols, p.nFastK!);
  const len = c.length;
  const k = hh;
  for (let i = 0; i < len; i++) {
    const h = hh[i]!;
    let v = (c[i]! - ll[i]!) / (h - ll[i]!);
    if (v !== v && h === h) v = 0.5;
    k[i] = v;
  }
  const fd = rollingMeanInto(k, p.nFastD!, ll);
  return [k, fd, rollingMeanInto(fd, p.nSlowD!, f64(len))];
}

function wpr(cols: Columns, p: Params): Float64Array[] {
  const c = cols.close;
  const [hh, ll] = hiLo(cols, p.n!);
  for (let i = 0; i < c.length; i++) {
    const h = hh[i]!;
    let v = (h - c[i]!) / (h - ll[i]!);
    if (v !== v && h === h) v = 0.5;
    hh[i] = v;
  }
  return [hh];
}

function donchian(cols: Columns, p: Params): Float64Array[] {
  const [hh, ll] = hiLo(cols, p.n!);
  const mid = f64(hh.length);
  for (let i = 0; i < hh.length; i++) mid[i] = (hh[i]! + ll[i]!) / 2;
  return [hh, mid, ll];
}

/** (x - mean) / population sd over n bars (ZscoreKernel / VolumeZKernel). */
function zscoreOf(x: Float64Array, n: number): Float64Array {
  const len = x.length;
  const mean = f64(len);
  const v = rollingVarInto(x, n, false, f64(len), mean);
  for (let i = 0; i < len; i++) v[i] = (x[i]! - mean[i]!) / Math.sqrt(v[i]!);
  return v;
}

function moments(x: Float64Array, n: number, kurt: boolean): Float64Array[] {
  const len = x.length;
  const m2 = f64(len);
  const m3 = f64(len);
  const m4 = f64(len);
  rollingMomentsInto(x, n, m2, m3, m4);
  if (kurt) for (let i = 0; i < len; i++) m4[i] = m4[i]! / (m2[i]! * m2[i]!) - 3;
  else for (let i = 0; i < len; i++) m4[i] = m3[i]! / (m2[i]! * Math.sqrt(m2[i]!));
  return [m4];
}

function volCc(cols: Columns, p: Params, shared?: SharedSeries): Float64Array[] {
  const r = shared ? shared.logReturns() : logDiffInto(logInto(cols.close), 1);
  const out = rollingVarInto(r, p.n! - 1, true, f64(r.length));
  const sN = Math.sqrt(p.N!);
  for (let i = 0; i < out.length; i++) out[i] = sN * Math.sqrt(out[i]!);
  return [out];
}

function rvol(cols: Columns, p: Params): Float64Array[] {
  const v = cols.volume!;
  const len = v.length;
  const m = rollingMeanInto(v, p.n!, f64(len));
  const out = f64(len);
  if (len > 0) out[0] = NaN;
  for (let i = 1; i < len; i++) out[i] = v[i]! / m[i - 1]!;
  return [out];
}

export const FAST_BATCH: Readonly<Record<string, FastBatch>> = {
  sma: (cols, p) => [rollingMeanInto(cols.close, p.n!, f64Uninit(cols.close.length))],
  ema: (cols, p) => [emaInto(cols.close, p.n!, false, f64(cols.close.length))],
  wma: (cols, p) => [weightedInto(cols.close, linearWeights(p.n!), f64(cols.close.length))],
  dema: (cols, p) => {
    const len = cols.close.length;
    const a = emaInto(cols.close, p.n!, false, f64(len));
    const b = emaInto(a, p.n!, false, f64(len));
    const v = p.v!;
    for (let i = 0; i < len; i++) b[i] = (1 + v) * a[i]! - b[i]! * v;
    return [b];
  },
  tema: (cols, p) => {
    const len = cols.close.length;
    const a = emaInto(cols.close, p.n!, false, f64(len));
    const b = emaInto(a, p.n!, false, f64(len));
    const d = emaInto(b, p.n!, false, f64(len));
    for (let i = 0; i < len; i++) d[i] = 3 * a[i]! - 3 * b[i]! + d[i]!;
    return [d];
  },
  zlema,
  hma,
  rsi: (cols, p) => [rsiInto(cols.close, p.n!, f64Uninit(cols.close.length))],
  macd: (cols, p) => macd(cols, p, false),
  ppo: (cols, p) => macd(cols, p, true),
  bbands,
  roc: (cols, p) => {
    const c = cols.close;
    const out = f64(c.length);
    const n = p.n!;
    for (let i = 0; i < c.length; i++) out[i] = i >= n ? c[i]! / c[i - n]! - 1 : NaN;
    return [out];
  },
  mom: (cols, p) => {
    const c = cols.close;
    const out = f64(c.length);
    const n = p.n!;
    for (let i = 0; i < c.length; i++) out[i] = i >= n ? c[i]! - c[i - n]! : NaN;
    return [out];
  },
  trix,
  cmo,
  dpo: (cols, p) => {
    const c = cols.close;
    const m = rollingMeanInto(c, p.n!, f64(c.length));
    for (let i = 0; i < c.length; i++) m[i] = c[i]! - m[i]!;
    return [m];
  },
  runsd: (cols, p) => {
    const v = rollingVarInto(cols.close, p.n!, p.sample! !== 0, f64(cols.close.length));
    for (let i = 0; i < v.length; i++) v[i] = Math.sqrt(v[i]!);
    return [v];
  },
  kst,
  atr: (cols, p) => {
    const len = cols.close.length;
    const tr = trueRangeInto(cols.high ?? cols.close, cols.low ?? cols.close, cols.close, f64(len));
    return [tr, emaInto(tr, p.n!, true, f64(len))];
  },
  adx,
  stoch,
  wpr,
  donchian,
  vol_cc: volCc,
  zscore: (cols, p) => [zscoreOf(cols.close, p.n!)],
  volume_z: (cols, p) => [zscoreOf(cols.volume!, p.n!)],
  skew: (cols, p) => moments(cols.close, p.n!, false),
  kurtosis: (cols, p) => moments(cols.close, p.n!, true),
  rolling_max: (cols, p) => [rollingExtremeInto(cols.high ?? cols.close, p.n!, false, f64(cols.close.length))],
  rolling_min: (cols, p) => [rollingExtremeInto(cols.low ?? cols.close, p.n!, true, f64(cols.close.length))],
  log_return: (cols, p, shared) => [logDiffInto(shared ? shared.logPrices() : logInto(cols.close), p.n!, f64(cols.close.length))],
  rvol,
};
