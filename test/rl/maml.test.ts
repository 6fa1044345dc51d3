import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { Tensor, grad } from '../../src/ml/nn/index.ts';
import { sampleDaily } from '../../src/rl/data/sampleDatasets.ts';
import { VecEnv } from '../../src/rl/env/vecEnv.ts';
import { Maml, collectBatch } from '../../src/rl/maml/maml.ts';

const ttrc = (): ReturnType<typeof sampleDaily>[number] => sampleDaily().find((s) => s.instrument === 'TTRC')!;

describe('MAML', () => {
  it('the second-order meta-gradient matches finite differences of the meta-objective', () => {
    const env = new VecEnv(ttrc(), 2, { episodeLength: 5, seed: 3, window: 2 });
    const maml = new Maml(env.obsDim, 4, { seed: 5, innerLr: 0.5 });
    const theta = maml.policy.orderedParams();
    const rng = new Rng(11);
    const support = collectBatch(maml.policy, theta, env, rng);
    const query = collectBatch(maml.policy, theta, env, rng);
    const F = (p: readonly Tensor[]): number => maml.metaObjective(p, [support], query).item();
    const g = grad(maml.metaObjective(theta, [support], query), theta);
    const fo = new Maml(env.obsDim, 4, { seed: 5, innerLr: 0.5, firstOrder: true });
    const gFirst = grad(fo.metaObjective(fo.policy.orderedParams(), [support], query), fo.policy.orderedParams());
    const dirRng = new Rng(2);
    let maxRel = 0;
    let foGap = 0;
    for (let trial = 0; trial < 3; trial++) {
      const v = theta.map((p) => Float64Array.from({ length: p.size }, () => dirRng.normal()));
      const eps = 1e-5;
      const shifted = (s: number): Tensor[] => theta.map((p, k) => new Tensor(Float64Array.from(p.data, (x, i) => x + s * eps * v[k]![i]!), p.shape, true));
      const fd = (F(shifted(1)) - F(shifted(-1))) / (2 * eps);
      let an = 0;
      let anFirst = 0;
      g.forEach((gk, k) => gk.data.forEach((x, i) => (an += x * v[k]![i]!)));
      gFirst.forEach((gk, k) => gk.data.forEach((x, i) => (anFirst += x * v[k]![i]!)));
      maxRel = Math.max(maxRel, Math.abs(fd - an) / Math.max(1e-8, Math.abs(fd)));
      foGap = Math.max(foGap, Math.abs(fd - anFirst) / Math.max(1e-8, Math.abs(fd)));
    }
    expect(maxRel).toBeLessThan(1e-5);
    // The first-order option drops the Hessian term, so it does not match as closely.
    expect(foGap).toBeGreaterThan(100 * maxRel);
  });

  it('adapts a copy without touching the meta-parameters', () => {
    const env = new VecEnv(ttrc(), 2, { episodeLength: 6, seed: 3, window: 2 });
    const maml = new Maml(env.obsDim, 4, { seed: 5, innerSteps: 2 });
    const before = maml.policy.parameters().map((p) => Array.from(p.data));
    const { params } = maml.adapt(env);
    expect(maml.policy.parameters().map((p) => Array.from(p.data))).toEqual(before);
    expect(params.map((p) => Array.from(p.data))).not.toEqual(before);
  });
});
