/**
 * PPO rollouts on a JobQueue (`rl train --queue redis://...` or the embedded pool): each
 * iteration's env copies are split into a fixed number of shards, one task each, run wherever
 * the queue runs them; the shards come back in order and are laid out as one rollout. The
 * result depends on the shard count, never on which or how many workers ran the shards.
 */
import { BadInputError } from '../../core/errors.ts';
import type { JobQueue } from '../../research/jobs/jobQueue.ts';
import type { LstmPolicy } from './lstmPolicy.ts';
import type { RecurrentPolicy } from './policy.ts';
import type { RawRollout, RolloutSource } from './ppo.ts';
import { fromB64, mixSeed, toB64, type RolloutResult, type RolloutTask } from './rolloutTask.ts';

/** The env family the shards step. */
export interface QueueRolloutSpec {
  /** data/raw folder and instrument the workers read (the same path on every machine). */
  rawDir: string;
  instrument: string;
  numEnvs: number;
  /** Tasks per iteration (default 2). */
  shards?: number;
  seed: number;
  episodeLength: number;
  window: number;
  start?: number;
  end?: number;
  /** Observation size of the env (for the policy check). */
  obsDim: number;
}

/** A RolloutSource over a JobQueue. */
export class QueueRollouts implements RolloutSource {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly shards: number;

  constructor(
    private readonly queue: JobQueue,
    private readonly spec: QueueRolloutSpec,
  ) {
    this.numEnvs = spec.numEnvs;
    this.obsDim = spec.obsDim;
    this.shards = Math.min(spec.shards ?? 2, spec.numEnvs);
    if (!(this.shards >= 1)) throw new BadInputError(`rollout shards must be >= 1, got ${spec.shards}`);
  }

  /** Runs the shards of one iteration and lays them out time-major [steps, numEnvs]. */
  async collect(policy: RecurrentPolicy, iteration: number, T: number, L: number): Promise<RawRollout> {
    const lp = policy as unknown as Partial<LstmPolicy>;
    if (typeof lp.orderedParams !== 'function' || typeof lp.replicaSpec !== 'function') throw new BadInputError('queue rollouts need an LSTM policy');
    const { hidden, dtype } = lp.replicaSpec();
    const params = lp.orderedParams().map((p) => toB64(p.data));
    const { spec } = this;
    const N = this.numEnvs;
    const K = this.shards;
    const bounds = Array.from({ length: K + 1 }, (_, k) => Math.floor((k * N) / K));
    const envSeed = mixSeed(spec.seed, iteration);
    const tasks: RolloutTask[] = Array.from({ length: K }, (_, k) => ({
      kind: 'rollout' as const,
      data: { rawDir: spec.rawDir, instrument: spec.instrument },
      env: { total: N, from: bounds[k]!, to: bounds[k + 1]!, seed: envSeed, episodeLength: spec.episodeLength, window: spec.window, ...(spec.start !== undefined ? { start: spec.start } : {}), ...(spec.end !== undefined ? { end: spec.end } : {}) },
      policy: { obsDim: policy.obsDim, hidden, dtype, params },
      iteration, shard: k, steps: T, seqLen: L,
    }));
    const results = await Promise.all(tasks.map((t) => this.queue.run(t)));
    return assemble(results, bounds, T, L, this.obsDim, policy.stateSize, dtype);
  }
}

/** Shards (each [T, n_k]) -> one rollout [T, N], episodes in (step, env) order as one env loop would list them. */
function assemble(results: RolloutResult[], bounds: number[], T: number, L: number, D: number, S: number, dtype: 'float32' | 'float64'): RawRollout {
  const N = bounds.at(-1)!;
  const K = T / L;
  const out: RawRollout = {
    obs: new Float32Array(T * N * D), actions: new Int32Array(T * N), logp: new Float64Array(T * N), values: new Float64Array(T * N),
    rewards: new Float64Array(T * N), dones: new Uint8Array(T * N), chunkStates: dtype === 'float32' ? new Float32Array(K * N * S) : new Float64Array(K * N * S),
    lastValues: new Float64Array(N), episodeReturns: [],
  };
  const shardOf = new Int32Array(N);
  const parts = results.map((r, k) => {
    const n = bounds[k + 1]! - bounds[k]!;
    if (r.shard !== k || r.numEnvs !== n) throw new BadInputError(`rollout shard ${k}: got shard ${r.shard} with ${r.numEnvs} envs, expected ${n}`);
    shardOf.fill(k, bounds[k]!, bounds[k + 1]!);
    return {
      n, o: bounds[k]!, obs: fromB64(r.obs, Float32Array), actions: fromB64(r.actions, Int32Array), logp: fromB64(r.logp, Float64Array), values: fromB64(r.values, Float64Array),
      rewards: fromB64(r.rewards, Float64Array), dones: fromB64(r.dones, Uint8Array), chunkStates: dtype === 'float32' ? fromB64(r.chunkStates, Float32Array) : fromB64(r.chunkStates, Float64Array),
      last: fromB64(r.lastValues, Float64Array), episodes: r.episodeReturns, next: 0,
    };
  });
  for (const p of parts) {
    if (p.obs.length !== T * p.n * D || p.actions.length !== T * p.n || p.chunkStates.length !== K * p.n * S) throw new BadInputError(`rollout shard at env ${p.o}: array sizes do not match ${T} steps x ${p.n} envs`);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < p.n; i++) {
        const src = t * p.n + i;
        const dst = t * N + p.o + i;
        out.actions[dst] = p.actions[src]!;
        out.logp[dst] = p.logp[src]!;
        out.values[dst] = p.values[src]!;
        out.rewards[dst] = p.rewards[src]!;
        out.dones[dst] = p.dones[src]!;
      }
      out.obs.set(p.obs.subarray(t * p.n * D, (t + 1) * p.n * D), (t * N + p.o) * D);
    }
    for (let k = 0; k < K; k++) out.chunkStates.set(p.chunkStates.subarray(k * p.n * S, (k + 1) * p.n * S), (k * N + p.o) * S);
    out.lastValues.set(p.last, p.o);
  }
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) {
      if (!out.dones[t * N + i]) continue;
      const p = parts[shardOf[i]!]!;
      if (p.next >= p.episodes.length) throw new BadInputError(`rollout shard at env ${p.o}: fewer episode returns than finished episodes`);
      out.episodeReturns.push(p.episodes[p.next++]!);
    }
  }
  return out;
}
