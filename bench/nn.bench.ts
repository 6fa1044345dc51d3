/**
 * `npm run bench -- nn [--dtype=float64] [--quick]`: one training epoch of an LSTM regressor
 * (20,000 sequences x 32 steps x 8 features, LSTM hidden 32 -> linear, batch 64, Adam 1e-3,
 * MSE), ours against PyTorch's on one thread from the same run (Debian python3-torch at
 * /usr/bin/python3; the row says so when it is absent). Also ms per forward+backward step.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { simdAvailable } from '../src/ml/nn/simd.ts';
import { Rng } from '../src/core/rng.ts';
import { Adam, LastStep, Linear, Lstm, Sequential, Tensor, alloc, backward, mseLoss, type DType } from '../src/ml/nn/index.ts';
import { type BenchRow, fmtMs, printTable } from './harness.ts';

const N = 20_000;
const T = 32;
const F = 8;
const H = 32;
const BATCH = 64;
const TORCH_FLOOR_RATIO = 1.5;

/** Seeded synthetic regression data: the target is a smoothed sum of two features. */
function makeData(dtype: DType, n: number): { x: Float64Array | Float32Array; y: Float64Array | Float32Array } {
  const rng = new Rng(7);
  const x = alloc(dtype, n * T * F);
  const y = alloc(dtype, n);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  for (let s = 0; s < n; s++) {
    let acc = 0;
    for (let t = T - 5; t < T; t++) acc += x[(s * T + t) * F]! - 0.5 * x[(s * T + t) * F + 1]!;
    y[s] = acc / 5 + 0.1 * rng.normal();
  }
  return { x, y };
}

interface OursResult {
  epochMs: number;
  epochCpuMs: number;
  stepMs: number;
  firstLoss: number;
  lastLoss: number;
}

function runOurs(dtype: DType, n: number): OursResult {
  const { x, y } = makeData(dtype, n);
  const rng = new Rng(11);
  const model = new Sequential([new Lstm(F, H, { rng, dtype }), new LastStep(), new Linear(H, 1, { rng, dtype })]);
  const opt = new Adam(model.parameters(), { lr: 1e-3 });
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const shuffleRng = new Rng(13);
  const xb = alloc(dtype, BATCH * T * F);
  const yb = alloc(dtype, BATCH);
  const fill = (start: number, b: number): void => {
    for (let k = 0; k < b; k++) {
      const s = order[start + k]!;
      xb.set(x.subarray(s * T * F, (s + 1) * T * F), k * T * F);
      yb[k] = y[s]!;
    }
  };
  const step = (b: number, update: boolean): number => {
    const xt = new Tensor(b === BATCH ? xb : xb.subarray(0, b * T * F), [b, T, F]);
    const yt = new Tensor(b === BATCH ? yb : yb.subarray(0, b), [b, 1]);
    opt.zeroGrad();
    const loss = mseLoss(model.forward(xt), yt);
    backward(loss);
    if (update) opt.step();
    return loss.item();
  };
  // Forward+backward timing on one full batch (best of 20, after a warm-up long enough for
  // V8 to tier the WebAssembly kernels up from its baseline compiler).
  fill(0, BATCH);
  for (let i = 0; i < 30; i++) step(BATCH, false);
  let stepMs = Infinity;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    step(BATCH, false);
    stepMs = Math.min(stepMs, performance.now() - t0);
  }
  shuffleRng.shuffle(order);
  let firstLoss = NaN;
  let lastLoss = NaN;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let start = 0; start < n; start += BATCH) {
    const b = Math.min(BATCH, n - start);
    fill(start, b);
    lastLoss = step(b, true);
    if (start === 0) firstLoss = lastLoss;
  }
  const epochMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { epochMs, epochCpuMs: (cpu.user + cpu.system) / 1000, stepMs, firstLoss, lastLoss };
}

const TORCH_SCRIPT = String.raw`
import json, sys, time
try:
    import torch
except Exception as e:
    print(json.dumps({"absent": "torch does not import: %s" % e})); sys.exit(0)
torch.set_num_threads(1); torch.manual_seed(0)
N, T, F, H, B = int(sys.argv[1]), 32, 8, 32, 64
x = torch.randn(N, T, F); y = (x[:, -5:, 0] - 0.5 * x[:, -5:, 1]).mean(1, keepdim=True) + 0.1 * torch.randn(N, 1)
class M(torch.nn.Module):
    def __init__(s):
        super().__init__(); s.lstm = torch.nn.LSTM(F, H, batch_first=True); s.head = torch.nn.Linear(H, 1)
    def forward(s, xb):
        h, _ = s.lstm(xb); return s.head(h[:, -1])
m = M(); opt = torch.optim.Adam(m.parameters(), lr=1e-3); lossf = torch.nn.MSELoss()
def step(xb, yb, update):
    opt.zero_grad(); l = lossf(m(xb), yb); l.backward()
    if update: opt.step()
    return l.item()
for _ in range(30): step(x[:B], y[:B], False)
best = 1e9
for _ in range(20):
    t = time.perf_counter(); step(x[:B], y[:B], False); best = min(best, time.perf_counter() - t)
perm = torch.randperm(N); t0 = time.perf_counter(); c0 = time.process_time()
for s in range(0, N, B):
    idx = perm[s:s + B]; step(x[idx], y[idx], True)
print(json.dumps({"epoch_s": time.perf_counter() - t0, "epoch_cpu_s": time.process_time() - c0, "step_ms": best * 1000, "torch": torch.__version__}))
`;

interface TorchResult {
  epochMs: number;
  epochCpuMs: number;
  stepMs: number;
  version: string;
}

function runTorch(n: number): TorchResult | string {
  const r = spawnSync('/usr/bin/python3', ['-c', TORCH_SCRIPT, String(n)], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
  if (r.error) return `/usr/bin/python3 not runnable (${r.error.message})`;
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const j = JSON.parse(line) as { absent?: string; epoch_s?: number; epoch_cpu_s?: number; step_ms?: number; torch?: string };
    if (j.absent !== undefined) return j.absent;
    return { epochMs: j.epoch_s! * 1000, epochCpuMs: j.epoch_cpu_s! * 1000, stepMs: j.step_ms!, version: j.torch! };
  } catch {
    return `torch run failed: ${(r.stderr || line).trim().split('\n').pop() ?? 'no output'}`;
  }
}

/** Rows of the LSTM epoch benchmark (also used by the ml benchmark). */
export function lstmEpochRows(args: readonly string[] = []): BenchRow[] {
  const dtype: DType = args.includes('--dtype=float64') ? 'float64' : 'float32';
  const n = args.includes('--quick') ? 2_000 : N;
  const ours = runOurs(dtype, n);
  const peer = args.includes('--no-peer') ? 'skipped (--no-peer)' : runTorch(n);
  const label = `LSTM epoch ${n} x ${T} x ${F}, H ${H}, batch ${BATCH}, Adam (${dtype})`;
  process.stdout.write(`our loss over the epoch: ${ours.firstLoss.toFixed(4)} -> ${ours.lastLoss.toFixed(4)}\n`);
  if (typeof peer === 'string') {
    process.stdout.write(`PyTorch peer absent: ${peer}\n`);
    return [
      { case: label, ours: fmtMs(ours.epochMs), peer: 'absent', floor: `<= ${TORCH_FLOOR_RATIO}x torch`, ok: null },
      { case: 'same epoch, CPU time', ours: fmtMs(ours.epochCpuMs), peer: 'absent', floor: '-', ok: null },
      { case: `forward+backward step, batch ${BATCH} (best of 20)`, ours: fmtMs(ours.stepMs), peer: 'absent', floor: '-', ok: null },
    ];
  }
  return [
    { case: label, ours: fmtMs(ours.epochMs), peer: `${fmtMs(peer.epochMs)} (torch ${peer.version}, 1 thread)`, floor: `<= ${fmtMs(peer.epochMs * TORCH_FLOOR_RATIO)}`, ok: ours.epochMs <= peer.epochMs * TORCH_FLOOR_RATIO },
    { case: 'same epoch, CPU time', ours: fmtMs(ours.epochCpuMs), peer: fmtMs(peer.epochCpuMs), floor: '-', ok: null },
    { case: `forward+backward step, batch ${BATCH} (best of 20)`, ours: fmtMs(ours.stepMs), peer: fmtMs(peer.stepMs), floor: '-', ok: null },
  ];
}

/** Entry point of `npm run bench -- nn`. */
export async function run(args: string[]): Promise<void> {
  printTable(lstmEpochRows(args));
  process.stdout.write(`\nload average during the run: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (shared machine); "meets floor" uses wall time. Ours: ${simdAvailable() ? 'WebAssembly SIMD kernels' : 'JS kernels (no WebAssembly SIMD)'}; torch generates its own data of the same shape.\n`);
}
