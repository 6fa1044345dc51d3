/**
 * Dense layer, activations, dropout and the last-time-step pick, as modules usable in
 * `Sequential`. Initialisation follows torch's defaults so results are comparable.
 */
import type { Rng } from '../../core/rng.ts';
import { BadInputError } from '../../core/errors.ts';
import { Module, type Layer } from './module.ts';
import { add, matmul, mul, relu, reshape, select, sigmoid, tanh } from './ops.ts';
import { type DType, type Tensor, fmtShape, uniform, zeros } from './tensor.ts';

/** Options shared by layers that create parameters. */
export interface InitOptions {
  /** Seeded generator for the initial weights. */
  rng: Rng;
  /** Parameter dtype (default float64). */
  dtype?: DType;
}

/** y = x Wᵀ + b over the last axis (torch.nn.Linear; W is [out, in]). */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null): Tensor {
  const inF = weight.shape[1]!;
  if (x.shape[x.ndim - 1] !== inF) throw new BadInputError(`linear: input ${fmtShape(x.shape)} does not end in ${inF} features`);
  const x2 = x.ndim === 2 ? x : reshape(x, [-1, inF]);
  let y = matmul(x2, weight, { transB: true });
  if (bias !== null) y = add(y, bias);
  return x.ndim === 2 ? y : reshape(y, [...x.shape.slice(0, -1), weight.shape[0]!]);
}

/** Fully connected layer; weights and bias ~ U(-1/sqrt(in), 1/sqrt(in)) as torch. */
export class Linear extends Module implements Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: InitOptions & { bias?: boolean },
  ) {
    super();
    const k = 1 / Math.sqrt(inFeatures);
    this.weight = this.addParam('weight', uniform([outFeatures, inFeatures], opts.rng, -k, k, opts.dtype));
    this.bias = (opts.bias ?? true) ? this.addParam('bias', uniform([outFeatures], opts.rng, -k, k, opts.dtype)) : null;
  }

  /** x [..., in] -> [..., out]. */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}

/** Elementwise activation as a layer. */
export class Activation extends Module implements Layer {
  constructor(readonly kind: 'relu' | 'tanh' | 'sigmoid') {
    super();
  }
  /** Applies the activation. */
  forward(x: Tensor): Tensor {
    return this.kind === 'relu' ? relu(x) : this.kind === 'tanh' ? tanh(x) : sigmoid(x);
  }
}

/**
 * Inverted dropout (torch semantics): in training, zeroes each element with probability p
 * and scales the rest by 1/(1-p); identity in eval mode.
 */
export function dropout(x: Tensor, p: number, rng: Rng, training = true): Tensor {
  if (p < 0 || p >= 1) throw new BadInputError(`dropout: p must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  const mask = zeros(x.shape, x.dtype);
  const keep = 1 / (1 - p);
  for (let i = 0; i < mask.size; i++) mask.data[i] = rng.next() < p ? 0 : keep;
  return mul(x, mask);
}

/** Dropout layer with its own seeded generator. */
export class Dropout extends Module implements Layer {
  constructor(
    readonly p: number,
    private readonly rng: Rng,
  ) {
    super();
    if (p < 0 || p >= 1) throw new BadInputError(`Dropout: p must be in [0, 1), got ${p}`);
  }
  /** Drops in training mode only. */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.rng, this.training);
  }
}

/** [B, T, H] -> [B, H]: the last time step (what a sequence-to-one head reads). */
export class LastStep extends Module implements Layer {
  /** Selects t = T-1. */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 3) throw new BadInputError(`LastStep: needs [batch, time, features], got ${fmtShape(x.shape)}`);
    return select(x, 1, -1);
  }
}

