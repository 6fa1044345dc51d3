/**
 * Optimisers with torch's update rules (same operation order, so trajectories match to
 * rounding) and gradient clipping by global norm. Updates run in place on parameter buffers.
 */
import { BadInputError } from '../../core/errors.ts';
import { type Data, type Tensor, alloc } from './tensor.ts';

/** Common optimiser surface. */
export interface Optimizer {
  /** Applies one update from the parameters' current `.grad`. */
  step(): void;
  /** Clears the parameters' gradients. */
  zeroGrad(): void;
}

/** Options of `Adam` (torch.optim.Adam; `decoupled` gives AdamW's weight decay). */
export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  decoupled?: boolean;
}

/** Adam with bias correction, torch 1.13 semantics (L2 weight decay added to the gradient). */
export class Adam implements Optimizer {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  private readonly m: Data[];
  private readonly v: Data[];
  private t = 0;

  constructor(
    readonly params: readonly Tensor[],
    opts: AdamOptions = {},
  ) {
    this.lr = opts.lr ?? 1e-3;
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.decoupled = opts.decoupled ?? false;
    if (!(this.lr >= 0) || !(this.eps >= 0) || !(this.beta1 >= 0 && this.beta1 < 1) || !(this.beta2 >= 0 && this.beta2 < 1)) {
      throw new BadInputError(`Adam: invalid options lr=${this.lr} betas=[${this.beta1}, ${this.beta2}] eps=${this.eps}`);
    }
    this.m = params.map((p) => alloc(p.dtype, p.size));
    this.v = params.map((p) => alloc(p.dtype, p.size));
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /** One Adam update of every parameter that has a gradient. */
  step(): void {
    this.t++;
    const { beta1: b1, beta2: b2, eps, lr, weightDecay: wd } = this;
    const bc1 = 1 - Math.pow(b1, this.t);
    const bc2 = 1 - Math.pow(b2, this.t);
    const stepSize = lr / bc1;
    const bc2Sqrt = Math.sqrt(bc2);
    this.params.forEach((p, k) => {
      if (p.grad === null) return;
      const P = p.data;
      const G = p.grad.data;
      const M = this.m[k]!;
      const V = this.v[k]!;
      const n = p.size;
      if (this.decoupled && wd !== 0) for (let i = 0; i < n; i++) P[i] = P[i]! * (1 - lr * wd);
      const l2 = this.decoupled ? 0 : wd;
      for (let i = 0; i < n; i++) {
        const g = l2 !== 0 ? G[i]! + l2 * P[i]! : G[i]!;
        // Same order of operations as torch's single-tensor Adam.
        M[i] = M[i]! * b1 + g * (1 - b1);
        V[i] = V[i]! * b2 + (1 - b2) * g * g;
        const denom = Math.sqrt(V[i]!) / bc2Sqrt + eps;
        P[i] = P[i]! + -stepSize * (M[i]! / denom);
      }
    });
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }
}

/** Options of `Sgd` (torch.optim.SGD). */
export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/** Stochastic gradient descent with momentum, dampening, Nesterov and L2 decay as torch. */
export class Sgd implements Optimizer {
  private readonly buf: (Data | null)[];
  constructor(
    readonly params: readonly Tensor[],
    readonly opts: SgdOptions,
  ) {
    if (!(opts.lr >= 0)) throw new BadInputError(`Sgd: lr must be >= 0, got ${opts.lr}`);
    if (opts.nesterov && (!(opts.momentum! > 0) || (opts.dampening ?? 0) !== 0)) throw new BadInputError('Sgd: nesterov needs momentum > 0 and zero dampening');
    this.buf = params.map(() => null);
  }

  /** One SGD update. */
  step(): void {
    const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false } = this.opts;
    this.params.forEach((p, k) => {
      if (p.grad === null) return;
      const P = p.data;
      const G = p.grad.data;
      const n = p.size;
      let B = this.buf[k]!;
      const first = B === null;
      if (momentum !== 0 && first) B = this.buf[k] = alloc(p.dtype, n);
      for (let i = 0; i < n; i++) {
        let g = weightDecay !== 0 ? G[i]! + weightDecay * P[i]! : G[i]!;
        if (momentum !== 0) {
          B![i] = first ? g : B![i]! * momentum + (1 - dampening) * g;
          g = nesterov ? g + momentum * B![i]! : B![i]!;
        }
        P[i] = P[i]! - lr * g;
      }
    });
  }

  /** Clears every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }
}

/**
 * Scales gradients in place so their global L2 norm is at most `maxNorm`
 * (torch.nn.utils.clip_grad_norm_, including its 1e-6 guard). Returns the norm before clipping.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  let ss = 0;
  for (const p of params) {
    if (p.grad === null) continue;
    const G = p.grad.data;
    for (let i = 0; i < G.length; i++) ss += G[i]! * G[i]!;
  }
  const norm = Math.sqrt(ss);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const p of params) {
      if (p.grad === null) continue;
      const G = p.grad.data;
      for (let i = 0; i < G.length; i++) G[i] = G[i]! * coef;
    }
  }
  return norm;
}
