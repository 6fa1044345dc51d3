/**
 * The recurrent actor-critic surface PPO trains: a stepping pass for rollouts (no tape) and a
 * sequence pass for updates (on the tape). Implemented by the LSTM policy and by the mixture
 * of experts, so one PPO serves both.
 */
import type { Data, Module, Tensor } from '../../ml/nn/index.ts';

/** Output of one batched rollout step. */
export interface PolicyStep {
  /** [n, actions] action probabilities. */
  probs: Float64Array;
  /** [n] state values. */
  values: Float64Array;
  /** [n, stateSize] recurrent state after the step. */
  state: Data;
  /** [n, experts] gate weights, for a mixture. */
  gate?: Float64Array;
}

/** Output of a sequence pass: rows ordered (sequence, time). */
export interface PolicySequence {
  /** [B*T, actions] log-probabilities. */
  logProbs: Tensor;
  /** [B*T] values. */
  values: Tensor;
}

/** A recurrent actor-critic. */
export interface RecurrentPolicy extends Module {
  readonly obsDim: number;
  readonly numActions: number;
  /** Floats of recurrent state per env. */
  readonly stateSize: number;
  readonly dtype: 'float32' | 'float64';
  /** Zero state for n envs. */
  initialState(n: number): Data;
  /** One step for n envs from `obs` [n, obsDim]. */
  step(obs: Float32Array, n: number, state: Data): PolicyStep;
  /** Optional: `step` bound to the current weights with per-call work hoisted out (valid until the weights change). */
  stepper?(): (obs: Float32Array, n: number, state: Data) => PolicyStep;
  /** x [B, T, obsDim] from `state0` [B, stateSize], recorded for gradients. */
  sequence(x: Tensor, state0: Data): PolicySequence;
}
