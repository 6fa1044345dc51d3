/**
 * Backtest benchmark: the 7,260-pair sma-cross grid (windows 5..50 and 20..200/2)
 * on a synthetic 8,000-bar daily series with a 0.1% fee, on one thread and on two
 * worker threads, and single backtests in ns per bar (the grid kernel, and the full
 * engine with its trade list and equity curve). vectorbt is not installed here:
 * its published figures for the same grid are printed as the reference peer.
 */
import { costModel } from '../src/backtest/costs.ts';
import { runBacktest } from '../src/backtest/engine.ts';
import { GridPool } from '../src/backtest/gridPool.ts';
import { runSmaGrid } from '../src/backtest/gridRunner.ts';
import { smaCrossKernel, type CrossOut } from '../src/backtest/smaGrid.ts';
import { smaCrossSignals } from '../src/backtest/strategies/smaCross.ts';
import { allocSeries } from '../src/core/bar.ts';
import { Rng } from '../src/core/rng.ts';
import { sma } from '../src/indicators/sma.ts';
import { fmtMs, printTable, timeBest, timeBestAsync, type BenchRow } from './harness.ts';

const N = 8000;
const SPEC = '5..50,20..200/2';
const VBT_GRID_S = 17.6;
const VBT_NS_PER_BAR = 20;

function synthetic(n: number) {
  const rng = new Rng(20240601);
  const s = allocSeries('SYN', '1d', n);
  let p = 100;
  for (let i = 0; i < n; i++) {
    const o = p * (1 + 0.002 * rng.normal());
    p = o * Math.exp(0.0002 + 0.012 * rng.normal());
    s.time[i] = Date.UTC(1994, 0, 3) + i * 86_400_000;
    s.open[i] = o;
    s.close[i] = p;
    s.high[i] = Math.max(o, p) * (1 + 0.004 * rng.next());
    s.low[i] = Math.min(o, p) * (1 - 0.004 * rng.next());
    s.volume[i] = 1e6 * (1 + rng.next());
  }
  return s;
}

export async function run(_args: string[]): Promise<void> {
  const s = synthetic(N);
  const costs = { feeRate: 0.001, fixedFeeEntry: 0, fixedFeeExit: 0, initCash: 100 };
  let combos = 0;
  const grid1 = await timeBestAsync(async () => {
    combos = (await runSmaGrid(s.close, SPEC, { costs, threads: 1 })).combos;
  }, 3);
  const grid2 = await timeBestAsync(() => runSmaGrid(s.close, SPEC, { costs, threads: 2 }), 3);
  const pool = new GridPool(2);
  const grid2warm = await timeBestAsync(() => runSmaGrid(s.close, SPEC, { costs, pool }), 5);
  await pool.close();

  const fast = sma(s.close, 10);
  const slow = sma(s.close, 50);
  const out: CrossOut = { totalReturn: 0, trades: 0, maxDrawdown: 0, winRate: 0, sharpe: 0 };
  const reps = 200;
  const kernelMs = timeBest(() => {
    for (let r = 0; r < reps; r++) smaCrossKernel(s.close, fast, slow, 50, costs, 252, out);
  }, 5);
  const kernelNs = (kernelMs * 1e6) / (reps * N);

  const sig = smaCrossSignals(s.close, 10, 50);
  const opt = { initCash: 100, direction: 'long' as const, fill: 'close' as const, costs: costModel({ feeRate: 0.001 }), sizing: { kind: 'equity' as const }, stops: {} };
  const engineReps = 50;
  const engineMs = timeBest(() => {
    for (let r = 0; r < engineReps; r++) runBacktest(s, sig, opt);
  }, 5);
  const engineNs = (engineMs * 1e6) / (engineReps * N);
  const stopsOpt = { ...opt, stops: { stopLoss: 0.05, takeProfit: 0.1, trailing: 0.08 } };
  const stopsMs = timeBest(() => {
    for (let r = 0; r < engineReps; r++) runBacktest(s, sig, stopsOpt);
  }, 5);
  const stopsNs = (stopsMs * 1e6) / (engineReps * N);

  const peerNote = 'vectorbt 0.25 (Numba), published; not installed here';
  const rows: BenchRow[] = [
    { case: `sma-cross grid, ${combos} pairs x ${N} bars, fee 0.1%, 1 thread`, ours: fmtMs(grid1), peer: `${VBT_GRID_S} s (${peerNote})`, floor: '< 1.0 s', ok: grid1 < 1000 },
    { case: `sma-cross grid, ${combos} pairs x ${N} bars, fee 0.1%, 2 worker threads (incl. start-up)`, ours: fmtMs(grid2), peer: `${VBT_GRID_S} s (${peerNote})`, floor: '< 1.0 s', ok: grid2 < 1000 },
    { case: `sma-cross grid, ${combos} pairs x ${N} bars, fee 0.1%, 2 started worker threads (pool)`, ours: fmtMs(grid2warm), peer: `${VBT_GRID_S} s (${peerNote})`, floor: '< 1.0 s', ok: grid2warm < 1000 },
    { case: 'single backtest, grid kernel (stats only)', ours: `${kernelNs.toFixed(2)} ns/bar`, peer: `~${VBT_NS_PER_BAR} ns/bar (from_signals, published)`, floor: '<= 20 ns/bar', ok: kernelNs <= 20 },
    { case: 'single backtest, full engine (equity + trades)', ours: `${engineNs.toFixed(2)} ns/bar`, peer: `~${VBT_NS_PER_BAR} ns/bar (from_signals, published)`, floor: '<= 20 ns/bar', ok: engineNs <= 20 },
    { case: 'single backtest, full engine with SL/TP/trailing', ours: `${stopsNs.toFixed(2)} ns/bar`, peer: `~${VBT_NS_PER_BAR} ns/bar (from_signals, published)`, floor: '<= 20 ns/bar', ok: stopsNs <= 20 },
  ];
  printTable(rows);
  process.stdout.write(`\nGrid speed-up vs vectorbt's published 17.6 s: ${(VBT_GRID_S * 1000 / Math.min(grid1, grid2, grid2warm)).toFixed(1)}x (machine shared; load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}).\n`);
}
