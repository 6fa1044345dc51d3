import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { sampleDaily } from '../../src/rl/data/sampleDatasets.ts';
import { PpoAgent } from '../../src/rl/agents/ppoAgent.ts';
import { VecEnv } from '../../src/rl/env/vecEnv.ts';
import { WorkerVecEnv } from '../../src/rl/env/workerVecEnv.ts';

describe('vectorised envs', () => {
  it('worker-thread copies step exactly like in-thread copies (same seeds, same draws)', async () => {
    const s = sampleDaily().find((x) => x.instrument === 'TTRC')!;
    const opts = { episodeLength: 20, seed: 9 };
    const a = new VecEnv(s, 4, opts);
    const b = new WorkerVecEnv(s, 4, 2, opts);
    try {
      a.reset();
      await b.reset();
      expect(Array.from(b.obs)).toEqual(Array.from(a.obs));
      const rng = new Rng(1);
      const acts = new Int32Array(4);
      let dones = 0;
      for (let t = 0; t < 45; t++) {
        for (let i = 0; i < 4; i++) acts[i] = rng.int(5);
        a.step(acts);
        await b.step(acts);
        expect(Array.from(b.rewards)).toEqual(Array.from(a.rewards));
        expect(Array.from(b.obs)).toEqual(Array.from(a.obs));
        dones += a.dones.reduce((x, y) => x + y, 0);
      }
      expect(dones).toBe(8);
      expect(Array.from(b.episodeReturns)).toEqual(Array.from(a.episodeReturns));
    } finally {
      await b.close();
    }
  });

  it('PPO trains the same on worker-thread rollouts as on in-thread ones', async () => {
    const s = sampleDaily().find((x) => x.instrument === 'TTRC')!;
    const opts = { episodeLength: 16, seed: 4 };
    const train = async (env: VecEnv | WorkerVecEnv): Promise<number[]> => {
      const agent = new PpoAgent({ obsDim: env.obsDim, seed: 4, rolloutSteps: 16, seqLen: 16, epochs: 1 });
      await agent.learn(env, 2);
      return agent.policy.parameters().flatMap((p) => Array.from(p.data));
    };
    const w = new WorkerVecEnv(s, 4, 2, opts);
    try {
      expect(await train(w)).toEqual(await train(new VecEnv(s, 4, opts)));
    } finally {
      await w.close();
    }
  });
});
