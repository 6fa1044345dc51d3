/**
 * Lookahead audit: recompute every feature on truncated histories and on
 * histories whose future is replaced by noise; any past value that changes is
 * a leak. Also measures, per feature, how many bars after a cold start it needs
 * before it agrees with the full-history value within the tolerance (its
 * effective warm-up, which for recursive indicators exceeds the NaN warm-up).
 */
import { sliceSeries, type BarSeries } from '../core/bar.ts';
import { Rng } from '../core/rng.ts';
import type { Timeframe } from '../core/time.ts';
import { compileFeatureSet, type FeatureMatrix, type FeatureSet } from './featureSet.ts';

/** Builds the frames (base and coarser) from base bars; the audit re-runs it on every altered history. */
export type FrameBuilder = (base: BarSeries) => ReadonlyMap<Timeframe, BarSeries>;

export interface AuditOptions {
  /** Number of cut points spread over the history (default 8). */
  cuts?: number;
  /** Relative tolerance (default 1e-9). */
  tol?: number;
  seed?: number;
  frames?: FrameBuilder;
  /** Bars dropped from the start for the warm-up measurement (default a quarter of the history, at most 500). */
  coldStart?: number;
}

/** Per-feature verdict. */
export interface FeatureAudit {
  name: string;
  leak: boolean;
  /** How the leak showed: truncation, noise, or both. */
  via: ('truncation' | 'noise')[];
  /** First row whose value changed, and the largest relative change. */
  firstBadRow: number;
  maxDiff: number;
  /** Bars after a cold start until the value stays within tol of the full-history value (-1 if never). */
  warmupBars: number;
}

export interface AuditReport {
  symbol: string;
  rows: number;
  features: FeatureAudit[];
  leaks: string[];
  skipped: FeatureMatrix['skipped'];
}

function differs(a: number, b: number, tol: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (Number.isNaN(a) !== Number.isNaN(b)) return Infinity;
  if (a === b) return 0;
  const d = Math.abs(a - b) / Math.max(1, Math.abs(a));
  return d > tol ? d : 0;
}

/** The history up to and including bar k, then a random walk of the same volatility in place of the real future. */
function withNoiseFuture(s: BarSeries, k: number, rng: Rng): BarSeries {
  const n = s.close.length;
  const copy = (a: Float64Array): Float64Array => Float64Array.from(a);
  const open = copy(s.open);
  const high = copy(s.high);
  const low = copy(s.low);
  const close = copy(s.close);
  const volume = copy(s.volume);
  let last = close[k]!;
  for (let i = k + 1; i < n; i++) {
    const o = last * Math.exp(0.01 * rng.normal());
    const c = o * Math.exp(0.02 * rng.normal());
    close[i] = c;
    if (s.fields.open) open[i] = o;
    if (s.fields.high) high[i] = Math.max(o, c) * (1 + 0.01 * Math.abs(rng.normal()));
    if (s.fields.low) low[i] = Math.min(o, c) * (1 - 0.01 * Math.abs(rng.normal()));
    if (s.fields.volume) volume[i] = Math.round(volume[k]! * Math.exp(0.5 * rng.normal()));
    last = c;
  }
  // Close-only series mirror close into open/high/low, as closeOnlySeries does.
  return {
    ...s,
    open: s.fields.open ? open : close,
    high: s.fields.high ? high : close,
    low: s.fields.low ? low : close,
    close,
    volume,
  };
}

/** Audit one series against a feature set. */
export function auditLookahead(series: BarSeries, set: FeatureSet, opts: AuditOptions = {}): AuditReport {
  const tol = opts.tol ?? 1e-9;
  const build = opts.frames ?? ((b: BarSeries) => new Map([[b.timeframe, b]]));
  const compile = (b: BarSeries): FeatureMatrix => compileFeatureSet(set, build(b), series.timeframe);
  const full = compile(series);
  const n = full.nRows;
  const nc = full.columns.length;
  const rng = new Rng(opts.seed ?? 12345);
  const res: FeatureAudit[] = full.columns.map((name) => ({ name, leak: false, via: [], firstBadRow: -1, maxDiff: 0, warmupBars: 0 }));
  const cuts = opts.cuts ?? 8;
  const note = (j: number, row: number, d: number, via: 'truncation' | 'noise'): void => {
    const r = res[j]!;
    r.leak = true;
    if (!r.via.includes(via)) r.via.push(via);
    if (r.firstBadRow < 0 || row < r.firstBadRow) r.firstBadRow = row;
    r.maxDiff = Math.max(r.maxDiff, d);
  };
  for (let c = 1; c <= cuts; c++) {
    const k = Math.floor((c * (n - 1)) / (cuts + 1));
    if (k < 1) continue;
    const trunc = compile(sliceSeries(series, 0, k + 1));
    const noisy = compile(withNoiseFuture(series, k, rng));
    for (let j = 0; j < nc; j++) {
      const a = full.data.subarray(j * n, j * n + k + 1);
      const tj = trunc.columns.indexOf(full.columns[j]!);
      const b = trunc.data.subarray(tj * trunc.nRows, tj * trunc.nRows + k + 1);
      const nb = noisy.data.subarray(j * n, j * n + k + 1);
      for (let i = 0; i <= k; i++) {
        const d1 = differs(a[i]!, b[i]!, tol);
        if (d1 > 0) note(j, i, d1, 'truncation');
        const d2 = differs(a[i]!, nb[i]!, tol);
        if (d2 > 0) note(j, i, d2, 'noise');
      }
    }
  }
  // Effective warm-up: start cold at bar s and count bars until agreement holds for good.
  const s0 = opts.coldStart ?? Math.min(500, Math.floor(n / 4));
  if (s0 > 0 && s0 < n) {
    const cold = compile(sliceSeries(series, s0));
    const m = cold.nRows;
    for (let j = 0; j < nc; j++) {
      const cj = cold.columns.indexOf(full.columns[j]!);
      let lastBad = -1;
      for (let i = 0; i < m; i++) {
        const a = full.data[j * n + s0 + i]!;
        const b = cold.data[cj * m + i]!;
        // NaN in the cold run where the full run has a value is warm-up, not a leak.
        if (differs(a, b, tol) > 0) lastBad = i;
      }
      res[j]!.warmupBars = lastBad === m - 1 ? -1 : lastBad + 1;
    }
  }
  return { symbol: series.symbol, rows: n, features: res, leaks: res.filter((r) => r.leak).map((r) => r.name), skipped: full.skipped };
}
