/**
 * Mixture-of-experts agent: each expert is first trained with PPO on episodes that start in
 * its own regime (regimes.ts), then the mixture (experts + gate) is trained jointly with PPO
 * on all the training bars. Decisions carry the gate's weights, and `expertUsage` tabulates
 * which expert dominated in which regime.
 */
import { BadInputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { type Data, loadParams, saveParams } from '../../ml/nn/index.ts';
import type { AgentFile, BaseAgent, Decision, OnIteration } from '../agents/baseAgent.ts';
import { Ppo, type PpoIterationStats, type PpoOptions } from '../agents/ppo.ts';
import { decide } from '../agents/ppoAgent.ts';
import { NUM_ACTIONS } from '../env/actions.ts';
import type { OhlcvColumns } from '../env/features.ts';
import { VecEnv, type BatchEnv, type VecEnvOptions } from '../env/vecEnv.ts';
import type { DecisionRecord } from '../evaluate.ts';
import { MoePolicy } from './moePolicy.ts';
import { NUM_REGIMES, REGIME_NAMES } from './regimes.ts';

/** Settings of a MoE agent. */
export interface MoeAgentOptions extends PpoOptions {
  obsDim: number;
  window: number;
  hidden?: number;
  dtype?: 'float32' | 'float64';
}

/** Progress of expert pre-training. */
export type OnExpertIteration = (expert: number, s: PpoIterationStats) => void;

/** Experts + gate, trained per regime then jointly. */
export class MoeAgent implements BaseAgent {
  readonly kind = 'moe';
  readonly policy: MoePolicy;
  readonly ppo: Ppo;
  private state: { s: Data };
  private readonly actRng: Rng;

  constructor(readonly opts: MoeAgentOptions) {
    const rng = new Rng(opts.seed ?? 0);
    this.policy = new MoePolicy({ obsDim: opts.obsDim, numActions: NUM_ACTIONS, window: opts.window, hidden: opts.hidden ?? 32, rng, dtype: opts.dtype ?? 'float32' });
    this.ppo = new Ppo(this.policy, opts);
    this.actRng = rng.fork();
    this.state = { s: this.policy.initialState(1) };
  }

  /**
   * Trains expert k with PPO on env copies whose episodes start on bars of regime k
   * (within `envOpts`' range). Experts with too few regime bars are left as initialised.
   */
  async pretrainExperts(bars: OhlcvColumns, regimes: Int32Array, envOpts: VecEnvOptions & { numEnvs: number }, iterations: number, onIteration?: OnExpertIteration): Promise<number[]> {
    const trained: number[] = [];
    for (let k = 0; k < NUM_REGIMES; k++) {
      const starts = Int32Array.from(Array.from(regimes).flatMap((r, t) => (r === k ? [t] : [])));
      let env: VecEnv;
      try {
        env = new VecEnv(bars, envOpts.numEnvs, { ...envOpts, seed: (envOpts.seed ?? 0) + 101 * (k + 1), startBars: starts });
      } catch (e) {
        if (e instanceof BadInputError) continue;
        throw e;
      }
      const ppo = new Ppo(this.policy.experts[k]!, { ...this.opts, seed: (this.opts.seed ?? 0) + 1000 * (k + 1) });
      await ppo.run(env, iterations, (s) => onIteration?.(k, s));
      trained.push(k);
    }
    return trained;
  }

  /** Zero recurrent state. */
  resetState(): void {
    this.state = { s: this.policy.initialState(1) };
  }

  /** One decision (with gate weights). */
  selectAction(obs: Float32Array, greedy = true): Decision {
    return decide(this.policy, obs, this.state, greedy, this.actRng);
  }

  /** Joint PPO iterations over the whole mixture. */
  async learn(env: BatchEnv, iterations: number, onIteration?: OnIteration): Promise<PpoIterationStats[]> {
    return this.ppo.run(env, iterations, onIteration);
  }

  /** Versioned JSON with every expert's and the gate's parameters. */
  save(meta?: Record<string, unknown>): AgentFile {
    const { obsDim, window, hidden = 32, dtype = 'float32', seed = 0 } = this.opts;
    return { format: 'tradepilot.rl.agent', version: 1, kind: this.kind, config: { obsDim, window, hidden, dtype, seed }, params: { moe: saveParams(this.policy) }, ...(meta ? { meta } : {}) };
  }

  /** Rebuilds a saved MoE agent. */
  static fromFile(file: AgentFile, source: string): MoeAgent {
    const c = file.config as { obsDim: number; window: number; hidden: number; dtype: 'float32' | 'float64'; seed: number };
    const a = new MoeAgent({ obsDim: c.obsDim, window: c.window, hidden: c.hidden, dtype: c.dtype, seed: c.seed });
    loadParams(a.policy, file.params.moe, `${source} (moe)`);
    return a;
  }
}

/** Which expert the gate weighted most, per regime, over recorded decisions. */
export interface ExpertUsage {
  regime: string;
  bars: number;
  /** Bars on which each expert had the largest gate weight. */
  dominant: Record<string, number>;
  /** Mean gate weight of each expert. */
  meanWeight: Record<string, number>;
}

/** Tabulates gate weights by the regime of each decision's bar. */
export function expertUsage(decisions: readonly DecisionRecord[]): ExpertUsage[] {
  const rows = REGIME_NAMES.map((name) => ({ regime: name, bars: 0, dom: new Array<number>(NUM_REGIMES).fill(0), sum: new Array<number>(NUM_REGIMES).fill(0) }));
  for (const d of decisions) {
    if (d.gate === undefined || d.regime === undefined) continue;
    const row = rows[d.regime]!;
    row.bars++;
    let best = 0;
    d.gate.forEach((w, k) => {
      row.sum[k]! += w;
      if (w > d.gate![best]!) best = k;
    });
    row.dom[best]!++;
  }
  const byName = (xs: number[], f: (x: number) => number): Record<string, number> => Object.fromEntries(REGIME_NAMES.map((n, k) => [n, f(xs[k]!)]));
  return rows.map((r) => ({ regime: r.regime, bars: r.bars, dominant: byName(r.dom, (x) => x), meanWeight: byName(r.sum, (x) => (r.bars ? x / r.bars : 0)) }));
}
