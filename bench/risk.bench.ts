/**
 * Risk benchmarks: GARCH(1,1) MLE on 17,000 daily returns (simulated from the dem2gbp fit) and
 * 10M Black-Scholes prices. Peer: R's fGarch is not installed here, so its figure is the
 * published one for this size (1.1 s), labelled as such.
 */
import { Rng } from '../src/core/rng.ts';
import { fitGarch } from '../src/risk/garch/fit.ts';
import { bsPriceBatch } from '../src/options/blackScholes.ts';
import { BsPool, sharedFloat64 } from '../src/options/bsPool.ts';
import { timeBestAsync } from './harness.ts';
import { fmtMs, printTable, timeBest, type BenchRow } from './harness.ts';

/** Entry point called by bench/run.ts. */
export async function run(): Promise<void> {
  const n = 17_000;
  const rng = new Rng(2024);
  const y = new Float64Array(n);
  let h = 0.0107 / (1 - 0.959);
  for (let t = 0; t < n; t++) {
    const e = Math.sqrt(h) * rng.normal();
    y[t] = -0.006 + e;
    h = 0.0107 + 0.153 * e * e + 0.806 * h;
  }
  let iters = 0;
  const garchMs = timeBest(() => {
    iters = fitGarch(y).iterations;
  }, 3);

  const m = 10_000_000;
  // Shared buffers, so the pool's workers price their slices in place.
  const spot = sharedFloat64(m);
  const strike = sharedFloat64(m);
  const tt = sharedFloat64(m);
  const vol = sharedFloat64(m);
  for (let i = 0; i < m; i++) {
    spot[i] = 80 + 40 * rng.next();
    strike[i] = 100;
    tt[i] = 0.05 + 2 * rng.next();
    vol[i] = 0.1 + 0.5 * rng.next();
  }
  const out = sharedFloat64(m);
  const bs1Ms = timeBest(() => bsPriceBatch('call', spot, strike, tt, 0.03, vol, 0.01, out), 2);
  const pool = await BsPool.create();
  const bsMs = await timeBestAsync(() => pool.price('call', spot, strike, tt, 0.03, vol, 0.01, out), 3);
  const threads = pool.threads;
  await pool.close();

  const rows: BenchRow[] = [
    { case: `GARCH(1,1) MLE + s.e., ${n} returns (${iters} BFGS iterations)`, ours: fmtMs(garchMs), peer: 'fGarch 1.1 s (published figure; R not installed here)', floor: '< 300 ms', ok: garchMs < 300 },
    { case: `10M Black-Scholes call prices, ${threads} threads (BsPool started)`, ours: fmtMs(bsMs), peer: 'none (no JS peer)', floor: '< 1 s', ok: bsMs < 1000 },
    { case: '10M Black-Scholes call prices, 1 thread', ours: fmtMs(bs1Ms), peer: 'none (no JS peer)', floor: '-', ok: null },
  ];
  printTable(rows);
}
