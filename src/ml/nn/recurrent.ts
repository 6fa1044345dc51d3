/**
 * What the LSTM and GRU share: torch-layout weights and their shape checks, the helpers of
 * their fused ops (final step, previous-hidden matrix, second-order rule) and the stacked
 * module with torch's parameter names and inter-layer dropout.
 */
import type { Rng } from '../../core/rng.ts';
import { BadInputError } from '../../core/errors.ts';
import { grad } from './autograd.ts';
import { dropout, type InitOptions } from './layers.ts';
import { Module } from './module.ts';
import type { Space } from './space.ts';
import { type Data, type DType, type Tensor, fmtShape, uniform, zeros } from './tensor.ts';

/** One recurrent layer's parameters in torch layout: W_ih [gates·H, F], W_hh [gates·H, H], biases [gates·H]. */
export interface RecurrentWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor;
  bHh: Tensor;
}

/** Output of a recurrent op: the hidden sequence [B, T, H], the final h [B, H] and (LSTM) c. */
export interface RnnResult {
  out: Tensor;
  h: Tensor;
  c: Tensor | null;
}

/** Options of `Lstm` and `Gru`. */
export interface RnnOptions extends InitOptions {
  /** Stacked layers (torch num_layers). */
  numLayers?: number;
  /** Dropout between stacked layers in training (torch dropout), drawn from `rng`. */
  dropout?: number;
}

/** Validates x [B, T, F], the weights for `gates` gates and the initial states; returns the sizes. */
export function checkRecurrent(op: string, x: Tensor, w: RecurrentWeights, gates: number, states: readonly [string, Tensor | null][]): { B: number; T: number; F: number; H: number } {
  if (x.ndim !== 3) throw new BadInputError(`${op}: input must be [batch, time, features], got ${fmtShape(x.shape)}`);
  const [B, T, F] = x.shape as [number, number, number];
  if (B < 1 || T < 1) throw new BadInputError(`${op}: needs at least one sequence and one step, got ${fmtShape(x.shape)}`);
  const H = w.wHh.shape[1]!;
  if (w.wIh.shape[0] !== gates * H || w.wIh.shape[1] !== F) throw new BadInputError(`${op}: weight_ih ${fmtShape(w.wIh.shape)} does not fit input features ${F} and hidden ${H}`);
  if (w.wHh.shape[0] !== gates * H) throw new BadInputError(`${op}: weight_hh ${fmtShape(w.wHh.shape)} is not [${gates}*H, H]`);
  for (const [name, s] of states) {
    if (s !== null && (s.ndim !== 2 || s.shape[0] !== B || s.shape[1] !== H)) throw new BadInputError(`${op}: ${name} must be [${B}, ${H}], got ${fmtShape(s.shape)}`);
  }
  for (const t of [w.wIh, w.wHh, w.bIh, w.bHh, ...states.map(([, s]) => s)]) if (t !== null && t.dtype !== x.dtype) throw new BadInputError(`${op}: all tensors must be ${x.dtype}`);
  return { B, T, F, H };
}

/** The last step of a hidden sequence hs [B, T, H] as a new [B, H] tensor. */
export function lastStep(hs: Data, B: number, T: number, H: number, dtype: DType): Tensor {
  const hn = zeros([B, H], dtype);
  for (let b = 0; b < B; b++) hn.data.set(hs.subarray((b * T + T - 1) * H, (b * T + T) * H), b * H);
  return hn;
}

/** [B*T, H] rows h_{t-1} for every (b, t): h0 (or zeros) at t = 0, else hs shifted by one step. */
export function previousHidden(hs: Data, h0: Data | null, B: number, T: number, H: number, sp: Space): Data {
  const hPrev = sp.arr(B * T * H);
  for (let b = 0; b < B; b++) {
    if (h0 !== null) hPrev.set(h0.subarray(b * H, (b + 1) * H), b * T * H);
    hPrev.set(hs.subarray(b * T * H, (b * T + T - 1) * H), (b * T + 1) * H);
  }
  return hPrev;
}

/**
 * Second-order backward rule of a fused op: differentiate `composite()` (the same function
 * built from primitive ops, recorded) with the incoming gradients, keeping the graph.
 */
export function secondOrderRule(composite: () => Tensor[], inputs: readonly Tensor[], gs: readonly (Tensor | null)[]): (Tensor | null)[] {
  const outs = composite();
  const keep = outs.map((_, k) => k).filter((k) => gs[k] !== null);
  const g = grad(keep.map((k) => outs[k]!), inputs, { gradOutputs: keep.map((k) => gs[k]!), createGraph: true, allowUnused: true });
  return inputs.map((t, k) => (t.requiresGrad ? g[k]! : null));
}

/**
 * Stacked recurrent layers with torch's parameter names (weight_ih_l0, ...) and init
 * U(-1/sqrt(H), 1/sqrt(H)); subclasses run one layer.
 */
export abstract class RecurrentStack extends Module {
  readonly layers: RecurrentWeights[] = [];
  readonly numLayers: number;
  readonly dropoutP: number;
  private readonly rng: Rng;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    gates: number,
    opts: RnnOptions,
  ) {
    super();
    this.numLayers = opts.numLayers ?? 1;
    this.dropoutP = opts.dropout ?? 0;
    this.rng = opts.rng;
    const k = 1 / Math.sqrt(hiddenSize);
    for (let l = 0; l < this.numLayers; l++) {
      const inF = l === 0 ? inputSize : hiddenSize;
      const u = (shape: number[]): Tensor => uniform(shape, opts.rng, -k, k, opts.dtype);
      this.layers.push({
        wIh: this.addParam(`weight_ih_l${l}`, u([gates * hiddenSize, inF])),
        wHh: this.addParam(`weight_hh_l${l}`, u([gates * hiddenSize, hiddenSize])),
        bIh: this.addParam(`bias_ih_l${l}`, u([gates * hiddenSize])),
        bHh: this.addParam(`bias_hh_l${l}`, u([gates * hiddenSize])),
      });
    }
  }

  /** Input of layer `l`: the previous layer's output, with dropout between layers in training. */
  protected layerInput(inp: Tensor, l: number): Tensor {
    return l > 0 && this.dropoutP > 0 ? dropout(inp, this.dropoutP, this.rng, this.training) : inp;
  }
}
