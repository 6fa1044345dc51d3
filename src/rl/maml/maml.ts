/**
 * Model-agnostic meta-learning (Finn et al. 2017) for the LSTM actor-critic over tasks that are
 * (instrument type, timeframe) pairs. Inner loop: from the meta-parameters theta, collect
 * episodes on the task and take `innerSteps` gradient steps of the actor-critic loss on a
 * copy, theta' = theta - alpha * grad L_support(theta), never writing theta. Outer loop:
 * collect episodes with theta', and step theta along the gradient of L_query(theta') through
 * the inner steps: exact second order (the inner gradient is on the tape, so the LSTM's
 * backward is differentiated again), or first order (`firstOrder`: the inner gradient is
 * treated as a constant, FOMAML) as a documented cheaper option.
 */
import { BadInputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';
import { Adam, Tensor, add, alloc, exp, grad, mean, mul, neg, pick, pow, scale, sub, sum, zeros, type DType } from '../../ml/nn/index.ts';
import { LstmPolicy, lstmPolicyForward } from '../agents/lstmPolicy.ts';
import { logSoftmax } from '../../ml/nn/index.ts';
import { sampleCategorical } from '../agents/ppo.ts';
import { NUM_ACTIONS } from '../env/actions.ts';
import type { VecEnv } from '../env/vecEnv.ts';

/** One collected batch: whole episodes from a zero state, with constant advantages and returns. */
export interface TaskBatch {
  /** [N, T, obsDim]. */
  x: Tensor;
  actions: Int32Array;
  /** Normalised advantages [N*T]. */
  adv: Tensor;
  /** Discounted returns [N*T]. */
  returns: Tensor;
  /** Mean episode return (equity / initial - 1). */
  episodeReturn: number;
}

/** MAML settings. */
export interface MamlOptions {
  seed?: number;
  /** Inner-loop step size alpha (default 0.05). */
  innerLr?: number;
  /** Inner gradient steps (default 1). */
  innerSteps?: number;
  /** Outer Adam learning rate (default 1e-3). */
  outerLr?: number;
  /** First-order approximation instead of second-order gradients (default false). */
  firstOrder?: boolean;
  gamma?: number;
  lambda?: number;
  vfCoef?: number;
  entCoef?: number;
}

/** Actor-critic loss of `params` on a batch: -E[log pi * A] + c_v E[(V - R)^2] - c_e H. */
export function actorCriticLoss(params: readonly Tensor[], b: TaskBatch, hidden: number, vfCoef: number, entCoef: number): Tensor {
  const N = b.x.shape[0]!;
  const dtype = b.x.dtype;
  const h0 = zeros([N, hidden], dtype);
  const { logits, values } = lstmPolicyForward(params, b.x, h0, zeros([N, hidden], dtype));
  const lp = logSoftmax(logits);
  const R = b.actions.length;
  const pg = neg(mean(mul(pick(lp, b.actions), b.adv)));
  const vl = mean(pow(sub(values, b.returns), 2));
  const ent = scale(sum(mul(exp(lp), lp)), -1 / R);
  return add(add(pg, scale(vl, vfCoef)), scale(ent, -entCoef));
}

/** Runs every env copy for one whole episode with `params`; GAE advantages from the critic. */
export function collectBatch(policy: LstmPolicy, params: readonly Tensor[], env: VecEnv, rng: Rng, gamma = 0.99, lambda = 0.95): TaskBatch {
  const N = env.numEnvs;
  const T = env.envs[0]!.episodeLength;
  const D = env.obsDim;
  const A = NUM_ACTIONS;
  env.reset();
  let state = policy.initialState(N);
  const x = alloc(policy.dtype, N * T * D);
  const actions = new Int32Array(N * T);
  const rewards = new Float64Array(N * T);
  const values = new Float64Array(N * T);
  const acts = new Int32Array(N);
  let epRet = 0;
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < N; i++) x.set(env.obs.subarray(i * D, (i + 1) * D), (i * T + t) * D);
    const out = policy.step(env.obs, N, state, params);
    for (let i = 0; i < N; i++) {
      acts[i] = sampleCategorical(out.probs, i * A, A, rng);
      actions[i * T + t] = acts[i]!;
      values[i * T + t] = out.values[i]!;
    }
    env.step(acts);
    state = out.state;
    for (let i = 0; i < N; i++) {
      rewards[i * T + t] = env.rewards[i]!;
      if (env.dones[i]) epRet += env.episodeReturns[i]! / N;
    }
  }
  const adv = new Float64Array(N * T);
  const ret = alloc(policy.dtype, N * T);
  for (let i = 0; i < N; i++) {
    let gae = 0;
    for (let t = T - 1; t >= 0; t--) {
      const k = i * T + t;
      const nextV = t === T - 1 ? 0 : values[k + 1]!;
      const delta = rewards[k]! + gamma * nextV - values[k]!;
      gae = delta + gamma * lambda * gae;
      adv[k] = gae;
      ret[k] = gae + values[k]!;
    }
  }
  let mu = 0;
  for (const v of adv) mu += v / adv.length;
  let sd = 0;
  for (const v of adv) sd += (v - mu) ** 2 / adv.length;
  sd = Math.sqrt(sd) + 1e-8;
  const advN = alloc(policy.dtype, N * T);
  for (let k = 0; k < adv.length; k++) advN[k] = (adv[k]! - mu) / sd;
  return { x: new Tensor(x, [N, T, D]), actions, adv: new Tensor(advN, [N * T]), returns: new Tensor(ret, [N * T]), episodeReturn: epRet };
}

/** Meta-learner over a shared LSTM actor-critic. */
export class Maml {
  readonly policy: LstmPolicy;
  readonly opt: Adam;
  readonly rng: Rng;
  readonly o: Required<MamlOptions>;

  constructor(obsDim: number, hidden: number, opts: MamlOptions = {}, dtype: DType = 'float64') {
    this.o = {
      seed: opts.seed ?? 0, innerLr: opts.innerLr ?? 0.05, innerSteps: opts.innerSteps ?? 1, outerLr: opts.outerLr ?? 1e-3, firstOrder: opts.firstOrder ?? false,
      gamma: opts.gamma ?? 0.99, lambda: opts.lambda ?? 0.95, vfCoef: opts.vfCoef ?? 0.5, entCoef: opts.entCoef ?? 0.01,
    };
    if (!(this.o.innerSteps >= 1)) throw new BadInputError(`innerSteps must be >= 1, got ${this.o.innerSteps}`);
    this.rng = new Rng(this.o.seed);
    this.policy = new LstmPolicy({ obsDim, numActions: NUM_ACTIONS, hidden, rng: this.rng.fork(), dtype });
    this.opt = new Adam(this.policy.parameters(), { lr: this.o.outerLr });
  }

  /** One inner step from `params` on `batch`: params - alpha * grad (on the tape unless first order or `detach`). */
  innerStep(params: readonly Tensor[], batch: TaskBatch, detach = false): Tensor[] {
    const { innerLr, vfCoef, entCoef, firstOrder } = this.o;
    const loss = actorCriticLoss(params, batch, this.policy.hidden, vfCoef, entCoef);
    const create = !firstOrder && !detach;
    const g = grad(loss, params, { createGraph: create });
    return params.map((p, k) => {
      const step = sub(p, scale(create ? g[k]! : g[k]!.detach(), innerLr));
      if (detach) return new Tensor(step.data, step.shape, true);
      return step;
    });
  }

  /** The meta-objective for fixed batches: L_query(theta'), theta' = inner steps on the support batches. */
  metaObjective(params: readonly Tensor[], support: readonly TaskBatch[], query: TaskBatch): Tensor {
    let p = params;
    for (const s of support) p = this.innerStep(p, s);
    return actorCriticLoss(p, query, this.policy.hidden, this.o.vfCoef, this.o.entCoef);
  }

  /**
   * Adapts a copy of the meta-parameters to a task (collect, step, repeat `steps` times);
   * the meta-parameters are not written. Returns the adapted (detached) parameters and the
   * support batches used.
   */
  adapt(env: VecEnv, steps = this.o.innerSteps, params: readonly Tensor[] = this.policy.orderedParams(), keepGraph = false): { params: Tensor[]; support: TaskBatch[] } {
    let p = params.slice();
    const support: TaskBatch[] = [];
    for (let s = 0; s < steps; s++) {
      const b = collectBatch(this.policy, p, env, this.rng, this.o.gamma, this.o.lambda);
      support.push(b);
      p = this.innerStep(p, b, !keepGraph);
    }
    return { params: p, support };
  }

  /** One meta-update over a batch of task envs; returns the mean pre- and post-adaptation episode returns. */
  metaStep(tasks: readonly VecEnv[]): { preReturn: number; postReturn: number; metaLoss: number } {
    const theta = this.policy.orderedParams();
    const acc = theta.map((p) => alloc(p.dtype, p.size));
    let pre = 0;
    let post = 0;
    let lossSum = 0;
    for (const env of tasks) {
      const { params: adapted, support } = this.adapt(env, this.o.innerSteps, theta, true);
      pre += support[0]!.episodeReturn / tasks.length;
      const query = collectBatch(this.policy, adapted, env, this.rng, this.o.gamma, this.o.lambda);
      post += query.episodeReturn / tasks.length;
      const loss = actorCriticLoss(adapted, query, this.policy.hidden, this.o.vfCoef, this.o.entCoef);
      lossSum += loss.item() / tasks.length;
      const g = grad(loss, theta, { allowUnused: true });
      g.forEach((gk, k) => {
        const a = acc[k]!;
        for (let i = 0; i < a.length; i++) a[i] = a[i]! + gk.data[i]! / tasks.length;
      });
    }
    this.opt.zeroGrad();
    theta.forEach((p, k) => (p.grad = new Tensor(acc[k]!, p.shape)));
    this.opt.step();
    return { preReturn: pre, postReturn: post, metaLoss: lossSum };
  }
}
