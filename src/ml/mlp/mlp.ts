/**
 * A classic multilayer perceptron over Float64Array with hand-written
 * backpropagation and Adam: dense layers, ReLU or tanh hidden units, a sigmoid
 * (binary cross-entropy), softmax (cross-entropy) or linear (squared error)
 * output. Weights of layer l are row-major [out x in]. Deterministic for a seed.
 */
import { BadInputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { Matrix } from '../data.ts';

/** Network shape and training settings. */
export interface MlpParams {
  hidden: number[];
  activation: 'relu' | 'tanh';
  output: 'sigmoid' | 'softmax' | 'linear';
  /** Classes for softmax. */
  numClass?: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on weights (not biases), added as l2/2 |W|^2 per batch mean loss. */
  l2: number;
  seed: number;
}

/** Defaults: one hidden layer of 32 ReLU units, Adam 1e-3. */
export const DEFAULT_MLP: MlpParams = { hidden: [32], activation: 'relu', output: 'sigmoid', epochs: 50, batchSize: 64, learningRate: 1e-3, l2: 1e-4, seed: 0 };

/** A network's parameters. */
export interface MlpModel {
  readonly kind: 'mlp';
  readonly sizes: number[];
  readonly activation: 'relu' | 'tanh';
  readonly output: 'sigmoid' | 'softmax' | 'linear';
  readonly weights: Float64Array[];
  readonly biases: Float64Array[];
}

/** Random initialisation (He for ReLU, Glorot for tanh), biases zero. */
export function initMlp(sizes: number[], activation: MlpModel['activation'], output: MlpModel['output'], rng: Rng): MlpModel {
  const weights: Float64Array[] = [];
  const biases: Float64Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const fanIn = sizes[l]!;
    const fanOut = sizes[l + 1]!;
    const sd = activation === 'relu' && l + 2 < sizes.length ? Math.sqrt(2 / fanIn) : Math.sqrt(2 / (fanIn + fanOut));
    weights.push(Float64Array.from({ length: fanIn * fanOut }, () => rng.normal() * sd));
    biases.push(new Float64Array(fanOut));
  }
  return { kind: 'mlp', sizes, activation, output, weights, biases };
}

/** Scratch buffers for one batch size. */
interface Work {
  acts: Float64Array[];
  deltas: Float64Array[];
}

function work(m: MlpModel, b: number): Work {
  return { acts: m.sizes.map((s) => new Float64Array(b * s)), deltas: m.sizes.map((s) => new Float64Array(b * s)) };
}

/** Forward pass of `b` rows already in acts[0] (row-major); returns the output activations. */
function forward(m: MlpModel, w: Work, b: number): Float64Array {
  const L = m.weights.length;
  for (let l = 0; l < L; l++) {
    const nin = m.sizes[l]!;
    const nout = m.sizes[l + 1]!;
    const A = w.acts[l]!;
    const Z = w.acts[l + 1]!;
    const W = m.weights[l]!;
    const B = m.biases[l]!;
    const last = l === L - 1;
    for (let r = 0; r < b; r++) {
      for (let o = 0; o < nout; o++) {
        let s = B[o]!;
        const wo = o * nin;
        const ar = r * nin;
        for (let i = 0; i < nin; i++) s += W[wo + i]! * A[ar + i]!;
        Z[r * nout + o] = last ? s : m.activation === 'relu' ? (s > 0 ? s : 0) : Math.tanh(s);
      }
      if (last) {
        const zr = r * nout;
        if (m.output === 'sigmoid') for (let o = 0; o < nout; o++) Z[zr + o] = 1 / (1 + Math.exp(-Z[zr + o]!));
        else if (m.output === 'softmax') {
          let mx = -Infinity;
          for (let o = 0; o < nout; o++) mx = Math.max(mx, Z[zr + o]!);
          let sum = 0;
          for (let o = 0; o < nout; o++) sum += Z[zr + o] = Math.exp(Z[zr + o]! - mx);
          for (let o = 0; o < nout; o++) Z[zr + o] = Z[zr + o]! / sum;
        }
      }
    }
  }
  return w.acts[L]!;
}

/**
 * Mean loss over the batch (plus the L2 term) and its gradients, accumulated
 * into gW/gB (which are overwritten). `y` holds the batch targets: 0/1, class
 * index, or value.
 */
function lossGrad(m: MlpModel, w: Work, b: number, y: ArrayLike<number>, l2: number, gW: Float64Array[], gB: Float64Array[]): number {
  const L = m.weights.length;
  const out = forward(m, w, b);
  const nout = m.sizes[L]!;
  const D = w.deltas[L]!;
  let loss = 0;
  for (let r = 0; r < b; r++) {
    const t = y[r]!;
    for (let o = 0; o < nout; o++) {
      const p = out[r * nout + o]!;
      if (m.output === 'sigmoid') {
        loss -= t === 1 ? Math.log(Math.max(p, 1e-300)) : Math.log(Math.max(1 - p, 1e-300));
        D[r * nout + o] = (p - t) / b;
      } else if (m.output === 'softmax') {
        if (o === t) loss -= Math.log(Math.max(p, 1e-300));
        D[r * nout + o] = (p - (o === t ? 1 : 0)) / b;
      } else {
        loss += 0.5 * (p - t) ** 2;
        D[r * nout + o] = (p - t) / b;
      }
    }
  }
  loss /= b;
  for (let l = L - 1; l >= 0; l--) {
    const nin = m.sizes[l]!;
    const no = m.sizes[l + 1]!;
    const A = w.acts[l]!;
    const Dl = w.deltas[l + 1]!;
    const W = m.weights[l]!;
    const GW = gW[l]!;
    const GB = gB[l]!;
    GW.fill(0);
    GB.fill(0);
    for (let r = 0; r < b; r++) {
      for (let o = 0; o < no; o++) {
        const d = Dl[r * no + o]!;
        if (d === 0) continue;
        GB[o] += d;
        const wo = o * nin;
        const ar = r * nin;
        for (let i = 0; i < nin; i++) GW[wo + i] += d * A[ar + i]!;
      }
    }
    if (l2 > 0) {
      for (let i = 0; i < W.length; i++) {
        GW[i] += l2 * W[i]!;
        loss += 0.5 * l2 * W[i]! * W[i]!;
      }
    }
    if (l > 0) {
      // delta of the hidden layer below: W^T delta times the activation's derivative
      const Dp = w.deltas[l]!;
      for (let r = 0; r < b; r++) {
        for (let i = 0; i < nin; i++) {
          let s = 0;
          for (let o = 0; o < no; o++) s += W[o * nin + i]! * Dl[r * no + o]!;
          const a = A[r * nin + i]!;
          Dp[r * nin + i] = m.activation === 'relu' ? (a > 0 ? s : 0) : s * (1 - a * a);
        }
      }
    }
  }
  return loss;
}

function loadRows(X: Matrix, idx: ArrayLike<number>, from: number, b: number, dst: Float64Array): void {
  const p = X.cols;
  for (let r = 0; r < b; r++) {
    const i = idx[from + r]!;
    for (let j = 0; j < p; j++) dst[r * p + j] = X.data[j * X.rows + i]!;
  }
}

/** Loss and gradients on given rows (for gradient checks and custom loops). */
export function mlpLossAndGradients(m: MlpModel, X: Matrix, y: ArrayLike<number>, l2 = 0): { loss: number; gW: Float64Array[]; gB: Float64Array[] } {
  const w = work(m, X.rows);
  loadRows(X, Int32Array.from({ length: X.rows }, (_, i) => i), 0, X.rows, w.acts[0]!);
  const gW = m.weights.map((a) => new Float64Array(a.length));
  const gB = m.biases.map((a) => new Float64Array(a.length));
  const loss = lossGrad(m, w, X.rows, y, l2, gW, gB);
  return { loss, gW, gB };
}

/** Train with Adam on shuffled minibatches (rows are i.i.d. samples here; split by time outside). */
export function trainMlp(X: Matrix, y: ArrayLike<number>, params: Partial<MlpParams> = {}): MlpModel {
  const p: MlpParams = { ...DEFAULT_MLP, ...params };
  const n = X.rows;
  if (y.length !== n || n === 0) throw new BadInputError(`trainMlp: X has ${n} rows but y has ${y.length}`);
  const nOut = p.output === 'softmax' ? (p.numClass ?? 0) : 1;
  if (nOut < 1 || (p.output === 'softmax' && nOut < 2)) throw new BadInputError('trainMlp: softmax output needs numClass >= 2');
  const rng = new Rng(p.seed);
  const m = initMlp([X.cols, ...p.hidden, nOut], p.activation, p.output, rng);
  const bs = Math.min(p.batchSize, n);
  const w = work(m, bs);
  const gW = m.weights.map((a) => new Float64Array(a.length));
  const gB = m.biases.map((a) => new Float64Array(a.length));
  const params2 = [...m.weights, ...m.biases];
  const grads = [...gW, ...gB];
  const m1 = params2.map((a) => new Float64Array(a.length));
  const m2 = params2.map((a) => new Float64Array(a.length));
  const b1 = 0.9;
  const b2 = 0.999;
  const eps = 1e-8;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const yb = new Float64Array(bs);
  let step = 0;
  for (let e = 0; e < p.epochs; e++) {
    rng.shuffle(order);
    for (let from = 0; from + bs <= n; from += bs) {
      loadRows(X, order, from, bs, w.acts[0]!);
      for (let r = 0; r < bs; r++) yb[r] = y[order[from + r]!]!;
      lossGrad(m, w, bs, yb, p.l2, gW, gB);
      step++;
      const c1 = 1 - b1 ** step;
      const c2 = 1 - b2 ** step;
      for (let k = 0; k < params2.length; k++) {
        const P = params2[k]!;
        const G = grads[k]!;
        const M = m1[k]!;
        const V = m2[k]!;
        for (let i = 0; i < P.length; i++) {
          M[i] = b1 * M[i]! + (1 - b1) * G[i]!;
          V[i] = b2 * V[i]! + (1 - b2) * G[i]! * G[i]!;
          P[i] -= (p.learningRate * (M[i]! / c1)) / (Math.sqrt(V[i]! / c2) + eps);
        }
      }
    }
  }
  return m;
}

/** Outputs: P(y=1) (sigmoid), class probabilities group-major (softmax), or values (linear). */
export function mlpPredict(m: MlpModel, X: Matrix): Float64Array {
  if (X.cols !== m.sizes[0]) throw new BadInputError(`mlp expects ${m.sizes[0]} features, got ${X.cols}`);
  const nOut = m.sizes[m.sizes.length - 1]!;
  const out = new Float64Array(X.rows * nOut);
  const bs = 256;
  const w = work(m, bs);
  const idx = Int32Array.from({ length: X.rows }, (_, i) => i);
  for (let from = 0; from < X.rows; from += bs) {
    const b = Math.min(bs, X.rows - from);
    loadRows(X, idx, from, b, w.acts[0]!);
    const o = forward(m, w, b);
    for (let r = 0; r < b; r++) for (let k = 0; k < nOut; k++) out[k * X.rows + from + r] = o[r * nOut + k]!;
  }
  return out;
}
