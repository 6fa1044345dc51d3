import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { Tensor, backward, sum } from '../../src/ml/nn/index.ts';
import { sampleDaily } from '../../src/rl/data/sampleDatasets.ts';
import { NUM_ACTIONS } from '../../src/rl/env/actions.ts';
import { TradingEnv } from '../../src/rl/env/tradingEnv.ts';
import { MoePolicy } from '../../src/rl/moe/moePolicy.ts';
import { Regime, labelRegimes } from '../../src/rl/moe/regimes.ts';

const ttrc = (): ReturnType<typeof sampleDaily>[number] => sampleDaily().find((s) => s.instrument === 'TTRC')!;

describe('mixture of experts', () => {
  it('mixes the experts\' action distributions with the gate weights, in the rollout and the training pass alike', () => {
    const env = new TradingEnv(ttrc(), { episodeLength: 10 });
    const pol = new MoePolicy({ obsDim: env.obsDim, numActions: NUM_ACTIONS, window: env.window, hidden: 8, rng: new Rng(4), dtype: 'float64' });
    const obs = Float32Array.from(env.reset(500));
    const out = pol.step(obs, 1, pol.initialState(1));
    const g = out.gate!;
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const mix = new Float64Array(NUM_ACTIONS);
    pol.experts.forEach((e, k) => {
      const p = e.step(obs, 1, e.initialState(1)).probs;
      for (let a = 0; a < NUM_ACTIONS; a++) mix[a] = mix[a]! + g[k]! * p[a]!;
    });
    for (let a = 0; a < NUM_ACTIONS; a++) expect(out.probs[a]).toBeCloseTo(mix[a]!, 12);
    const seq = pol.sequence(new Tensor(Float64Array.from(obs), [1, 1, env.obsDim]), pol.initialState(1));
    for (let a = 0; a < NUM_ACTIONS; a++) expect(Math.exp(seq.logProbs.data[a]!)).toBeCloseTo(mix[a]! + 1e-8, 10);
    // Joint training: the loss reaches the gate and every expert.
    backward(sum(seq.logProbs));
    expect(pol.gate1.weight.grad).not.toBeNull();
    for (const e of pol.experts) expect(e.lstm.parameters()[0]!.grad).not.toBeNull();
  });

  it('labels regimes from past data only and finds all four on TTRC', () => {
    const s = ttrc();
    const r = labelRegimes(s, { fitEnd: 3000 });
    const seen = new Set(r);
    expect([Regime.TREND, Regime.MEAN_REVERSION, Regime.VOLATILE, Regime.CONSOLIDATION].every((k) => seen.has(k))).toBe(true);
    const cut = 4000;
    const bump = (x: Float64Array): Float64Array => x.map((v, i) => (i > cut ? v * 1.5 : v));
    const d = labelRegimes({ ...s, close: bump(s.close), high: bump(s.high), low: s.low, open: s.open }, { fitEnd: 3000 });
    expect(Array.from(d.subarray(cut + 1))).not.toEqual(Array.from(r.subarray(cut + 1)));
    expect(Array.from(d.subarray(0, cut + 1))).toEqual(Array.from(r.subarray(0, cut + 1)));
  });
});
