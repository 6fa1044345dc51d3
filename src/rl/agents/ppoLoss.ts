/**
 * PPO's loss on one minibatch of sequence chunks: clipped surrogate, value loss and entropy
 * bonus, back-propagated into the policy's parameters. Shared by the trainer and its
 * gradient worker so both halves of a split minibatch run the same code.
 */
import { Tensor, add, backward, clamp, exp, mean, mul, neg, pick, pow, relu, scale, sub, sum, type Data } from '../../ml/nn/index.ts';
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

/** Chunks [from, to) of a minibatch (views, no copies). */
export function sliceMinibatch(mb: PpoMinibatch, from: number, to: number, D: number, S: number): PpoMinibatch {
  const L = mb.L;
  const rows = (a: Data, w: number): Data => a.subarray(from * L * w, to * L * w);
  return { x: rows(mb.x, D), st: mb.st.subarray(from * S, to * S), act: mb.act.subarray(from * L, to * L), oldLp: rows(mb.oldLp, 1), adv: rows(mb.adv, 1), ret: rows(mb.ret, 1), M: to - from, L };
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
