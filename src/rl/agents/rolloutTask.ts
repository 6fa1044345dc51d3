/**
 * One PPO rollout shard as a job-queue task (the role of an RLlib rollout worker): env
 * copies [from, to) of a family of `total`, stepped `steps` times with an LSTM policy at the
 * weights the task carries. Tasks are stateless, so any worker on any machine can run any
 * shard: the env family is rebuilt for every iteration from (seed, iteration) and the shard's
 * action draws come from (seed, iteration, shard). The result is raw (rewards unnormalised,
 * no advantages): the trainer assembles the shards and finishes the rollout in env order.
 * Plain JSON in and out; typed arrays travel as base64 of their bytes, so values are exact.
 */
import { z } from 'zod';
import { BadInputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import type { Data } from '../../ml/nn/index.ts';
import { loadRawData } from '../data/rawData.ts';
import type { InstrumentSeries } from '../data/sampleDatasets.ts';
import { NUM_ACTIONS } from '../env/actions.ts';
import { featureMatrix } from '../env/features.ts';
import { VecEnv } from '../env/vecEnv.ts';
import { LstmPolicy } from './lstmPolicy.ts';
import { sampleCategorical } from './ppo.ts';

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

/** The task, as validated when a worker takes it off a queue. */
export const RolloutTaskSchema = z.object({
  kind: z.literal('rollout'),
  /** Bars: the instrument of data/raw at `rawDir` (the bundled TTRC when the folder has no CSVs). */
  data: z.object({ rawDir: z.string(), instrument: z.string() }),
  env: z.object({
    total: z.number().int().min(1),
    from: z.number().int().min(0),
    to: z.number().int().min(1),
    seed: z.number().int(),
    episodeLength: z.number().int().min(1),
    window: z.number().int().min(1),
    start: z.number().int().min(0).optional(),
    end: z.number().int().min(1).optional(),
  }),
  policy: z.object({ obsDim: z.number().int().min(1), hidden: z.number().int().min(1), dtype: z.enum(['float32', 'float64']), params: z.array(b64) }),
  iteration: z.number().int().min(0),
  shard: z.number().int().min(0),
  steps: z.number().int().min(1),
  seqLen: z.number().int().min(1),
});

/** One rollout shard to run. */
export type RolloutTask = z.infer<typeof RolloutTaskSchema>;

/** What a shard returns (arrays time-major [steps, envs of the shard], base64). */
export interface RolloutResult {
  kind: 'rollout';
  shard: number;
  numEnvs: number;
  obs: string;
  actions: string;
  logp: string;
  values: string;
  rewards: string;
  dones: string;
  /** Return of each episode that ended, in (step, env) order. */
  episodeReturns: number[];
  /** Recurrent state at every chunk start, [steps / seqLen, envs, stateSize]. */
  chunkStates: string;
  /** Value of the state after the last step, per env. */
  lastValues: string;
}

/** Typed array -> base64 of its bytes. */
export function toB64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** base64 of a typed array's bytes -> a fresh, aligned array of that type. */
export function fromB64<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(s: string, Ctor: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length % Ctor.BYTES_PER_ELEMENT !== 0) throw new BadInputError(`rollout data: ${bytes.length} bytes is not a whole number of ${Ctor.BYTES_PER_ELEMENT}-byte values`);
  return new Ctor(Uint8Array.from(bytes).buffer);
}

/** A seed from (seed, iteration, shard) (splitmix32-style mixing, so nearby inputs give unrelated streams). */
export function mixSeed(seed: number, iteration: number, shard = -1): number {
  let z = (seed >>> 0) ^ Math.imul(iteration + 1, 0x9e3779b9) ^ Math.imul(shard + 2, 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

// A worker runs many shards of the same job: keep the bars and features of the last few.
const dataCache = new Map<string, { s: InstrumentSeries; feats: Float32Array }>();

function barsFor(rawDir: string, instrument: string): { s: InstrumentSeries; feats: Float32Array } {
  const key = `${rawDir}\u0000${instrument}`;
  let hit = dataCache.get(key);
  if (!hit) {
    const s = loadRawData(rawDir).find((x) => x.instrument === instrument);
    if (!s) throw new BadInputError(`rollout task: instrument ${instrument} is not in ${rawDir}`);
    hit = { s, feats: featureMatrix(s) };
    if (dataCache.size >= 4) dataCache.delete(dataCache.keys().next().value!);
    dataCache.set(key, hit);
  }
  return hit;
}

/** Runs one shard: fresh envs (reset), `steps` policy steps with sampled actions. */
export function runRolloutTask(input: unknown): RolloutResult {
  const parsed = RolloutTaskSchema.safeParse(input);
  if (!parsed.success) throw new BadInputError(`rollout task: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const task = parsed.data;
  const { env: e, steps: T, seqLen: L } = task;
  if (T % L !== 0) throw new BadInputError(`rollout task: steps (${T}) must be a multiple of seqLen (${L})`);
  const { s, feats } = barsFor(task.data.rawDir, task.data.instrument);
  const env = new VecEnv(s, e.total, { episodeLength: e.episodeLength, window: e.window, seed: e.seed, ...(e.start !== undefined ? { start: e.start } : {}), ...(e.end !== undefined ? { end: e.end } : {}) }, feats, e.from, e.to);
  const policy = new LstmPolicy({ obsDim: task.policy.obsDim, numActions: NUM_ACTIONS, hidden: task.policy.hidden, dtype: task.policy.dtype, rng: new Rng(0) });
  const params = policy.orderedParams();
  if (task.policy.params.length !== params.length) throw new BadInputError(`rollout task: ${task.policy.params.length} parameter tensors, the LSTM policy has ${params.length}`);
  params.forEach((p, k) => {
    const v = task.policy.dtype === 'float32' ? fromB64(task.policy.params[k]!, Float32Array) : fromB64(task.policy.params[k]!, Float64Array);
    if (v.length !== p.data.length) throw new BadInputError(`rollout task: parameter ${k} has ${v.length} values, expected ${p.data.length}`);
    p.data.set(v);
  });
  if (env.obsDim !== policy.obsDim) throw new BadInputError(`rollout task: env observations have ${env.obsDim} values, the policy expects ${policy.obsDim}`);
  const N = env.numEnvs;
  const D = env.obsDim;
  const A = policy.numActions;
  const S = policy.stateSize;
  const rng = new Rng(mixSeed(e.seed, task.iteration, task.shard));
  const obs = new Float32Array(T * N * D);
  const actions = new Int32Array(T * N);
  const logp = new Float64Array(T * N);
  const values = new Float64Array(T * N);
  const rewards = new Float64Array(T * N);
  const dones = new Uint8Array(T * N);
  const chunkStates: Data = policy.dtype === 'float32' ? new Float32Array((T / L) * N * S) : new Float64Array((T / L) * N * S);
  const episodeReturns: number[] = [];
  const step = policy.stepper();
  const acts = new Int32Array(N);
  env.reset();
  let state = policy.initialState(N);
  for (let t = 0; t < T; t++) {
    if (t % L === 0) chunkStates.set(state, (t / L) * N * S);
    obs.set(env.obs, t * N * D);
    const out = step(env.obs, N, state);
    for (let i = 0; i < N; i++) {
      const a = sampleCategorical(out.probs, i * A, A, rng);
      acts[i] = a;
      actions[t * N + i] = a;
      logp[t * N + i] = Math.log(Math.max(out.probs[i * A + a]!, 1e-12));
      values[t * N + i] = out.values[i]!;
    }
    env.step(acts);
    state = out.state;
    for (let i = 0; i < N; i++) {
      rewards[t * N + i] = env.rewards[i]!;
      const d = env.dones[i]!;
      dones[t * N + i] = d;
      if (d) {
        if ((t + 1) % L !== 0) throw new BadInputError(`an episode ended inside a training chunk (step ${t + 1} of the rollout): use an episode length that is a multiple of seqLen (${L})`);
        episodeReturns.push(env.episodeReturns[i]!);
        state.fill(0, i * S, (i + 1) * S);
      }
    }
  }
  const last = step(env.obs, N, state).values;
  return {
    kind: 'rollout', shard: task.shard, numEnvs: N, obs: toB64(obs), actions: toB64(actions), logp: toB64(logp), values: toB64(values),
    rewards: toB64(rewards), dones: toB64(dones), episodeReturns, chunkStates: toB64(chunkStates), lastValues: toB64(last),
  };
}
