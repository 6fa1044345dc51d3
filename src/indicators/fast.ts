/**
 * Hand-fused batch loops for the hottest indicators: one pass, typed arrays, no
 * calls or allocation inside the loop. Each performs the same arithmetic in the
 * same order as its kernel, so batch and streaming stay equal (registry.test.ts
 * compares them on every indicator).
 */
import { sma } from './sma.ts';
import type { Columns, Params } from './types.ts';

/** A fused batch implementation keyed by indicator name. */
export type FastBatch = (cols: Columns, p: Params) => Float64Array[];

function firstReal(x: Float64Array): number {
  let i = 0;
  while (i < x.length && x[i] !== x[i]) i++;
  return i;
}

/** TTR EMA into `out` (seed = mean of the first n real values, leading NaN skipped). */
export function emaInto(x: Float64Array, n: number, wilder: boolean, out: Float64Array): Float64Array {
  const len = x.length;
  const r = wilder ? 1 / n : 2 / (n + 1);
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
    v = x[i]! * r + v * (1 - r);
    out[i] = v;
  }
  return out;
}

/** TTR RSI in one pass: Wilder averages of gains and losses seeded with their first-n means. */
export function rsiInto(c: Float64Array, n: number, out: Float64Array): Float64Array {
  const len = c.length;
  const r = 1 / n;
  const q = 1 - r;
  let up = 0;
  let dn = 0;
  out[0] = NaN;
  const seedAt = Math.min(n, len - 1);
  for (let i = 1; i <= seedAt; i++) {
    const d = c[i]! - c[i - 1]!;
    up += d > 0 ? d : 0;
    dn += d < 0 ? -d : 0;
    out[i] = NaN;
  }
  if (n >= len) return out;
  up = up / n;
  dn = dn / n;
  out[n] = (100 * up) / (up + dn);
  for (let i = n + 1; i < len; i++) {
    const d = c[i]! - c[i - 1]!;
    up = (d > 0 ? d : 0) * r + up * q;
    dn = (d < 0 ? -d : 0) * r + dn * q;
    out[i] = (100 * up) / (up + dn);
  }
  return out;
}

/** True range (NaN on the first bar) into `out`. */
export function trueRangeInto(h: Float64Array, l: Float64Array, c: Float64Array, out: Float64Array): Float64Array {
  out[0] = NaN;
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
  const n = p.n!;
  const k = p.sd!;
  const len = x.length;
  const lo = new Float64Array(len);
  const mid = new Float64Array(len);
  const up = new Float64Array(len);
  const pb = new Float64Array(len);
  // Same windowed Welford update and periodic exact re-computation as RollingVar.
  let mean = 0;
  let m2 = 0;
  let since = 0;
  const f = firstReal(x);
  for (let i = 0; i < Math.min(f, len); i++) lo[i] = mid[i] = up[i] = pb[i] = NaN;
  for (let i = f; i < len; i++) {
    const xi = x[i]!;
    const cnt = i - f;
    if (cnt < n) {
      const d = xi - mean;
      mean += d / (cnt + 1);
      m2 += d * (xi - mean);
    } else {
      const old = x[i - n]!;
      if (++since === 4096) {
        since = 0;
        let s = 0;
        for (let j = i - n + 1; j <= i; j++) s += x[j]!;
        const m = s / n;
        let qq = 0;
        for (let j = i - n + 1; j <= i; j++) qq += (x[j]! - m) * (x[j]! - m);
        mean = m;
        m2 = qq;
      } else {
        const d = xi - old;
        const m0 = mean;
        mean = m0 + d / n;
        m2 += d * (xi - mean + old - m0);
      }
    }
    if (cnt + 1 < n) {
      lo[i] = mid[i] = up[i] = pb[i] = NaN;
      continue;
    }
    const variance = (m2 > 0 ? m2 : 0) / n;
    const w = k * Math.sqrt(variance);
    const a = mean - w;
    const b = mean + w;
    lo[i] = a;
    mid[i] = mean;
    up[i] = b;
    pb[i] = (xi - a) / (b - a);
  }
  return [lo, mid, up, pb];
}

function adx(cols: Columns, p: Params): Float64Array[] {
  const h = cols.high ?? cols.close;
  const l = cols.low ?? cols.close;
  const c = cols.close;
  const n = p.n!;
  const len = c.length;
  const dip = new Float64Array(len).fill(NaN);
  const din = new Float64Array(len).fill(NaN);
  const dx = new Float64Array(len).fill(NaN);
  const adxOut = new Float64Array(len).fill(NaN);
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

export const FAST_BATCH: Readonly<Record<string, FastBatch>> = {
  sma: (cols, p) => [sma(cols.close, p.n!)],
  ema: (cols, p) => [emaInto(cols.close, p.n!, false, new Float64Array(cols.close.length))],
  rsi: (cols, p) => [rsiInto(cols.close, p.n!, new Float64Array(cols.close.length))],
  macd: (cols, p) => {
    const len = cols.close.length;
    const f = emaInto(cols.close, p.fast!, false, new Float64Array(len));
    const m = emaInto(cols.close, p.slow!, false, new Float64Array(len));
    for (let i = 0; i < len; i++) m[i] = f[i]! - m[i]!;
    const s = emaInto(m, p.signal!, false, f);
    const hist = new Float64Array(len);
    for (let i = 0; i < len; i++) hist[i] = m[i]! - s[i]!;
    return [m, s, hist];
  },
  atr: (cols, p) => {
    const len = cols.close.length;
    const tr = trueRangeInto(cols.high ?? cols.close, cols.low ?? cols.close, cols.close, new Float64Array(len));
    return [tr, emaInto(tr, p.n!, true, new Float64Array(len))];
  },
  bbands,
  adx,
};
