/**
 * `npm run bench -- ml`: machine-learning kernels against their peers, same run.
 * Each case is a function returning table rows; `cases` lists them in order, so a
 * new case (e.g. the LSTM epoch against PyTorch) is one more function appended there.
 *
 * GBDT: /work/shared/bench/gbdt_{train,test}.csv, 200 rounds, depth 6, lr 0.1,
 * 256 bins; peer = Debian python3-xgboost (tree_method hist, nthread 1) at
 * /usr/bin/python3. Wall time is the figure; CPU time is shown beside it because
 * this machine is shared and wall time includes waiting for a core.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNumericCsv, toDataset } from '../src/ml/data.ts';
import { rocAuc } from '../src/ml/metrics/rocAuc.ts';
import { flatOf, gbdtPredict, trainGbdt } from '../src/ml/tree/gbdt.ts';
import { inferenceEngine, predictMargins } from '../src/ml/tree/flatForest.ts';
import { HistogramPool } from '../src/ml/tree/histogramPool.ts';
import { fmtRate, printTable, type BenchRow } from './harness.ts';
import { lstmEpochRows } from './nn.bench.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = join(root, '..', 'shared', 'bench');
const PY = '/usr/bin/python3';

/** Wall and CPU seconds of a synchronous call. */
function timed<T>(fn: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const c = process.cpuUsage(c0);
  return { value, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

const XGB_SCRIPT = `
import sys, time, json
try:
    import numpy as np, xgboost as xgb
except Exception as e:
    print(json.dumps({"error": "python3-xgboost not importable: %s" % e})); sys.exit(0)
tr = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1, dtype=np.float32)
te = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1, dtype=np.float32)
dtr = xgb.DMatrix(tr[:, :-1], label=tr[:, -1], nthread=1)
dte = xgb.DMatrix(te[:, :-1], label=te[:, -1], nthread=1)
c0 = time.process_time(); t0 = time.perf_counter()
b = xgb.train(dict(objective="binary:logistic", tree_method="hist", max_depth=6, eta=0.1, max_bin=256, nthread=1, seed=0), dtr, num_boost_round=200)
wall = time.perf_counter() - t0; cpu = time.process_time() - c0
p = b.predict(dte)
order = np.argsort(p, kind="mergesort"); y = te[:, -1][order]
ranks = np.empty(len(p)); ranks[order] = np.arange(1, len(p) + 1)
npos = y.sum(); auc = (ranks[te[:, -1] == 1].sum() - npos * (npos + 1) / 2) / (npos * (len(p) - npos))
# inplace_predict on the array: Booster.predict(DMatrix) would serve a cached result on repeats
b.set_param({"nthread": 1})
Xte = np.ascontiguousarray(te[:, :-1])
b.inplace_predict(Xte)
best = 1e9
for _ in range(5):
    t0 = time.perf_counter(); b.inplace_predict(Xte); best = min(best, time.perf_counter() - t0)
print(json.dumps({"version": xgb.__version__, "wall": wall, "cpu": cpu, "auc": float(auc), "predict_rows_per_s": len(p) / best}))
`;

interface XgbPeer {
  version: string;
  wall: number;
  cpu: number;
  auc: number;
  predict_rows_per_s: number;
}

function xgboostPeer(train: string, test: string): XgbPeer | string {
  if (!existsSync(PY)) return `${PY} not found`;
  const r = spawnSync(PY, ['-c', XGB_SCRIPT, train, test], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) return `xgboost peer failed: ${(r.stderr || '').trim().split('\n').pop()}`;
  const j = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as XgbPeer & { error?: string };
  return j.error ?? j;
}

/** GBDT training time, test AUC and inference throughput against XGBoost. */
export async function gbdtCases(): Promise<BenchRow[]> {
  const trainPath = join(benchDir, 'gbdt_train.csv');
  const testPath = join(benchDir, 'gbdt_test.csv');
  if (!existsSync(trainPath) || !existsSync(testPath)) {
    process.stdout.write(`GBDT cases skipped: ${benchDir}/gbdt_{train,test}.csv not found\n`);
    return [];
  }
  const tr = toDataset(readNumericCsv(trainPath), 'label');
  const te = toDataset(readNumericCsv(testPath), 'label');
  const params = { rounds: 200, maxDepth: 6, learningRate: 0.1, maxBins: 256 };
  const fit = timed(() => trainGbdt(tr.X, tr.y, params));
  const model = fit.value;
  const auc = rocAuc(te.y, gbdtPredict(model, te.X));
  // inference: margins of the 20k test rows, best of 10
  const ff = flatOf(model);
  // warm-up passes: on a busy machine TurboFan's background compile can lag the first calls
  for (let i = 0; i < 3; i++) predictMargins(ff, te.X);
  let best = Infinity;
  let bestCpu = Infinity;
  for (let i = 0; i < 10; i++) {
    const t = timed(() => predictMargins(ff, te.X));
    best = Math.min(best, t.wall);
    bestCpu = Math.min(bestCpu, t.cpu);
  }
  const rate = te.X.rows / best;
  // the JS integer-rank path (fallback when WebAssembly is unavailable), same rows
  let bestJs = Infinity;
  for (let i = 0; i < 3; i++) bestJs = Math.min(bestJs, timed(() => predictMargins(ff, te.X, undefined, 'js')).wall);
  // the parallel path, timed with its worker start-up, to decide whether threads pay here
  const tPar = performance.now();
  const pool = await HistogramPool.create(2);
  let parWall: number;
  try {
    trainGbdt(tr.X, tr.y, params, { pool });
  } finally {
    parWall = (performance.now() - tPar) / 1000;
    await pool.close();
  }
  const peer = xgboostPeer(trainPath, testPath);
  const absent = typeof peer === 'string' ? `absent (${peer})` : null;
  if (absent) process.stdout.write(`XGBoost peer ${absent}\n`);
  const p = typeof peer === 'string' ? null : peer;
  return [
    {
      case: 'GBDT train 50k x 40, 200 rounds, depth 6 (1 thread)',
      ours: `${fit.wall.toFixed(2)} s (cpu ${fit.cpu.toFixed(2)} s)`,
      peer: p ? `xgboost ${p.version}: ${p.wall.toFixed(2)} s (cpu ${p.cpu.toFixed(2)} s)` : absent!,
      floor: '<= xgboost (1 thread)',
      ok: p ? fit.wall <= p.wall : null,
    },
    {
      case: 'GBDT train, --threads 2 (incl. worker start)',
      ours: `${parWall.toFixed(2)} s`,
      peer: `ours, 1 thread: ${fit.wall.toFixed(2)} s`,
      floor: 'informational',
      ok: null,
    },
    {
      case: 'GBDT test AUC (20k rows)',
      ours: auc.toFixed(4),
      peer: p ? `xgboost: ${p.auc.toFixed(4)}` : absent!,
      floor: '>= 0.946',
      ok: auc >= 0.946,
    },
    {
      case: `GBDT inference, 200 trees depth 6 (${inferenceEngine(ff)} kernel, 1 thread)`,
      ours: `${fmtRate(rate, 'rows')} (cpu ${fmtRate(te.X.rows / bestCpu, 'rows')})`,
      peer: p ? `xgboost: ${fmtRate(p.predict_rows_per_s, 'rows')}` : absent!,
      floor: '>= 1M rows/s',
      ok: rate >= 1e6,
    },
    {
      case: 'GBDT inference, JS fallback path',
      ours: fmtRate(te.X.rows / bestJs, 'rows'),
      peer: `ours, ${inferenceEngine(ff)}: ${fmtRate(rate, 'rows')}`,
      floor: 'informational',
      ok: null,
    },
  ];
}

/** The cases in order; append new case functions here. */
export const cases: ((args: string[]) => Promise<BenchRow[]>)[] = [gbdtCases, async (args) => lstmEpochRows(args)];

export async function run(args: string[]): Promise<void> {
  const rows: BenchRow[] = [];
  for (const c of cases) rows.push(...(await c(args)));
  printTable(rows);
}
