import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { fromRows } from '../data.ts';
import { rocAuc } from '../metrics/rocAuc.ts';
import { initMlp, mlpLossAndGradients, mlpPredict, trainMlp } from './mlp.ts';

describe('MLP', () => {
  for (const [activation, output, y] of [
    ['tanh', 'sigmoid', [1, 0, 1]],
    ['relu', 'softmax', [2, 0, 1]],
    ['tanh', 'linear', [0.3, -1.2, 2]],
  ] as const) {
    it(`backprop matches finite differences (${activation}, ${output})`, () => {
      const rng = new Rng(1);
      const m = initMlp([4, 5, 3, output === 'softmax' ? 3 : 1], activation, output, rng);
      const X = fromRows([
        [0.5, -1, 2, 0.1],
        [1.5, 0.2, -0.3, 0.7],
        [-0.4, 0.9, 0.05, -1.1],
      ]);
      const l2 = 0.01;
      const { gW, gB } = mlpLossAndGradients(m, X, y, l2);
      const h = 1e-6;
      for (const [P, G] of [...m.weights.map((w, l) => [w, gW[l]!] as const), ...m.biases.map((b, l) => [b, gB[l]!] as const)]) {
        for (let i = 0; i < P.length; i++) {
          const v = P[i]!;
          P[i] = v + h;
          const up = mlpLossAndGradients(m, X, y, l2).loss;
          P[i] = v - h;
          const dn = mlpLossAndGradients(m, X, y, l2).loss;
          P[i] = v;
          expect(Math.abs((up - dn) / (2 * h) - G[i]!)).toBeLessThan(1e-7);
        }
      }
    });
  }

  it('learns XOR-like data a linear model cannot', () => {
    const r = new Rng(2);
    const n = 2000;
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = r.uniform(-1, 1);
      const b = r.uniform(-1, 1);
      rows.push([a, b]);
      y.push(a * b > 0 ? 1 : 0);
    }
    const X = fromRows(rows);
    const m = trainMlp(X, y, { hidden: [16], activation: 'tanh', epochs: 60, learningRate: 0.01, batchSize: 32, seed: 3 });
    expect(rocAuc(y, mlpPredict(m, X))).toBeGreaterThan(0.97);
    const again = trainMlp(X, y, { hidden: [16], activation: 'tanh', epochs: 2, learningRate: 0.01, batchSize: 32, seed: 3 });
    const again2 = trainMlp(X, y, { hidden: [16], activation: 'tanh', epochs: 2, learningRate: 0.01, batchSize: 32, seed: 3 });
    expect(Array.from(again.weights[0]!)).toEqual(Array.from(again2.weights[0]!));
  });
});
