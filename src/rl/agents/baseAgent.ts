/**
 * The agent interface every RL agent implements (PPO, mixture of experts, MAML-initialised,
 * random): choose an action for one env's observation, learn from batched envs, and save to
 * a JSON document that `loadAgent` (agentFile.ts) turns back into the same agent.
 */
import type { BatchEnv } from '../env/vecEnv.ts';
import type { PpoIterationStats } from './ppo.ts';

/** One decision with what it was based on (stored as the audit event). */
export interface Decision {
  action: number;
  /** Action probabilities the choice was drawn from (or maximised over). */
  probs: number[];
  /** The critic's value estimate. */
  value: number;
  /** Gate weights per expert (mixture of experts only). */
  gate?: number[];
}

/** What `save` returns: a versioned JSON document. */
export interface AgentFile {
  format: 'tradepilot.rl.agent';
  version: 1;
  kind: string;
  /** Sizes and settings needed to rebuild the agent (and the env it expects). */
  config: Record<string, unknown>;
  /** Parameters (`saveParams` documents) by network name. */
  params: Record<string, unknown>;
  /** Training summary. */
  meta?: Record<string, unknown>;
}

/** Progress callback of `learn`. */
export type OnIteration = (s: PpoIterationStats) => void;

/** An RL agent. */
export interface BaseAgent {
  readonly kind: string;
  /** Clears the recurrent state (start of an episode). */
  resetState(): void;
  /** Action for one observation; `greedy` takes the most probable action instead of sampling. */
  selectAction(obs: Float32Array, greedy?: boolean): Decision;
  /** Trains for `iterations` PPO iterations on `env`. */
  learn(env: BatchEnv, iterations: number, onIteration?: OnIteration): Promise<PpoIterationStats[]>;
  /** The agent as a JSON document. */
  save(meta?: Record<string, unknown>): AgentFile;
}
