import { GridPool } from './gridPool.ts';
import type { GridJob } from './gridWorker.ts';
import { movingAverages, parseWindows, runPairs, windowPairs, type CrossStats, type GridCosts } from './smaGrid.ts';

/** Options of a grid run. */
export interface GridOptions {
  costs: GridCosts;
  /** Worker threads to split the pairs over (1 = run on this thread). */
  threads?: number;
  periodsPerYear?: number;
  /** Reuse these started workers (their count sets the threads). */
  pool?: GridPool;
  /** Rank by this statistic, best first. */
  rankBy?: 'sharpe' | 'total_return';
  /** How many ranked results to return (all when omitted). */
  top?: number;
}

/** A finished grid: how many combinations, the wall time, and the ranked statistics. */
export interface GridResult {
  combos: number;
  windows: number[];
  seconds: number;
  threads: number;
  rank_by: 'sharpe' | 'total_return';
  results: CrossStats[];
}

/**
 * sma-cross for every pair of distinct windows of `spec` (fast = the smaller):
 * each window's SMA is computed once into shared memory, then the pairs run
 * over it, split across worker threads when `threads` > 1.
 */
export async function runSmaGrid(close: Float64Array, spec: string | number[], opt: GridOptions): Promise<GridResult> {
  const t0 = performance.now();
  const windows = typeof spec === 'string' ? parseWindows(spec) : [...spec].sort((a, b) => a - b);
  const n = close.length;
  const threads = opt.pool ? opt.pool.size : Math.max(1, Math.floor(opt.threads ?? 1));
  const P = opt.periodsPerYear ?? 252;
  const pairs = windowPairs(windows);
  const np = pairs.length / 2;
  const shared = threads > 1;
  const alloc = (bytes: number): ArrayBuffer | SharedArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const closeBuf = alloc(8 * n);
  new Float64Array(closeBuf).set(close);
  const masBuf = alloc(8 * n * windows.length);
  const mas = movingAverages(new Float64Array(closeBuf), windows, new Float64Array(masBuf));
  const outBuf = alloc(8 * 5 * np);
  const out = new Float64Array(outBuf);
  if (!shared) runPairs(close, mas, windows, pairs, 0, np, opt.costs, P, out);
  else {
    const pairsBuf = new SharedArrayBuffer(pairs.byteLength);
    new Int32Array(pairsBuf).set(pairs);
    const per = Math.ceil(np / threads);
    const jobs: GridJob[] = [];
    for (let w = 0; w < threads; w++) {
      const from = w * per;
      const to = Math.min(np, from + per);
      if (from < to) jobs.push({ close: closeBuf as SharedArrayBuffer, mas: masBuf as SharedArrayBuffer, pairs: pairsBuf, out: outBuf as SharedArrayBuffer, windows, from, to, costs: opt.costs, periodsPerYear: P });
    }
    const pool = opt.pool ?? new GridPool(threads);
    try {
      await pool.run(jobs);
    } finally {
      if (!opt.pool) await pool.close();
    }
  }
  const rankBy = opt.rankBy ?? 'sharpe';
  const results: CrossStats[] = new Array(np);
  for (let p = 0; p < np; p++) {
    results[p] = {
      fast: windows[pairs[2 * p]!]!,
      slow: windows[pairs[2 * p + 1]!]!,
      total_return: out[5 * p]!,
      trades: out[5 * p + 1]!,
      max_drawdown: out[5 * p + 2]!,
      win_rate: out[5 * p + 3]!,
      sharpe: out[5 * p + 4]!,
    };
  }
  results.sort((a, b) => b[rankBy] - a[rankBy] || a.fast - b.fast || a.slow - b.slow);
  if (opt.top !== undefined) results.length = Math.min(results.length, opt.top);
  return { combos: np, windows, seconds: (performance.now() - t0) / 1000, threads, rank_by: rankBy, results };
}
