/**
 * Mixture of experts as one recurrent actor-critic: four LSTM experts (trend-following,
 * mean-reversion, volatility, consolidation) and a gating network over the market-state
 * features of the latest bar (volatility, trend strength). The mixture's action distribution
 * is sum_k g_k(s) pi_k(a|s) and its value sum_k g_k(s) V_k(s); gradients reach the gate and
 * every expert, so PPO trains the whole mixture jointly.
 */
import type { Rng } from '../../core/rng.ts';
import {
  type Data, type DType, Linear, Module, Tensor, add, addScalar, alloc, exp, log, logSoftmax, mul, narrow, noGrad, reshape, tanh,
} from '../../ml/nn/index.ts';
import { LstmPolicy } from '../agents/lstmPolicy.ts';
import type { PolicySequence, PolicyStep, RecurrentPolicy } from '../agents/policy.ts';
import { NUM_FEATURES } from '../env/features.ts';
import { NUM_REGIMES } from './regimes.ts';

/** Market-state features the gate reads (the first columns of the latest bar's features). */
export const GATE_FEATURES = 2;

/** Sizes of a mixture. */
export interface MoePolicyOptions {
  obsDim: number;
  numActions: number;
  /** Observation window (to find the latest bar's features). */
  window: number;
  hidden?: number;
  gateHidden?: number;
  rng: Rng;
  dtype?: DType;
}

/** Experts + gate. */
export class MoePolicy extends Module implements RecurrentPolicy {
  readonly obsDim: number;
  readonly numActions: number;
  readonly stateSize: number;
  readonly dtype: DType;
  readonly experts: LstmPolicy[];
  readonly gate1: Linear;
  readonly gate2: Linear;
  /** Offset of the latest bar's market-state features in an observation. */
  readonly gateOffset: number;

  constructor(opts: MoePolicyOptions) {
    super();
    this.obsDim = opts.obsDim;
    this.numActions = opts.numActions;
    this.dtype = opts.dtype ?? 'float32';
    this.experts = Array.from({ length: NUM_REGIMES }, (_, k) =>
      this.addChild(`expert${k}`, new LstmPolicy({ obsDim: opts.obsDim, numActions: opts.numActions, hidden: opts.hidden ?? 32, rng: opts.rng, dtype: this.dtype })),
    );
    const gh = opts.gateHidden ?? 16;
    this.gate1 = this.addChild('gate1', new Linear(GATE_FEATURES, gh, { rng: opts.rng, dtype: this.dtype }));
    this.gate2 = this.addChild('gate2', new Linear(gh, NUM_REGIMES, { rng: opts.rng, dtype: this.dtype }));
    this.stateSize = this.experts.reduce((s, e) => s + e.stateSize, 0);
    this.gateOffset = (opts.window - 1) * NUM_FEATURES;
  }

  /** Zero state of every expert, concatenated per env. */
  initialState(n: number): Data {
    return alloc(this.dtype, n * this.stateSize);
  }

  /** Expert k's slice of a [n, stateSize] state. */
  private expertState(state: Data, n: number, k: number): Data {
    const s = this.experts[0]!.stateSize;
    const out = alloc(this.dtype, n * s);
    for (let i = 0; i < n; i++) out.set(state.subarray(i * this.stateSize + k * s, i * this.stateSize + (k + 1) * s), i * s);
    return out;
  }

  /** Gate log-weights [R, K] from market-state features [R, GATE_FEATURES]. */
  gateLogits(feats: Tensor): Tensor {
    return logSoftmax(this.gate2.forward(tanh(this.gate1.forward(feats))));
  }

  /** Gate weights for n observations (no tape). */
  gateWeights(obs: Float32Array, n: number): Float64Array {
    return noGrad(() => {
      const f = alloc(this.dtype, n * GATE_FEATURES);
      for (let i = 0; i < n; i++) for (let j = 0; j < GATE_FEATURES; j++) f[i * GATE_FEATURES + j] = obs[i * this.obsDim + this.gateOffset + j]!;
      return Float64Array.from(exp(this.gateLogits(new Tensor(f, [n, GATE_FEATURES]))).data);
    });
  }

  /** One rollout step: experts step, the gate mixes. */
  step(obs: Float32Array, n: number, state: Data): PolicyStep {
    const A = this.numActions;
    const K = NUM_REGIMES;
    const g = this.gateWeights(obs, n);
    const probs = new Float64Array(n * A);
    const values = new Float64Array(n);
    const next = alloc(this.dtype, n * this.stateSize);
    const s = this.experts[0]!.stateSize;
    this.experts.forEach((e, k) => {
      const out = e.step(obs, n, this.expertState(state, n, k));
      for (let i = 0; i < n; i++) {
        const w = g[i * K + k]!;
        for (let a = 0; a < A; a++) probs[i * A + a] = probs[i * A + a]! + w * out.probs[i * A + a]!;
        values[i] = values[i]! + w * out.values[i]!;
        next.set(out.state.subarray(i * s, (i + 1) * s), i * this.stateSize + k * s);
      }
    });
    return { probs, values, state: next, gate: g };
  }

  /** Sequence pass on the tape: mixture log-probabilities and values. */
  sequence(x: Tensor, state0: Data): PolicySequence {
    const [B, T] = x.shape as [number, number, number];
    const R = B * T;
    const logG = this.gateLogits(reshape(narrow(x, 2, this.gateOffset, GATE_FEATURES), [R, GATE_FEATURES]));
    const g = exp(logG);
    let p: Tensor | null = null;
    let v: Tensor | null = null;
    this.experts.forEach((e, k) => {
      const out = e.sequence(x, this.expertState(state0, B, k));
      const gk = narrow(g, 1, k, 1);
      const pk = mul(gk, exp(out.logProbs));
      const vk = mul(reshape(gk, [R]), out.values);
      p = p === null ? pk : add(p, pk);
      v = v === null ? vk : add(v, vk);
    });
    // A floor keeps log finite when every expert rules an action out.
    return { logProbs: log(addScalar(p!, 1e-8)), values: v! };
  }
}
