/**
 * PPO's loss on one minibatch of sequence chunks: clipped surrogate, value loss and entropy
 * bonus, back-propagated into the policy's parameters. Shared by the trainer and its
 * gradient worker so both halves of a split minibatch run the same code.
 */
import { Tensor, add, alloc, backward, clamp, exp, mean, mul, neg, pick, pow, relu, scale, sub, sum, type DType, type Data } from '../../ml/nn/index.ts';
import type { RecurrentPolicy } from './policy.ts';

/** One minibatch: M chunks of L steps; advantages already normalised. */
export interface PpoMinibatch {
  x: Data;
  st: Data;
  act: Int32Array;
  oldLp: Data;
  adv: Data;
  ret: Data;
  M: number;
  L: number;
}

/** Loss weights. */
export interface LossCoefs {
  clip: number;
  vfCoef: number;
  entCoef: number;
}

/** Loss values of a minibatch (kl = mean of old - new log-probability). */
export interface PpoLossStats {
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  kl: number;
}

/** The rollout arrays a minibatch is cut from, time-major [T, N]; chunk j = (k, i) is steps kL..kL+L-1 of env i (k = j / N). */
export interface RolloutView {
  obs: Float32Array;
  chunkStates: Data;
  actions: Int32Array;
  logp: Float64Array;
  adv: Float64Array;
  returns: Float64Array;
}

/** Mean and deviation (+1e-8) of the advantages of chunks[from, to), summed in chunk then step order. */
export function advantageMoments(roll: RolloutView, chunks: Int32Array, from: number, to: number, N: number, L: number): { mu: number; sd: number } {
  let mu = 0;
  for (let m = from; m < to; m++) {
    const j = chunks[m]!;
    const k = Math.floor(j / N);
    const i = j % N;
    for (let l = 0; l < L; l++) mu += roll.adv[(k * L + l) * N + i]!;
  }
  const n = (to - from) * L;
  mu /= n;
  let sd = 0;
  for (let m = from; m < to; m++) {
    const j = chunks[m]!;
    const k = Math.floor(j / N);
    const i = j % N;
    for (let l = 0; l < L; l++) sd += (roll.adv[(k * L + l) * N + i]! - mu) ** 2;
  }
  return { mu, sd: Math.sqrt(sd / n) + 1e-8 };
}

/** Minibatch of chunks[from, to), advantages normalised with (mu, sd); element loops, since a view per row costs more than its few values. */
export function assembleMinibatch(roll: RolloutView, chunks: Int32Array, from: number, to: number, N: number, L: number, D: number, S: number, dtype: DType, mu: number, sd: number): PpoMinibatch {
  const M = to - from;
  const x = alloc(dtype, M * L * D);
  const st = alloc(dtype, M * S);
  const act = new Int32Array(M * L);
  const oldLp = alloc(dtype, M * L);
  const adv = alloc(dtype, M * L);
  const ret = alloc(dtype, M * L);
  const { obs, chunkStates } = roll;
  for (let m = 0; m < M; m++) {
    const j = chunks[from + m]!;
    const k = Math.floor(j / N);
    const i = j % N;
    const s0 = (k * N + i) * S;
    for (let q = 0; q < S; q++) st[m * S + q] = chunkStates[s0 + q]!;
    for (let l = 0; l < L; l++) {
      const src = (k * L + l) * N + i;
      const r = m * L + l;
      for (let q = 0; q < D; q++) x[r * D + q] = obs[src * D + q]!;
      act[r] = roll.actions[src]!;
      oldLp[r] = roll.logp[src]!;
      adv[r] = (roll.adv[src]! - mu) / sd;
      ret[r] = roll.returns[src]!;
    }
  }
  return { x, st, act, oldLp, adv, ret, M, L };
}

/** Forward, loss and backward on `mb`; gradients accumulate into the policy's `.grad`. */
export function ppoLossBackward(policy: RecurrentPolicy, mb: PpoMinibatch, c: LossCoefs): PpoLossStats {
  const { M, L } = mb;
  const R = M * L;
  const D = policy.obsDim;
  const copy = (d: Data): Data => d.slice();
  const out = policy.sequence(new Tensor(copy(mb.x), [M, L, D]), copy(mb.st));
  const newLp = pick(out.logProbs, mb.act.slice());
  const ratio = exp(sub(newLp, new Tensor(copy(mb.oldLp), [R])));
  const a = new Tensor(copy(mb.adv), [R]);
  const s1 = mul(ratio, a);
  const s2 = mul(clamp(ratio, 1 - c.clip, 1 + c.clip), a);
  const surr = sub(s1, relu(sub(s1, s2))); // min(s1, s2)
  const policyLoss = neg(mean(surr));
  const valueLoss = mean(pow(sub(out.values, new Tensor(copy(mb.ret), [R])), 2));
  const entropy = scale(sum(mul(exp(out.logProbs), out.logProbs)), -1 / R);
  const loss = add(add(policyLoss, scale(valueLoss, c.vfCoef)), scale(entropy, -c.entCoef));
  backward(loss);
  let kl = 0;
  for (let r = 0; r < R; r++) kl += mb.oldLp[r]! - newLp.data[r]!;
  return { policyLoss: policyLoss.item(), valueLoss: valueLoss.item(), entropy: entropy.item(), kl: kl / R };
}
