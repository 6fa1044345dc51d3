/**
 * PPO agent: an LSTM actor-critic (hidden 32 by default) trained by `Ppo`. Seeded: the same
 * seed gives the same initial weights, the same rollouts and the same trained weights.
 */
import { Rng } from '../../core/rng.ts';
import { type Data, loadParams, saveParams } from '../../ml/nn/index.ts';
import { NUM_ACTIONS } from '../env/actions.ts';
import type { BatchEnv } from '../env/vecEnv.ts';
import type { AgentFile, BaseAgent, Decision, OnIteration } from './baseAgent.ts';
import { LstmPolicy } from './lstmPolicy.ts';
import type { RecurrentPolicy } from './policy.ts';
import { Ppo, sampleCategorical, type PpoIterationStats, type PpoOptions, type RolloutSource } from './ppo.ts';

/** Settings of a PPO agent. */
export interface PpoAgentOptions extends PpoOptions {
  obsDim: number;
  hidden?: number;
  dtype?: 'float32' | 'float64';
}

/** Picks the action (argmax or a seeded draw) for env 0 and packages the decision with what it was based on. */
export function decide(policy: RecurrentPolicy, obs: Float32Array, state: { s: Data }, greedy: boolean, rng: Rng): Decision {
  const out = policy.step(obs, 1, state.s);
  state.s = out.state;
  const A = policy.numActions;
  let action = 0;
  if (greedy) {
    for (let a = 1; a < A; a++) if (out.probs[a]! > out.probs[action]!) action = a;
  } else action = sampleCategorical(out.probs, 0, A, rng);
  const d: Decision = { action, probs: Array.from(out.probs), value: out.values[0]! };
  if (out.gate) d.gate = Array.from(out.gate);
  return d;
}

/** LSTM actor-critic trained with PPO. */
export class PpoAgent implements BaseAgent {
  readonly kind: string = 'ppo';
  readonly policy: LstmPolicy;
  readonly ppo: Ppo;
  private state: { s: Data };
  private readonly actRng: Rng;

  constructor(readonly opts: PpoAgentOptions) {
    const rng = new Rng(opts.seed ?? 0);
    this.policy = new LstmPolicy({ obsDim: opts.obsDim, numActions: NUM_ACTIONS, hidden: opts.hidden ?? 32, rng, dtype: opts.dtype ?? 'float32' });
    this.ppo = new Ppo(this.policy, opts);
    this.actRng = rng.fork();
    this.state = { s: this.policy.initialState(1) };
  }

  /** Zero recurrent state. */
  resetState(): void {
    this.state = { s: this.policy.initialState(1) };
  }

  /** One decision for one observation. */
  selectAction(obs: Float32Array, greedy = true): Decision {
    return decide(this.policy, obs, this.state, greedy, this.actRng);
  }

  /** PPO iterations on `env` (or on rollouts from a job queue). */
  async learn(env: BatchEnv | RolloutSource, iterations: number, onIteration?: OnIteration): Promise<PpoIterationStats[]> {
    return this.ppo.run(env, iterations, onIteration);
  }

  /** Stops the trainer's gradient worker, if any. */
  async close(): Promise<void> {
    await this.ppo.close();
  }

  /** Versioned JSON with the policy's parameters. */
  save(meta?: Record<string, unknown>): AgentFile {
    const { obsDim, hidden = 32, dtype = 'float32', seed = 0 } = this.opts;
    return { format: 'tradepilot.rl.agent', version: 1, kind: this.kind, config: { obsDim, hidden, dtype, seed }, params: { policy: saveParams(this.policy) }, ...(meta ? { meta } : {}) };
  }

  /** Rebuilds a saved PPO agent. */
  static fromFile(file: AgentFile, source: string): PpoAgent {
    const c = file.config as { obsDim: number; hidden: number; dtype: 'float32' | 'float64'; seed: number };
    const a = new PpoAgent({ obsDim: c.obsDim, hidden: c.hidden, dtype: c.dtype, seed: c.seed });
    loadParams(a.policy, file.params.policy, `${source} (policy)`);
    return a;
  }
}
