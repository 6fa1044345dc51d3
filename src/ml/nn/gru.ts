/**
 * GRU over a batch-first sequence with torch's gate order (r, z, n) and formulation
 * n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) n + z h. Fused like the LSTM:
 * one GEMM for every step's input projection, one per step for the recurrence, a
 * hand-written backward kernel, and a primitive-op re-derivation for second derivatives.
 */
import { transposeInto } from './gemm.ts';
import type { Layer } from './module.ts';
import { add, addScalar, matmul, mul, narrow, neg, reshape, select, sigmoid, stack, tanh } from './ops.ts';
import { type RecurrentWeights, type RnnOptions, type RnnResult, RecurrentStack, checkRecurrent, lastStep, previousHidden, secondOrderRule } from './recurrent.ts';
import { type Space, spaceFor } from './space.ts';
import { type Data, Tensor, alloc, isGradEnabled, record, zeros } from './tensor.ts';

/** The four parameters of one GRU layer (torch layout: W_ih [3H, F], W_hh [3H, H]). */
export type GruWeights = RecurrentWeights;

function checkShapes(x: Tensor, w: GruWeights, h0: Tensor | null): { B: number; T: number; F: number; H: number } {
  return checkRecurrent('gru', x, w, 3, [['h0', h0]]);
}

interface GruSaved {
  B: number;
  T: number;
  F: number;
  H: number;
  x: Data;
  wIh: Data;
  wHh: Data;
  h0: Data | null;
  act: Data; // [B*T, 3H]: r, z, n activations
  ghn: Data; // [B*T, H]: W_hn h + b_hn
  hs: Data; // [B*T, H]
}

function gruForwardKernel(s: GruSaved, bIh: Data, bHh: Data, sp: Space): void {
  const { B, T, F, H, x, h0, act, ghn, hs } = s;
  const G = 3 * H;
  const wIhT = transposeInto(s.wIh, G, F, sp.arr(F * G));
  const wHhT = transposeInto(s.wHh, G, H, sp.arr(H * G));
  const gx = act; // input projections are overwritten by activations step by step
  for (let r = 0; r < B * T; r++) gx.set(bIh, r * G);
  sp.nn(B * T, G, F, x, 0, F, wIhT, 0, G, gx, 0, G);
  const gh = sp.arr(B * G);
  const cell = H % 4 === 0 ? sp.gruCell : null;
  const zeroH = sp.arr(H);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) gh.set(bHh, b * G);
    if (t > 0) sp.nn(B, G, H, hs, (t - 1) * H, T * H, wHhT, 0, G, gh, 0, G);
    else if (h0 !== null) sp.nn(B, G, H, h0, 0, H, wHhT, 0, G, gh, 0, G);
    if (cell !== null) {
      for (let b = 0; b < B; b++) {
        const r = b * T + t;
        const hpArr = (t > 0 ? hs : (h0 ?? zeroH)) as Float32Array;
        cell(H, gx as Float32Array, r * G, gh as Float32Array, b * G, hpArr, t > 0 ? r * H - H : h0 !== null ? b * H : 0, ghn as Float32Array, hs as Float32Array, r * H);
      }
      continue;
    }
    for (let b = 0; b < B; b++) {
      const r = b * T + t;
      const go = r * G;
      const ho = r * H;
      const hb = b * G;
      for (let j = 0; j < H; j++) {
        const rg = 1 / (1 + Math.exp(-(gx[go + j]! + gh[hb + j]!)));
        const z = 1 / (1 + Math.exp(-(gx[go + H + j]! + gh[hb + H + j]!)));
        const hn = gh[hb + 2 * H + j]!;
        const n = Math.tanh(gx[go + 2 * H + j]! + rg * hn);
        const hp = t > 0 ? hs[ho - H + j]! : h0 !== null ? h0[b * H + j]! : 0;
        act[go + j] = rg;
        act[go + H + j] = z;
        act[go + 2 * H + j] = n;
        ghn[ho + j] = hn;
        hs[ho + j] = (1 - z) * n + z * hp;
      }
    }
  }
}

function gruBackwardKernel(s: GruSaved, dOut: Data | null, dHn: Data | null, needDx: boolean, sp: Space) {
  const { B, T, F, H, x, h0, act, ghn, hs } = s;
  const G = 3 * H;
  const dtype = x instanceof Float64Array ? 'float64' : 'float32';
  const dGX = sp.arr(B * T * G);
  const dGH = sp.arr(B * T * G);
  const dh = sp.arr(B * H);
  if (dHn !== null) dh.set(dHn);
  const direct = sp.arr(B * H);
  const back = H % 4 === 0 ? sp.gruCellBack : null;
  const zeroRow = back !== null && (dOut === null || h0 === null) ? sp.arr(Math.max(B * T * H, B * H)) : null;
  for (let t = T - 1; t >= 0; t--) {
    if (back !== null) {
      for (let b = 0; b < B; b++) {
        const r = b * T + t;
        const hpArr = (t > 0 ? hs : (h0 ?? zeroRow)) as Float32Array;
        back(H, act as Float32Array, r * G, ghn as Float32Array, r * H, hpArr, t > 0 ? r * H - H : b * H, dh as Float32Array, (dOut ?? zeroRow) as Float32Array, dGX as Float32Array, dGH as Float32Array, direct as Float32Array, b * H);
      }
      dh.set(direct);
      sp.nn(B, H, G, dGH, t * G, T * G, s.wHh, 0, H, dh, 0, H);
      continue;
    }
    for (let b = 0; b < B; b++) {
      const r = b * T + t;
      const go = r * G;
      const ho = r * H;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const dhv = dh[k]! + (dOut !== null ? dOut[ho + j]! : 0);
        const rg = act[go + j]!, z = act[go + H + j]!, n = act[go + 2 * H + j]!;
        const hp = t > 0 ? hs[ho - H + j]! : h0 !== null ? h0[k]! : 0;
        const dan = dhv * (1 - z) * (1 - n * n);
        const daz = dhv * (hp - n) * z * (1 - z);
        const dar = dan * ghn[ho + j]! * rg * (1 - rg);
        dGX[go + j] = dar;
        dGX[go + H + j] = daz;
        dGX[go + 2 * H + j] = dan;
        dGH[go + j] = dar;
        dGH[go + H + j] = daz;
        dGH[go + 2 * H + j] = dan * rg;
        direct[k] = dhv * z;
      }
    }
    dh.set(direct);
    sp.nn(B, H, G, dGH, t * G, T * G, s.wHh, 0, H, dh, 0, H);
  }
  const hPrev = previousHidden(hs, h0, B, T, H, sp);
  const dWihT = sp.arr(F * G);
  sp.tn(F, G, B * T, x, 0, F, dGX, 0, G, dWihT, 0, G);
  const dWhhT = sp.arr(H * G);
  sp.tn(H, G, B * T, hPrev, 0, H, dGH, 0, G, dWhhT, 0, G);
  const dbIh = alloc(dtype, G);
  const dbHh = alloc(dtype, G);
  for (let r = 0; r < B * T; r++) {
    for (let j = 0; j < G; j++) {
      dbIh[j] += dGX[r * G + j]!;
      dbHh[j] += dGH[r * G + j]!;
    }
  }
  let dx: Data | null = null;
  if (needDx) {
    dx = sp.arr(B * T * F);
    sp.nn(B * T, F, G, dGX, 0, G, s.wIh, 0, F, dx, 0, F);
    dx = sp.keep(dx);
  }
  return { dx, dWih: transposeInto(dWihT, F, G, alloc(dtype, G * F)), dWhh: transposeInto(dWhhT, H, G, alloc(dtype, G * H)), dbIh, dbHh, dh0: sp.keep(dh) };
}

/** The same GRU written with primitive ops (second-order backward rule and independent check). */
export function gruComposite(x: Tensor, w: GruWeights, h0: Tensor | null = null): RnnResult {
  const { B, T, F, H } = checkShapes(x, w, h0);
  const gx = reshape(add(matmul(reshape(x, [B * T, F]), w.wIh, { transB: true }), w.bIh), [B, T, 3 * H]);
  let h = h0 ?? zeros([B, H], x.dtype);
  const outs: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const xt = select(gx, 1, t);
    const gh = add(matmul(h, w.wHh, { transB: true }), w.bHh);
    const r = sigmoid(add(narrow(xt, 1, 0, H), narrow(gh, 1, 0, H)));
    const z = sigmoid(add(narrow(xt, 1, H, H), narrow(gh, 1, H, H)));
    const n = tanh(add(narrow(xt, 1, 2 * H, H), mul(r, narrow(gh, 1, 2 * H, H))));
    h = add(mul(addScalar(neg(z), 1), n), mul(z, h));
    outs.push(h);
  }
  return { out: stack(outs, 1), h, c: null };
}

/** Fused GRU over x [B, T, F] from h0 (zeros when null): hidden sequence [B, T, H] and final h. */
export function gru(x: Tensor, w: GruWeights, h0: Tensor | null = null): RnnResult {
  const { B, T, F, H } = checkShapes(x, w, h0);
  const dtype = x.dtype;
  const G = 3 * H;
  const sp = spaceFor(dtype, B * T * (F + G + 2 * H) + G * (F + H) + B * (G + H) + H);
  const work: GruSaved = {
    B, T, F, H,
    x: sp.take(x.data), wIh: w.wIh.data, wHh: w.wHh.data, h0: h0 !== null ? sp.take(h0.data) : null,
    act: sp.arr(B * T * G), ghn: sp.arr(B * T * H), hs: sp.arr(B * T * H),
  };
  gruForwardKernel(work, w.bIh.data, w.bHh.data, sp);
  const saved: GruSaved = { ...work, x: x.data, h0: h0?.data ?? null, act: sp.keep(work.act), ghn: sp.keep(work.ghn), hs: sp.keep(work.hs) };
  const out = new Tensor(saved.hs, [B, T, H]);
  const hn = lastStep(saved.hs, B, T, H, dtype);
  const inputs = [x, w.wIh, w.wHh, w.bIh, w.bHh, ...(h0 !== null ? [h0] : [])];
  record('gru', inputs, [out, hn], (gs) => {
    if (isGradEnabled()) {
      // Second order: differentiate the primitive-op version of the same forward.
      return secondOrderRule(() => {
        const re = gruComposite(x, w, h0);
        return [re.out, re.h];
      }, inputs, gs);
    }
    const bsp = spaceFor(dtype, B * T * (2 * F + 3 * G + 5 * H) + 2 * G * (F + H) + 4 * B * H);
    const inSpace: GruSaved = {
      ...saved,
      x: bsp.take(saved.x), wIh: bsp.take(saved.wIh), wHh: bsp.take(saved.wHh), h0: saved.h0 !== null ? bsp.take(saved.h0) : null,
      act: bsp.take(saved.act), ghn: bsp.take(saved.ghn), hs: bsp.take(saved.hs),
    };
    const r = gruBackwardKernel(inSpace, gs[0] !== null ? bsp.take(gs[0]!.data) : null, gs[1]?.data ?? null, x.requiresGrad, bsp);
    const res: (Tensor | null)[] = [
      r.dx !== null ? new Tensor(r.dx, x.shape) : null,
      new Tensor(r.dWih, w.wIh.shape),
      new Tensor(r.dWhh, w.wHh.shape),
      new Tensor(r.dbIh, w.bIh.shape),
      new Tensor(r.dbHh, w.bHh.shape),
    ];
    if (h0 !== null) res.push(new Tensor(r.dh0, h0.shape));
    return res;
  });
  return { out, h: hn, c: null };
}

/** torch.nn.GRU(batch_first=True): `forward(x)` gives the hidden sequence; `run` also the final states. */
export class Gru extends RecurrentStack implements Layer {
  constructor(inputSize: number, hiddenSize: number, opts: RnnOptions) {
    super(inputSize, hiddenSize, 3, opts);
  }

  /** x [B, T, F] -> hidden sequence of the top layer [B, T, H]. */
  forward(x: Tensor): Tensor {
    return this.run(x).out;
  }

  /** Full run from optional per-layer initial states; returns the top sequence and each layer's final h. */
  run(x: Tensor, state: { h: Tensor[] } | null = null): { out: Tensor; h: Tensor[] } {
    let inp = x;
    const hs: Tensor[] = [];
    this.layers.forEach((w, l) => {
      const r = gru(this.layerInput(inp, l), w, state?.h[l] ?? null);
      inp = r.out;
      hs.push(r.h);
    });
    return { out: inp, h: hs };
  }
}
