/**
 * Proximal policy optimisation for a recurrent actor-critic (Schulman et al. 2017): rollouts of
 * N env copies x T steps, generalised advantage estimation, the clipped surrogate objective,
 * value loss and entropy bonus, over minibatches of whole sequence chunks for several epochs.
 * Recurrent state: the state at every chunk start is stored during the rollout and the update
 * replays each chunk from it; episodes must end on chunk boundaries (episode length a multiple
 * of `seqLen`), so no chunk spans a reset. All randomness comes from one seeded Rng.
 */
import { BadInputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { Adam, alloc, clipGradNorm, type Data } from '../../ml/nn/index.ts';
import type { BatchEnv } from '../env/vecEnv.ts';
import type { LstmPolicy } from './lstmPolicy.ts';
import type { RecurrentPolicy } from './policy.ts';
import { GradWorker } from './gradWorker.ts';
import { type LossCoefs, type PpoLossStats, advantageMoments, assembleMinibatch, ppoLossBackward } from './ppoLoss.ts';

/** PPO hyper-parameters. */
export interface PpoOptions {
  seed?: number;
  /** Steps per env per rollout (multiple of seqLen); default 64. */
  rolloutSteps?: number;
  /** Chunk length for truncated back-propagation through time; default 16. */
  seqLen?: number;
  epochs?: number;
  /** Chunks per minibatch; default 8. */
  minibatchChunks?: number;
  gamma?: number;
  lambda?: number;
  clip?: number;
  vfCoef?: number;
  entCoef?: number;
  lr?: number;
  maxGradNorm?: number;
  /** Divide rewards by the running deviation of the discounted return (SB3's VecNormalize); default true. */
  normalizeRewards?: boolean;
  /** Compute half of every minibatch's gradient on a worker thread (LSTM policies; default false). */
  parallelGradients?: boolean;
}

/** Statistics of one PPO iteration (rollout + update). */
export interface PpoIterationStats {
  iteration: number;
  envSteps: number;
  meanReward: number;
  /** Mean of the episode returns (equity / initial - 1) finished in this rollout (NaN if none). */
  episodeReturn: number;
  episodes: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
}

/** What every step of a rollout records, time-major [T, N]. */
interface RolloutSteps {
  obs: Float32Array;
  actions: Int32Array;
  logp: Float64Array;
  values: Float64Array;
  rewards: Float64Array;
  dones: Uint8Array;
  chunkStates: Data;
}

/** Rollout storage, time-major [T, N]. */
interface Rollout extends RolloutSteps {
  adv: Float64Array;
  returns: Float64Array;
}

/** A rollout gathered elsewhere (job-queue shards), in env order; rewards raw, no advantages yet. */
export interface RawRollout extends RolloutSteps {
  /** Value after the last step, per env. */
  lastValues: Float64Array;
  /** Returns of finished episodes in (step, env) order. */
  episodeReturns: number[];
}

/** Where rollouts come from instead of a local env: runs `steps` steps of every env with the policy as it is now. */
export interface RolloutSource {
  readonly numEnvs: number;
  readonly obsDim: number;
  collect(policy: RecurrentPolicy, iteration: number, steps: number, seqLen: number): Promise<RawRollout>;
}

function isRolloutSource(x: BatchEnv | RolloutSource): x is RolloutSource {
  return typeof (x as Partial<RolloutSource>).collect === 'function';
}

/** Samples an index from probabilities `p[off..off+A)`. */
export function sampleCategorical(p: Float64Array, off: number, A: number, rng: Rng): number {
  let u = rng.next();
  for (let a = 0; a < A - 1; a++) {
    u -= p[off + a]!;
    if (u < 0) return a;
  }
  return A - 1;
}

/** PPO trainer bound to a policy. */
export class Ppo {
  readonly rng: Rng;
  readonly opt: Adam;
  readonly o: Required<PpoOptions>;
  private state: Data | null = null;
  private iteration = 0;
  private readonly grads: GradWorker | null = null;
  /** Running discounted return per env and its running moments (reward normalisation). */
  private discRet: Float64Array | null = null;
  private retCount = 0;
  private retMean = 0;
  private retM2 = 0;

  constructor(
    readonly policy: RecurrentPolicy,
    opts: PpoOptions = {},
  ) {
    this.o = {
      seed: opts.seed ?? 0, rolloutSteps: opts.rolloutSteps ?? 64, seqLen: opts.seqLen ?? 16, epochs: opts.epochs ?? 4,
      minibatchChunks: opts.minibatchChunks ?? 8, gamma: opts.gamma ?? 0.99, lambda: opts.lambda ?? 0.95, clip: opts.clip ?? 0.2,
      vfCoef: opts.vfCoef ?? 0.5, entCoef: opts.entCoef ?? 0.01, lr: opts.lr ?? 3e-4, maxGradNorm: opts.maxGradNorm ?? 0.5,
      normalizeRewards: opts.normalizeRewards ?? true, parallelGradients: opts.parallelGradients ?? false,
    };
    if (this.o.rolloutSteps % this.o.seqLen !== 0) throw new BadInputError(`rolloutSteps (${this.o.rolloutSteps}) must be a multiple of seqLen (${this.o.seqLen})`);
    this.rng = new Rng(this.o.seed);
    this.opt = new Adam(policy.parameters(), { lr: this.o.lr });
    if (this.o.parallelGradients) {
      const spec = (policy as unknown as Partial<LstmPolicy>).replicaSpec?.();
      if (!spec) throw new BadInputError('parallelGradients needs an LSTM policy');
      this.grads = new GradWorker({ ...spec, coefs: this.coefs() }, policy.parameters(), this.o.minibatchChunks);
    }
  }

  /** Loss weights. */
  private coefs(): LossCoefs {
    return { clip: this.o.clip, vfCoef: this.o.vfCoef, entCoef: this.o.entCoef };
  }

  /** Stops the gradient worker, if any. */
  async close(): Promise<void> {
    await this.grads?.close();
  }

  /** Collects one rollout from `env` (reset on the first call), with GAE advantages. */
  async collect(env: BatchEnv): Promise<{ roll: Rollout; episodes: number[] }> {
    const { rolloutSteps: T, seqLen: L } = this.o;
    const N = env.numEnvs;
    const D = env.obsDim;
    const A = this.policy.numActions;
    const S = this.policy.stateSize;
    if (D !== this.policy.obsDim) throw new BadInputError(`env observations have ${D} values, the policy expects ${this.policy.obsDim}`);
    if (this.state === null) {
      await env.reset();
      this.state = this.policy.initialState(N);
    }
    const roll: Rollout = {
      obs: new Float32Array(T * N * D), actions: new Int32Array(T * N), logp: new Float64Array(T * N), values: new Float64Array(T * N),
      rewards: new Float64Array(T * N), dones: new Uint8Array(T * N), chunkStates: alloc(this.policy.dtype, (T / L) * N * S),
      adv: new Float64Array(T * N), returns: new Float64Array(T * N),
    };
    const episodes: number[] = [];
    const acts = new Int32Array(N);
    // the weights stay fixed for the whole rollout
    const step = this.policy.stepper?.() ?? ((o: Float32Array, n: number, s: Data) => this.policy.step(o, n, s));
    for (let t = 0; t < T; t++) {
      if (t % L === 0) roll.chunkStates.set(this.state, (t / L) * N * S);
      roll.obs.set(env.obs, t * N * D);
      const out = step(env.obs, N, this.state);
      for (let i = 0; i < N; i++) {
        const a = sampleCategorical(out.probs, i * A, A, this.rng);
        acts[i] = a;
        roll.actions[t * N + i] = a;
        roll.logp[t * N + i] = Math.log(Math.max(out.probs[i * A + a]!, 1e-12));
        roll.values[t * N + i] = out.values[i]!;
      }
      await env.step(acts);
      this.state = out.state;
      for (let i = 0; i < N; i++) {
        const d = env.dones[i]!;
        roll.rewards[t * N + i] = this.shapeReward(i, env.rewards[i]!, d, N);
        roll.dones[t * N + i] = d;
        if (d) {
          if ((t + 1) % L !== 0) throw new BadInputError(`an episode ended inside a training chunk (step ${t + 1} of the rollout): use an episode length that is a multiple of seqLen (${L})`);
          episodes.push(env.episodeReturns[i]!);
          this.state.fill(0, i * S, (i + 1) * S);
        }
      }
    }
    // Bootstrap value of the state after the last step.
    this.advantages(roll, step(env.obs, N, this.state).values, N);
    return { roll, episodes };
  }

  /** Reward of env i as stored: divided by the running deviation of the discounted return when normalising (a done resets env i's return). */
  private shapeReward(i: number, r: number, done: number, N: number): number {
    this.discRet ??= new Float64Array(N);
    if (this.o.normalizeRewards) {
      const g = (this.discRet[i] = this.discRet[i]! * this.o.gamma + r);
      this.retCount++;
      const dlt = g - this.retMean;
      this.retMean += dlt / this.retCount;
      this.retM2 += dlt * (g - this.retMean);
      const sd = this.retCount > 1 ? Math.sqrt(this.retM2 / (this.retCount - 1)) : 1;
      r /= sd + 1e-8;
    }
    if (done) this.discRet[i] = 0;
    return r;
  }

  /** A rollout from a RolloutSource (job-queue shards): the same reward shaping, in the same (step, env) order, and GAE. */
  async collectFrom(src: RolloutSource): Promise<{ roll: Rollout; episodes: number[] }> {
    const { rolloutSteps: T, seqLen: L } = this.o;
    const N = src.numEnvs;
    if (src.obsDim !== this.policy.obsDim) throw new BadInputError(`env observations have ${src.obsDim} values, the policy expects ${this.policy.obsDim}`);
    const raw = await src.collect(this.policy, this.iteration, T, L);
    const roll: Rollout = { ...raw, rewards: new Float64Array(T * N), adv: new Float64Array(T * N), returns: new Float64Array(T * N) };
    for (let t = 0; t < T; t++) for (let i = 0; i < N; i++) roll.rewards[t * N + i] = this.shapeReward(i, raw.rewards[t * N + i]!, raw.dones[t * N + i]!, N);
    this.advantages(roll, raw.lastValues, N);
    return { roll, episodes: raw.episodeReturns };
  }

  /** GAE advantages and returns, bootstrapped from `last` (values after the last step). */
  private advantages(roll: Rollout, last: Float64Array, N: number): void {
    const { rolloutSteps: T, gamma, lambda } = this.o;
    for (let i = 0; i < N; i++) {
      let gae = 0;
      for (let t = T - 1; t >= 0; t--) {
        const k = t * N + i;
        const nonTerminal = roll.dones[k] ? 0 : 1;
        const nextV = t === T - 1 ? last[i]! : roll.values[k + N]!;
        const delta = roll.rewards[k]! + gamma * nextV * nonTerminal - roll.values[k]!;
        gae = delta + gamma * lambda * nonTerminal * gae;
        roll.adv[k] = gae;
        roll.returns[k] = gae + roll.values[k]!;
      }
    }
  }

  /** Clipped-objective update over the rollout's chunks; returns mean losses. */
  async update(roll: Rollout, N: number): Promise<{ policyLoss: number; valueLoss: number; entropy: number; approxKl: number }> {
    const { rolloutSteps: T, seqLen: L, epochs, minibatchChunks: M0, maxGradNorm } = this.o;
    const D = this.policy.obsDim;
    const S = this.policy.stateSize;
    const K = T / L;
    const chunks = new Int32Array(K * N).map((_, j) => j);
    const M = Math.min(M0, K * N);
    let pl = 0;
    let vl = 0;
    let en = 0;
    let kl = 0;
    let count = 0;
    const params = this.policy.parameters();
    this.grads?.shareRollout(roll, { N, L, D, S, dtype: this.policy.dtype });
    for (let ep = 0; ep < epochs; ep++) {
      this.rng.shuffle(chunks);
      for (let b0 = 0; b0 + M <= chunks.length; b0 += M) {
        // Advantages normalised per minibatch (the reference implementations' default).
        const { mu, sd } = advantageMoments(roll, chunks, b0, b0 + M, N, L);
        let stats: PpoLossStats;
        this.opt.zeroGrad();
        if (this.grads !== null) {
          // Two halves on two threads; the worker cuts its half from the shared rollout itself.
          // The mean loss over the minibatch is the mean of the halves' means.
          const h = M >> 1;
          this.grads.start(params, chunks.subarray(b0 + h, b0 + M), mu, sd, this.coefs());
          const near = ppoLossBackward(this.policy, assembleMinibatch(roll, chunks, b0, b0 + h, N, L, D, S, this.policy.dtype, mu, sd), this.coefs());
          const other = this.grads.finish();
          params.forEach((p, k) => {
            const g = p.grad!.data;
            const o = other.grads[k]!;
            for (let i = 0; i < g.length; i++) g[i] = 0.5 * (g[i]! + o[i]!);
          });
          stats = { policyLoss: 0.5 * (near.policyLoss + other.stats.policyLoss), valueLoss: 0.5 * (near.valueLoss + other.stats.valueLoss), entropy: 0.5 * (near.entropy + other.stats.entropy), kl: 0.5 * (near.kl + other.stats.kl) };
        } else stats = ppoLossBackward(this.policy, assembleMinibatch(roll, chunks, b0, b0 + M, N, L, D, S, this.policy.dtype, mu, sd), this.coefs());
        clipGradNorm(params, maxGradNorm);
        this.opt.step();
        pl += stats.policyLoss;
        vl += stats.valueLoss;
        en += stats.entropy;
        kl += stats.kl;
        count++;
      }
    }
    return { policyLoss: pl / count, valueLoss: vl / count, entropy: en / count, approxKl: kl / count };
  }

  /** `iterations` PPO iterations on `env` (or rollouts from a source), reporting each one; returns their statistics. */
  async run(env: BatchEnv | RolloutSource, iterations: number, onIteration?: (s: PpoIterationStats) => void): Promise<PpoIterationStats[]> {
    const out: PpoIterationStats[] = [];
    for (let i = 0; i < iterations; i++) {
      const s = await this.iterate(env);
      out.push(s);
      onIteration?.(s);
    }
    return out;
  }

  /** One rollout and one update. */
  async iterate(env: BatchEnv | RolloutSource): Promise<PpoIterationStats> {
    const { roll, episodes } = isRolloutSource(env) ? await this.collectFrom(env) : await this.collect(env);
    const losses = await this.update(roll, env.numEnvs);
    let rs = 0;
    for (const r of roll.rewards) rs += r;
    this.iteration++;
    return {
      iteration: this.iteration,
      envSteps: roll.rewards.length,
      meanReward: rs / roll.rewards.length,
      episodeReturn: episodes.length ? episodes.reduce((a, b) => a + b, 0) / episodes.length : NaN,
      episodes: episodes.length,
      ...losses,
    };
  }
}
