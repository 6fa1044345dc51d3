/**
 * Vectorised copies of the environment: N envs stepped together with batched buffers
 * (observations [N, obsDim] float32, rewards, dones), auto-reset at episode end, and the
 * final step's info kept per env. `VecEnv` steps in this thread; `WorkerVecEnv` (workerVecEnv.ts)
 * spreads the same copies over worker threads with shared memory.
 */
import { BadInputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { OhlcvColumns } from './features.ts';
import { featureMatrix } from './features.ts';
import { TradingEnv, type TradingEnvOptions } from './tradingEnv.ts';

/** The batched interface rollouts use (sync or worker-backed). */
export interface BatchEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  /** [numEnvs, obsDim]: current observations. */
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly dones: Uint8Array;
  /** Equity at the end of each env's last finished episode, relative to the initial capital. */
  readonly episodeReturns: Float64Array;
  /** Resets every env and fills `obs`. */
  reset(): Promise<void> | void;
  /** Steps every env with its action; finished envs are reset (their `obs` is the new episode's first). */
  step(actions: Int32Array): Promise<void> | void;
}

/** Options of one env copy, plus a seed for the copies' random starts. */
export interface VecEnvOptions extends Omit<TradingEnvOptions, 'rng' | 'features'> {
  seed?: number;
}

/** N copies over the same bars (one shared feature matrix), each with its own seeded start draws. */
export class VecEnv implements BatchEnv {
  readonly envs: TradingEnv[];
  readonly obsDim: number;
  readonly obs: Float32Array;
  readonly rewards: Float64Array;
  readonly dones: Uint8Array;
  readonly episodeReturns: Float64Array;
  readonly numEnvs: number;

  /** Copies `from`..`to` of a family of `total` (a worker builds its shard; same draws as in one thread). */
  constructor(bars: OhlcvColumns, total: number, opts: VecEnvOptions = {}, features?: Float32Array, from = 0, to = total) {
    if (!(total >= 1)) throw new BadInputError(`numEnvs must be >= 1, got ${total}`);
    if (!(from >= 0 && to <= total && from < to)) throw new BadInputError(`env copies ${from}..${to} are not inside 0..${total}`);
    const feats = features ?? featureMatrix(bars, opts.zWindow ?? 0);
    const root = new Rng(opts.seed ?? 0);
    const rngs = Array.from({ length: total }, () => root.fork()).slice(from, to);
    this.numEnvs = to - from;
    const numEnvs = this.numEnvs;
    this.envs = rngs.map((rng) => new TradingEnv(bars, { ...opts, features: feats, rng }));
    this.obsDim = this.envs[0]!.obsDim;
    this.obs = new Float32Array(numEnvs * this.obsDim);
    this.rewards = new Float64Array(numEnvs);
    this.dones = new Uint8Array(numEnvs);
    this.episodeReturns = new Float64Array(numEnvs);
  }

  /** Makes the batch buffers views of shared memory (used by a worker shard). */
  bindBuffers(obs: Float32Array, rewards: Float64Array, dones: Uint8Array, episodeReturns: Float64Array): void {
    Object.assign(this, { obs, rewards, dones, episodeReturns });
  }

  /** Resets every copy. */
  reset(): void {
    this.envs.forEach((e, i) => this.obs.set(e.reset(), i * this.obsDim));
  }

  /** One step of every copy. */
  step(actions: Int32Array): void {
    const D = this.obsDim;
    for (let i = 0; i < this.numEnvs; i++) {
      const e = this.envs[i]!;
      const r = e.step(actions[i]!);
      this.rewards[i] = r.reward;
      this.dones[i] = r.done ? 1 : 0;
      if (r.done) {
        this.episodeReturns[i] = r.info.equity / e.account.initialCapital - 1;
        this.obs.set(e.reset(), i * D);
      } else this.obs.set(r.observation, i * D);
    }
  }
}
