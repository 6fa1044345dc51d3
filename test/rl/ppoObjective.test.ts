import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { Tensor, grad, logSoftmax, sum, mul } from '../../src/ml/nn/index.ts';
import { ppoObjective, ppoObjectiveComposite, type PpoTargets } from '../../src/rl/agents/ppoLoss.ts';

const coefs = { clip: 0.2, vfCoef: 0.5, entCoef: 0.01 };

/** R rows of 5 actions in float64; old log-probabilities spread so ratios fall below, inside and above the clip range. */
function batch(R: number, seed: number): { logits: Tensor; values: Tensor; mb: PpoTargets } {
  const rng = new Rng(seed);
  const A = 5;
  const logits = new Tensor(Float64Array.from({ length: R * A }, () => rng.normal()), [R, A]);
  logits.requiresGrad = true;
  const values = new Tensor(Float64Array.from({ length: R }, () => rng.normal()), [R]);
  values.requiresGrad = true;
  const act = Int32Array.from({ length: R }, () => rng.int(A));
  const lp = logSoftmax(logits).data;
  const oldLp = Float64Array.from({ length: R }, (_, r) => lp[r * A + act[r]!]! + 0.5 * rng.normal());
  const adv = Float64Array.from({ length: R }, () => rng.normal());
  const ret = Float64Array.from({ length: R }, () => rng.normal());
  return { logits, values, mb: { act, oldLp, adv, ret } };
}

describe('ppoObjective (fused)', () => {
  it('matches the composite of primitive ops in value, statistics and gradients', () => {
    const { logits, values, mb } = batch(257, 3);
    const fused = ppoObjective(logSoftmax(logits), values, mb, coefs);
    const comp = ppoObjectiveComposite(logSoftmax(logits), values, mb, coefs);
    expect(fused.loss.item()).toBeCloseTo(comp.loss.item(), 12);
    expect(fused.stats.policyLoss).toBeCloseTo(comp.policyLoss.item(), 12);
    expect(fused.stats.valueLoss).toBeCloseTo(comp.valueLoss.item(), 12);
    expect(fused.stats.entropy).toBeCloseTo(comp.entropy.item(), 12);
    // the clip is active on some rows, or the test proves nothing about it
    const ratios = Array.from(comp.newLp.data, (lp, r) => Math.exp(lp - mb.oldLp[r]!));
    expect(ratios.some((x) => x > 1.2) && ratios.some((x) => x < 0.8) && ratios.some((x) => x > 0.8 && x < 1.2)).toBe(true);
    const [gl1, gv1] = grad(fused.loss, [logits, values]);
    const [gl2, gv2] = grad(comp.loss, [logits, values]);
    for (let i = 0; i < gl1!.size; i++) expect(gl1!.data[i]).toBeCloseTo(gl2!.data[i]!, 12);
    for (let i = 0; i < gv1!.size; i++) expect(gv1!.data[i]).toBeCloseTo(gv2!.data[i]!, 12);
  });

  it('differentiates twice through the composite rule (as MAML would)', () => {
    const { logits, values, mb } = batch(31, 4);
    const probe = new Tensor(Float64Array.from({ length: logits.size }, (_, i) => Math.sin(i)), logits.shape);
    const second = (obj: typeof ppoObjective | ((l: Tensor, v: Tensor, m: PpoTargets, c: typeof coefs) => { loss: Tensor })): Float64Array => {
      const [g] = grad(obj(logSoftmax(logits), values, mb, coefs).loss, [logits], { createGraph: true });
      return Float64Array.from(grad(sum(mul(g!, probe)), [logits])[0]!.data);
    };
    const a = second(ppoObjective);
    const b = second(ppoObjectiveComposite);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 12);
  });
});
