/**
 * PPO's loss on one minibatch of sequence chunks: clipped surrogate, value loss and entropy
 * bonus, back-propagated into the policy's parameters. Shared by the trainer and its
 * gradient worker so both halves of a split minibatch run the same code.
 */
import { Tensor, add, alloc, backward, clamp, exp, isGradEnabled, mean, mul, neg, pick, pow, record, relu, scale, secondOrderRule, sub, sum, type DType, type Data } from '../../ml/nn/index.ts';
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
  const D = policy.obsDim;
  const out = policy.sequence(new Tensor(mb.x.slice(), [M, L, D]), mb.st.slice());
  const { loss, stats } = ppoObjective(out.logProbs, out.values, mb, c);
  backward(loss);
  return stats;
}

/** The PPO objective from primitive ops (every step on the tape): the reference `ppoObjective` is tested against, and its second-order rule. */
export function ppoObjectiveComposite(logProbs: Tensor, values: Tensor, mb: PpoTargets, c: LossCoefs): { loss: Tensor; policyLoss: Tensor; valueLoss: Tensor; entropy: Tensor; newLp: Tensor } {
  const R = values.size;
  const copy = (d: Data): Data => d.slice();
  const newLp = pick(logProbs, mb.act.slice());
  const ratio = exp(sub(newLp, new Tensor(copy(mb.oldLp), [R])));
  const a = new Tensor(copy(mb.adv), [R]);
  const s1 = mul(ratio, a);
  const s2 = mul(clamp(ratio, 1 - c.clip, 1 + c.clip), a);
  const surr = sub(s1, relu(sub(s1, s2))); // min(s1, s2)
  const policyLoss = neg(mean(surr));
  const valueLoss = mean(pow(sub(values, new Tensor(copy(mb.ret), [R])), 2));
  const entropy = scale(sum(mul(exp(logProbs), logProbs)), -1 / R);
  const loss = add(add(policyLoss, scale(valueLoss, c.vfCoef)), scale(entropy, -c.entCoef));
  return { loss, policyLoss, valueLoss, entropy, newLp };
}

/** What the objective compares the new policy with, per row. */
export type PpoTargets = Pick<PpoMinibatch, 'act' | 'oldLp' | 'adv' | 'ret'>;

/**
 * The PPO objective as one op over log-probabilities [R, A] and values [R]: clipped surrogate
 * (min of ratio·A and clip(ratio)·A), value loss (mean squared error against the returns) and
 * entropy bonus, loss = policy + vfCoef·value - entCoef·entropy. Forward and backward are two
 * passes over the rows in float64 instead of some twenty tape ops; the subgradients are the
 * composite's (clip passes the gradient on [1-ε, 1+ε], the min takes s1 unless s1 > s2).
 */
export function ppoObjective(logProbs: Tensor, values: Tensor, mb: PpoTargets, c: LossCoefs): { loss: Tensor; stats: PpoLossStats } {
  const R = values.size;
  const A = logProbs.size / R;
  const LP = logProbs.data;
  const V = values.data;
  const lo = 1 - c.clip;
  const hi = 1 + c.clip;
  let surr = 0;
  let sq = 0;
  let plogp = 0;
  let kl = 0;
  for (let r = 0; r < R; r++) {
    const lp = LP[r * A + mb.act[r]!]!;
    const ratio = Math.exp(lp - mb.oldLp[r]!);
    const adv = mb.adv[r]!;
    surr += Math.min(ratio * adv, Math.min(Math.max(ratio, lo), hi) * adv);
    const d = V[r]! - mb.ret[r]!;
    sq += d * d;
    for (let k = r * A; k < r * A + A; k++) plogp += Math.exp(LP[k]!) * LP[k]!;
    kl += mb.oldLp[r]! - lp;
  }
  const stats: PpoLossStats = { policyLoss: -surr / R, valueLoss: sq / R, entropy: -plogp / R, kl: kl / R };
  const loss = new Tensor(alloc(values.dtype, 1), []);
  loss.data[0] = stats.policyLoss + c.vfCoef * stats.valueLoss - c.entCoef * stats.entropy;
  record('ppoObjective', [logProbs, values], [loss], ([g]) => {
    if (isGradEnabled()) return secondOrderRule(() => [ppoObjectiveComposite(logProbs, values, mb, c).loss], [logProbs, values], [g!]);
    const up = g!.data[0]!;
    const dLp = alloc(logProbs.dtype, logProbs.size);
    const dV = alloc(values.dtype, R);
    const ent = (up * c.entCoef) / R;
    for (let r = 0; r < R; r++) {
      for (let k = r * A; k < r * A + A; k++) dLp[k] = ent * Math.exp(LP[k]!) * (LP[k]! + 1);
      const a = mb.act[r]!;
      const ratio = Math.exp(LP[r * A + a]! - mb.oldLp[r]!);
      const adv = mb.adv[r]!;
      const s1 = ratio * adv;
      const clipped = Math.min(Math.max(ratio, lo), hi);
      // d min(s1, s2) / d ratio: s1's slope unless the clipped side is smaller; the clipped side's slope is 0 outside [lo, hi].
      const slope = s1 - clipped * adv > 0 ? (ratio >= lo && ratio <= hi ? adv : 0) : adv;
      dLp[r * A + a] = dLp[r * A + a]! - (up / R) * slope * ratio;
      dV[r] = (up * c.vfCoef * 2 * (V[r]! - mb.ret[r]!)) / R;
    }
    return [new Tensor(dLp, logProbs.shape), new Tensor(dV, values.shape)];
  });
  return { loss, stats };
}
