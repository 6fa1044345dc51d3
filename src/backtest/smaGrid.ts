import { sma } from '../indicators/sma.ts';
import { BadInputError } from '../core/errors.ts';

/** Statistics of one sma-cross run of the grid (the fixture's four plus Sharpe). */
export interface CrossStats {
  fast: number;
  slow: number;
  total_return: number;
  trades: number;
  max_drawdown: number;
  win_rate: number;
  sharpe: number;
}

/** Costs the grid kernel models: a fee fraction and a fixed fee per entry and exit order. */
export interface GridCosts {
  feeRate: number;
  fixedFeeEntry: number;
  fixedFeeExit: number;
  /** Starting cash (matters with fixed fees). */
  initCash: number;
}

/** Scratch the kernel writes its answer into (no allocation per run). */
export interface CrossOut {
  totalReturn: number;
  trades: number;
  maxDrawdown: number;
  winRate: number;
  sharpe: number;
}

/**
 * The sma-cross backtest reduced to its hot loop: long only, all equity,
 * fills at the close, fees; the same arithmetic as `runBacktest` (and vectorbt)
 * but no trade list and no equity array, only the summary statistics.
 * Sharpe is annualised with `periodsPerYear` from the per-bar returns.
 */
export function smaCrossKernel(
  close: Float64Array,
  fastMa: Float64Array,
  slowMa: Float64Array,
  start: number,
  c: GridCosts,
  periodsPerYear: number,
  out: CrossOut,
): CrossOut {
  const n = close.length;
  const fee1 = 1 + c.feeRate;
  const feeRate = c.feeRate;
  const fxIn = c.fixedFeeEntry;
  const fxOut = c.fixedFeeExit;
  let cash = c.initCash;
  let qty = 0;
  let inPos = false;
  let spent = 0;
  let trades = 0;
  let closed = 0;
  let wins = 0;
  let prev = c.initCash;
  let peak = c.initCash;
  let mdd = 0;
  let sum = 0;
  let sumSq = 0;
  let fp = start > 0 ? fastMa[start - 1]! : NaN;
  let sp = start > 0 ? slowMa[start - 1]! : NaN;
  for (let t = start; t < n; t++) {
    const f = fastMa[t]!;
    const s = slowMa[t]!;
    let v: number;
    if (inPos) {
      const p = close[t]!;
      if (f < s && fp >= sp) {
        const value = qty * p;
        cash = value - (value * feeRate + fxOut);
        if (cash > spent) wins++; // all-in: pnl = cash after the exit - cash before the entry
        closed++;
        inPos = false;
        qty = 0;
        v = cash;
      } else v = qty * p;
    } else if (f > s && fp <= sp && cash > fxIn) {
      const p = close[t]!;
      qty = (cash - fxIn) / (p * fee1);
      spent = cash;
      cash = 0;
      inPos = true;
      trades++;
      v = qty * p;
    } else {
      // Flat and staying flat: equity unchanged, a zero return, no new drawdown.
      fp = f;
      sp = s;
      continue;
    }
    fp = f;
    sp = s;
    if (prev > 0) {
      const r = v / prev - 1;
      sum += r;
      sumSq += r * r;
    }
    prev = v;
    if (v > peak) peak = v;
    else if (peak > 0) {
      const dd = v / peak - 1;
      if (dd < mdd) mdd = dd;
    }
  }
  const m = n; // bars before `start` add zero returns
  const mean = m > 0 ? sum / m : 0;
  const varr = m > 1 ? (sumSq - sum * mean) / (m - 1) : 0;
  out.totalReturn = prev / c.initCash - 1;
  out.trades = trades;
  out.maxDrawdown = mdd;
  out.winRate = closed === 0 ? 0 : wins / closed;
  out.sharpe = varr > 0 ? (mean / Math.sqrt(varr)) * Math.sqrt(periodsPerYear) : 0;
  return out;
}

/**
 * Parse a window spec: comma-separated `a..b` or `a..b/step` ranges or single
 * numbers; returns the sorted union of distinct windows (>= 1).
 */
export function parseWindows(spec: string): number[] {
  const set = new Set<number>();
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:\.\.(\d+)(?:\/(\d+))?)?$/.exec(part);
    if (!m) throw new BadInputError(`--windows: cannot read "${part}" (use a..b, a..b/step or n, comma-separated)`);
    const a = +m[1]!;
    const b = m[2] !== undefined ? +m[2] : a;
    const step = m[3] !== undefined ? +m[3] : 1;
    if (a < 1 || b < a || step < 1) throw new BadInputError(`--windows: bad range "${part}"`);
    for (let w = a; w <= b; w += step) set.add(w);
  }
  if (set.size < 2) throw new BadInputError('--windows needs at least two distinct windows');
  return [...set].sort((x, y) => x - y);
}

/** Every (fast, slow) pair of distinct windows, fast the smaller, as flat index pairs into `windows`. */
export function windowPairs(windows: readonly number[]): Int32Array {
  const k = windows.length;
  const pairs = new Int32Array(k * (k - 1));
  let p = 0;
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) {
    pairs[p++] = i;
    pairs[p++] = j;
  }
  return pairs;
}

/** One SMA per window, each computed once, stored back to back in `buf` (windows.length * n). */
export function movingAverages(close: Float64Array, windows: readonly number[], buf: Float64Array = new Float64Array(windows.length * close.length)): Float64Array {
  const n = close.length;
  for (let i = 0; i < windows.length; i++) sma(close, windows[i]!, buf.subarray(i * n, (i + 1) * n));
  return buf;
}

/** Run the pairs [from, to) of `pairs` over precomputed averages; stats written into `dst` (5 numbers per pair). */
export function runPairs(
  close: Float64Array,
  mas: Float64Array,
  windows: readonly number[],
  pairs: Int32Array,
  from: number,
  to: number,
  c: GridCosts,
  periodsPerYear: number,
  dst: Float64Array,
): void {
  const n = close.length;
  const out: CrossOut = { totalReturn: 0, trades: 0, maxDrawdown: 0, winRate: 0, sharpe: 0 };
  for (let p = from; p < to; p++) {
    const i = pairs[2 * p]!;
    const j = pairs[2 * p + 1]!;
    const slowW = windows[j]!;
    smaCrossKernel(close, mas.subarray(i * n, (i + 1) * n), mas.subarray(j * n, (j + 1) * n), Math.min(slowW, n), c, periodsPerYear, out);
    const o = 5 * (p - from);
    dst[o] = out.totalReturn;
    dst[o + 1] = out.trades;
    dst[o + 2] = out.maxDrawdown;
    dst[o + 3] = out.winRate;
    dst[o + 4] = out.sharpe;
  }
}
