/**
 * LSTM actor-critic: an LSTM over the observation stream (input = observation, hidden 32 by
 * default) with a policy head (action logits) and a value head. The forward pass is written
 * against an explicit parameter list so MAML can run it with adapted (non-leaf) parameters.
 */
import type { Rng } from '../../core/rng.ts';
import { type Data, type DType, Linear, Lstm, type LstmPrepared, Module, Tensor, alloc, linear, logSoftmax, lstm, noGrad, prepareLstm, reshape } from '../../ml/nn/index.ts';
import type { PolicySequence, PolicyStep, RecurrentPolicy } from './policy.ts';

/** Sizes of an LSTM policy. */
export interface LstmPolicyOptions {
  obsDim: number;
  numActions: number;
  hidden?: number;
  rng: Rng;
  dtype?: DType;
}

/** The eight parameter tensors in a fixed order: LSTM (wIh, wHh, bIh, bHh), policy head (w, b), value head (w, b). */
export type LstmPolicyParams = readonly Tensor[];

/** Sequence pass with explicit parameters; rows ordered (sequence, time). */
export function lstmPolicyForward(p: LstmPolicyParams, x: Tensor, h0: Tensor, c0: Tensor): { logits: Tensor; values: Tensor } {
  const [wIh, wHh, bIh, bHh, piW, piB, vW, vB] = p as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const [B, T] = x.shape as [number, number, number];
  const H = wHh.shape[1]!;
  const r = lstm(x, { wIh, wHh, bIh, bHh }, h0, c0);
  const flat = reshape(r.out, [B * T, H]);
  return { logits: linear(flat, piW, piB), values: reshape(linear(flat, vW, vB), [B * T]) };
}

/** Recurrent actor-critic with one LSTM layer. */
export class LstmPolicy extends Module implements RecurrentPolicy {
  readonly obsDim: number;
  readonly numActions: number;
  readonly hidden: number;
  readonly stateSize: number;
  readonly dtype: DType;
  readonly lstm: Lstm;
  readonly pi: Linear;
  readonly v: Linear;

  constructor(opts: LstmPolicyOptions) {
    super();
    this.obsDim = opts.obsDim;
    this.numActions = opts.numActions;
    this.hidden = opts.hidden ?? 32;
    this.dtype = opts.dtype ?? 'float32';
    this.stateSize = 2 * this.hidden;
    this.lstm = this.addChild('lstm', new Lstm(this.obsDim, this.hidden, { rng: opts.rng, dtype: this.dtype }));
    this.pi = this.addChild('pi', new Linear(this.hidden, this.numActions, { rng: opts.rng, dtype: this.dtype }));
    this.v = this.addChild('v', new Linear(this.hidden, 1, { rng: opts.rng, dtype: this.dtype }));
    // Small policy logits at the start: near-uniform actions, as in the PPO reference implementations.
    for (let i = 0; i < this.pi.weight.size; i++) this.pi.weight.data[i] = this.pi.weight.data[i]! * 0.01;
  }

  /** Parameters in `lstmPolicyForward` order. */
  orderedParams(): Tensor[] {
    const w = this.lstm.layers[0]!;
    return [w.wIh, w.wHh, w.bIh, w.bHh, this.pi.weight, this.pi.bias!, this.v.weight, this.v.bias!];
  }

  /** Sizes a worker needs to build an identical replica. */
  replicaSpec(): { obsDim: number; numActions: number; hidden: number; dtype: DType } {
    return { obsDim: this.obsDim, numActions: this.numActions, hidden: this.hidden, dtype: this.dtype };
  }

  /** Zero (h, c) for n envs. */
  initialState(n: number): Data {
    return alloc(this.dtype, n * this.stateSize);
  }

  /** Splits [n, 2H] state into h0 and c0 tensors. */
  splitState(state: Data, n: number): { h: Tensor; c: Tensor } {
    const H = this.hidden;
    const h = alloc(this.dtype, n * H);
    const c = alloc(this.dtype, n * H);
    // element loops: a subarray view per row costs more than copying its H values
    for (let i = 0; i < n; i++) {
      const s0 = i * 2 * H;
      for (let j = 0; j < H; j++) {
        h[i * H + j] = state[s0 + j]!;
        c[i * H + j] = state[s0 + H + j]!;
      }
    }
    return { h: new Tensor(h, [n, H]), c: new Tensor(c, [n, H]) };
  }

  /** One rollout step (no tape). */
  step(obs: Float32Array, n: number, state: Data, params: LstmPolicyParams = this.orderedParams()): PolicyStep {
    return this.stepPrepared(obs, n, state, params, null);
  }

  /** `step` with the weights as they are now, transposed once: valid until the weights change (one rollout). */
  stepper(): (obs: Float32Array, n: number, state: Data) => PolicyStep {
    const params = this.orderedParams();
    const [wIh, wHh, bIh, bHh] = params as [Tensor, Tensor, Tensor, Tensor];
    const prepared = prepareLstm({ wIh, wHh, bIh, bHh });
    return (obs, n, state) => this.stepPrepared(obs, n, state, params, prepared);
  }

  private stepPrepared(obs: Float32Array, n: number, state: Data, params: LstmPolicyParams, prepared: LstmPrepared | null): PolicyStep {
    return noGrad(() => {
      const H = this.hidden;
      const A = this.numActions;
      const x = alloc(this.dtype, n * this.obsDim);
      x.set(obs.subarray(0, n * this.obsDim));
      const { h, c } = this.splitState(state, n);
      const [wIh, wHh, bIh, bHh, piW, piB, vW, vB] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      const r = lstm(new Tensor(x, [n, 1, this.obsDim]), { wIh, wHh, bIh, bHh }, h, c, prepared);
      const hn = r.h;
      const logits = linear(hn, piW, piB).data;
      const values = linear(hn, vW, vB).data;
      const probs = new Float64Array(n * A);
      for (let i = 0; i < n; i++) {
        let m = -Infinity;
        for (let a = 0; a < A; a++) m = Math.max(m, logits[i * A + a]!);
        let s = 0;
        for (let a = 0; a < A; a++) s += probs[i * A + a] = Math.exp(logits[i * A + a]! - m);
        for (let a = 0; a < A; a++) probs[i * A + a] = probs[i * A + a]! / s;
      }
      const next = alloc(this.dtype, n * 2 * H);
      const hd = hn.data;
      const cd = r.c!.data;
      for (let i = 0; i < n; i++) {
        const s0 = i * 2 * H;
        for (let j = 0; j < H; j++) {
          next[s0 + j] = hd[i * H + j]!;
          next[s0 + H + j] = cd[i * H + j]!;
        }
      }
      return { probs, values: Float64Array.from(values), state: next };
    });
  }

  /** Sequence pass on the tape. */
  sequence(x: Tensor, state0: Data, params: LstmPolicyParams = this.orderedParams()): PolicySequence {
    const { h, c } = this.splitState(state0, x.shape[0]!);
    const { logits, values } = lstmPolicyForward(params, x, h, c);
    return { logProbs: logSoftmax(logits), values };
  }
}
