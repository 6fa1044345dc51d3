/**
 * LSTM over a batch-first sequence with torch's gate order (i, f, g, o) and parameter names
 * (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0). The fused op runs one GEMM for the
 * input projection of every step and one GEMM per step for the recurrence, with transposed
 * weights so the inner loops stream contiguous rows; its backward pass is a hand-written
 * kernel that batches the weight gradients over all steps. Under createGraph (second
 * derivatives) the backward rule re-derives the step from primitive ops instead.
 */
import { transposeInto } from './gemm.ts';
import type { Layer } from './module.ts';
import { add, matmul, mul, narrow, reshape, select, sigmoid, stack, tanh } from './ops.ts';
import { type RecurrentWeights, type RnnOptions, type RnnResult, RecurrentStack, checkRecurrent, lastStep, previousHidden, secondOrderRule } from './recurrent.ts';
import { type Space, resumeSpace, spaceFor } from './space.ts';
import { type Data, Tensor, alloc, isGradEnabled, record, zeros } from './tensor.ts';

export type { RnnOptions, RnnResult } from './recurrent.ts';

/** The four parameters of one LSTM layer (torch layout: W_ih [4H, F], W_hh [4H, H]). */
export type LstmWeights = RecurrentWeights;

function checkShapes(x: Tensor, w: LstmWeights, h0: Tensor | null, c0: Tensor | null): { B: number; T: number; F: number; H: number } {
  return checkRecurrent('lstm', x, w, 4, [['h0', h0], ['c0', c0]]);
}

/** Everything the fused backward kernel reads. */
interface LstmSaved {
  B: number;
  T: number;
  F: number;
  H: number;
  x: Data;
  wIh: Data;
  wHh: Data;
  h0: Data | null;
  c0: Data | null;
  act: Data; // [B*T, 4H] gate activations i, f, g, o
  cs: Data; // [B*T, H] cell states
  tcs: Data; // [B*T, H] tanh(cell)
  hs: Data; // [B*T, H] hidden states (the output)
}

/** An LSTM layer's weights transposed once, for many steps while the weights stay fixed (a rollout). */
export interface LstmPrepared {
  /** W_ih transposed, [F, 4H]. */
  readonly wIhT: Data;
  /** W_hh transposed, [H, 4H]. */
  readonly wHhT: Data;
}

/** Transposes the weights as the forward kernel does; valid until the weights change. */
export function prepareLstm(w: LstmWeights): LstmPrepared {
  const [G, F] = w.wIh.shape as [number, number];
  const H = w.wHh.shape[1]!;
  return { wIhT: transposeInto(w.wIh.data, G, F, alloc(w.wIh.dtype, F * G)), wHhT: transposeInto(w.wHh.data, G, H, alloc(w.wHh.dtype, H * G)) };
}

/** Forward kernel: fills hs/act/cs/tcs (arrays of `sp`); returns the final cell state. */
function lstmForwardKernel(s: LstmSaved, bIh: Data, bHh: Data, sp: Space, pre: LstmPrepared | null = null): Data {
  const { B, T, F, H, x, h0, c0, act, cs, tcs, hs } = s;
  const G = 4 * H;
  // a prepared copy holds the same values the transposes would produce, so the bits agree
  const wIhT = pre !== null ? sp.take(pre.wIhT) : transposeInto(s.wIh, G, F, sp.arr(F * G));
  const wHhT = pre !== null ? sp.take(pre.wHhT) : transposeInto(s.wHh, G, H, sp.arr(H * G));
  const bias = sp.arr(G);
  for (let j = 0; j < G; j++) bias[j] = bIh[j]! + bHh[j]!;
  for (let r = 0; r < B * T; r++) act.set(bias, r * G);
  sp.nn(B * T, G, F, x, 0, F, wIhT, 0, G, act, 0, G);
  const cell = H % 4 === 0 ? sp.lstmCell : null;
  const zeroC = sp.arr(H);
  for (let t = 0; t < T; t++) {
    if (t > 0) sp.nn(B, G, H, hs, (t - 1) * H, T * H, wHhT, 0, G, act, t * G, T * G);
    else if (h0 !== null) sp.nn(B, G, H, h0, 0, H, wHhT, 0, G, act, 0, T * G);
    if (cell !== null) {
      for (let b = 0; b < B; b++) {
        const r = b * T + t;
        if (t > 0) cell(H, act as Float32Array, r * G, cs as Float32Array, r * H - H, cs as Float32Array, tcs as Float32Array, hs as Float32Array, r * H);
        else cell(H, act as Float32Array, r * G, (c0 ?? zeroC) as Float32Array, c0 !== null ? b * H : 0, cs as Float32Array, tcs as Float32Array, hs as Float32Array, r * H);
      }
      continue;
    }
    for (let b = 0; b < B; b++) {
      const r = b * T + t;
      const go = r * G;
      const ho = r * H;
      const po = ho - H; // previous step of the same sequence
      for (let j = 0; j < H; j++) {
        const i = 1 / (1 + Math.exp(-act[go + j]!));
        const f = 1 / (1 + Math.exp(-act[go + H + j]!));
        const g = Math.tanh(act[go + 2 * H + j]!);
        const o = 1 / (1 + Math.exp(-act[go + 3 * H + j]!));
        const cp = t > 0 ? cs[po + j]! : c0 !== null ? c0[b * H + j]! : 0;
        const c = f * cp + i * g;
        const tc = Math.tanh(c);
        act[go + j] = i;
        act[go + H + j] = f;
        act[go + 2 * H + j] = g;
        act[go + 3 * H + j] = o;
        cs[ho + j] = c;
        tcs[ho + j] = tc;
        hs[ho + j] = o * tc;
      }
    }
  }
  const cn = sp.arr(B * H);
  for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) cn[b * H + j] = cs[(b * T + T - 1) * H + j]!;
  return cn;
}

/** Gradients from the fused backward kernel (weights in torch layout). */
interface LstmGrads {
  dx: Data | null;
  dWih: Data;
  dWhh: Data;
  db: Data;
  dh0: Data;
  dc0: Data;
}

/** Backward kernel: gradients of everything given those of hs, h_n and c_n (null = zero). */
function lstmBackwardKernel(s: LstmSaved, dOut: Data | null, dHn: Data | null, dCn: Data | null, needDx: boolean, sp: Space): LstmGrads {
  const { B, T, F, H, x, h0, c0, act, cs, tcs, hs } = s;
  const G = 4 * H;
  const dG = sp.arr(B * T * G);
  const dh = sp.arr(B * H);
  const dc = sp.arr(B * H);
  if (dHn !== null) dh.set(dHn);
  if (dCn !== null) dc.set(dCn);
  const back = H % 4 === 0 ? sp.lstmCellBack : null;
  const zeroRow = back !== null && (dOut === null || c0 === null) ? sp.arr(Math.max(B * T * H, B * H)) : null;
  for (let t = T - 1; t >= 0; t--) {
    if (back !== null) {
      for (let b = 0; b < B; b++) {
        const r = b * T + t;
        const cpArr = (t > 0 ? cs : (c0 ?? zeroRow)) as Float32Array;
        const po = t > 0 ? r * H - H : b * H;
        back(H, act as Float32Array, r * G, tcs as Float32Array, r * H, cpArr, po, dh as Float32Array, (dOut ?? zeroRow) as Float32Array, dc as Float32Array, b * H, dG as Float32Array);
      }
      dh.fill(0);
      sp.nn(B, H, G, dG, t * G, T * G, s.wHh, 0, H, dh, 0, H);
      continue;
    }
    for (let b = 0; b < B; b++) {
      const r = b * T + t;
      const go = r * G;
      const ho = r * H;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const dhv = dh[k]! + (dOut !== null ? dOut[ho + j]! : 0);
        const i = act[go + j]!, f = act[go + H + j]!, g = act[go + 2 * H + j]!, o = act[go + 3 * H + j]!;
        const tc = tcs[ho + j]!;
        const cp = t > 0 ? cs[ho - H + j]! : c0 !== null ? c0[k]! : 0;
        const dcv = dc[k]! + dhv * o * (1 - tc * tc);
        dG[go + j] = dcv * g * i * (1 - i);
        dG[go + H + j] = dcv * cp * f * (1 - f);
        dG[go + 2 * H + j] = dcv * i * (1 - g * g);
        dG[go + 3 * H + j] = dhv * tc * o * (1 - o);
        dc[k] = dcv * f;
      }
    }
    dh.fill(0);
    sp.nn(B, H, G, dG, t * G, T * G, s.wHh, 0, H, dh, 0, H);
  }
  // Weight gradients for all steps at once: dWᵀ = Inputᵀ · dGates over the B*T rows.
  const hPrev = previousHidden(hs, h0, B, T, H, sp);
  const dWihT = sp.arr(F * G);
  sp.tn(F, G, B * T, x, 0, F, dG, 0, G, dWihT, 0, G);
  const dWhhT = sp.arr(H * G);
  sp.tn(H, G, B * T, hPrev, 0, H, dG, 0, G, dWhhT, 0, G);
  const dtype = x instanceof Float64Array ? 'float64' : 'float32';
  const db = sp.colSum(B * T, G, dG);
  let dx: Data | null = null;
  if (needDx) {
    dx = sp.arr(B * T * F);
    sp.nn(B * T, F, G, dG, 0, G, s.wIh, 0, F, dx, 0, F);
    dx = sp.keep(dx);
  }
  return { dx, dWih: transposeInto(dWihT, F, G, alloc(dtype, G * F)), dWhh: transposeInto(dWhhT, H, G, alloc(dtype, G * H)), db, dh0: sp.keep(dh), dc0: sp.keep(dc) };
}

/**
 * The same LSTM written with primitive ops (slow; every step on the tape). Used for the
 * second-order backward rule of the fused op, and as an independent check of it.
 */
export function lstmComposite(x: Tensor, w: LstmWeights, h0: Tensor | null = null, c0: Tensor | null = null): RnnResult {
  const { B, T, F, H } = checkShapes(x, w, h0, c0);
  const gx = reshape(add(matmul(reshape(x, [B * T, F]), w.wIh, { transB: true }), w.bIh), [B, T, 4 * H]);
  let h = h0 ?? zeros([B, H], x.dtype);
  let c = c0 ?? zeros([B, H], x.dtype);
  const outs: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const gt = add(add(select(gx, 1, t), matmul(h, w.wHh, { transB: true })), w.bHh);
    const i = sigmoid(narrow(gt, 1, 0, H));
    const f = sigmoid(narrow(gt, 1, H, H));
    const g = tanh(narrow(gt, 1, 2 * H, H));
    const o = sigmoid(narrow(gt, 1, 3 * H, H));
    c = add(mul(f, c), mul(i, g));
    h = mul(o, tanh(c));
    outs.push(h);
  }
  return { out: stack(outs, 1), h, c };
}

/**
 * Fused LSTM over x [B, T, F] from state (h0, c0) (zeros when null): returns the hidden
 * sequence [B, T, H] and the final (h, c), all differentiable (to any order). `prepared`
 * (from `prepareLstm` on these same weights) skips the per-call weight transposes.
 */
export function lstm(x: Tensor, w: LstmWeights, h0: Tensor | null = null, c0: Tensor | null = null, prepared: LstmPrepared | null = null): RnnResult {
  const { B, T, F, H } = checkShapes(x, w, h0, c0);
  const dtype = x.dtype;
  const G = 4 * H;
  const fwdFloats = B * T * (F + G + 3 * H) + 2 * G * (F + H) + 3 * B * H + G + H;
  // Room for the backward pass too, so it can run in place after this forward (see resume).
  const bwdFloats = B * T * (F + G + 7 * H) + G * (F + H + 4) + 2 * B * H;
  const forwardIn = (sp: Space): { work: LstmSaved; cn: Data } => {
    const work: LstmSaved = {
      B, T, F, H,
      x: sp.take(x.data), wIh: sp.take(w.wIh.data), wHh: sp.take(w.wHh.data),
      h0: h0 !== null ? sp.take(h0.data) : null, c0: c0 !== null ? sp.take(c0.data) : null,
      act: sp.arr(B * T * G), cs: sp.arr(B * T * H), tcs: sp.arr(B * T * H), hs: sp.arr(B * T * H),
    };
    return { work, cn: lstmForwardKernel(work, w.bIh.data, w.bHh.data, sp, prepared) };
  };
  const sp = spaceFor(dtype, fwdFloats + bwdFloats);
  const { work, cn } = forwardIn(sp);
  const out = new Tensor(sp.keep(work.hs), [B, T, H]);
  const hn = lastStep(out.data, B, T, H, dtype);
  const c = new Tensor(sp.keep(cn), [B, H]);
  const inputs = [x, w.wIh, w.wHh, w.bIh, w.bHh, ...(h0 !== null ? [h0] : []), ...(c0 !== null ? [c0] : [])];
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return { out, h: hn, c };
  const token = sp.checkpoint();
  record('lstm', inputs, [out, hn, c], (gs) => {
    if (isGradEnabled()) {
      // Second order: differentiate the primitive-op version of the same forward.
      return secondOrderRule(() => {
        const re = lstmComposite(x, w, h0, c0);
        return [re.out, re.h, re.c!];
      }, inputs, gs);
    }
    // Usually the scratch space of this forward is intact (nothing ran in between); if another
    // kernel reused it, the forward is recomputed there instead of having been copied out.
    let bsp = token !== null ? resumeSpace(token) : null;
    let inSpace = work;
    if (bsp === null) {
      bsp = spaceFor(dtype, fwdFloats + bwdFloats);
      if (token !== null) inSpace = forwardIn(bsp).work;
    }
    const take = (d: Data | null): Data | null => (d === null ? null : bsp.take(d));
    const r = lstmBackwardKernel(inSpace, take(gs[0]?.data ?? null), gs[1]?.data ?? null, gs[2]?.data ?? null, x.requiresGrad, bsp);
    const res: (Tensor | null)[] = [
      r.dx !== null ? new Tensor(r.dx, x.shape) : null,
      new Tensor(r.dWih, w.wIh.shape),
      new Tensor(r.dWhh, w.wHh.shape),
      new Tensor(r.db, w.bIh.shape),
      new Tensor(r.db.slice(), w.bHh.shape),
    ];
    if (h0 !== null) res.push(new Tensor(r.dh0, h0.shape));
    if (c0 !== null) res.push(new Tensor(r.dc0, c0.shape));
    return res;
  });
  return { out, h: hn, c };
}

/**
 * torch.nn.LSTM(batch_first=True): `forward(x)` returns the hidden sequence [B, T, H];
 * `run(x, state)` also returns the final states for step-by-step use (policies).
 */
export class Lstm extends RecurrentStack implements Layer {
  constructor(inputSize: number, hiddenSize: number, opts: RnnOptions) {
    super(inputSize, hiddenSize, 4, opts);
  }

  /** x [B, T, F] -> hidden sequence of the top layer [B, T, H]. */
  forward(x: Tensor): Tensor {
    return this.run(x).out;
  }

  /** Full run from optional per-layer states; returns the top sequence and every layer's final (h, c). */
  run(x: Tensor, state: { h: Tensor[]; c: Tensor[] } | null = null): { out: Tensor; h: Tensor[]; c: Tensor[] } {
    let inp = x;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    this.layers.forEach((w, l) => {
      const r = lstm(this.layerInput(inp, l), w, state?.h[l] ?? null, state?.c[l] ?? null);
      inp = r.out;
      hs.push(r.h);
      cs.push(r.c!);
    });
    return { out: inp, h: hs, c: cs };
  }
}
