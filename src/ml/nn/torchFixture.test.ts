import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backward } from './autograd.ts';
import { gru } from './gru.ts';
import { linear } from './layers.ts';
import { lstm, lstmComposite } from './lstm.ts';
import { mseLoss } from './losses.ts';
import { matmul, select } from './ops.ts';
import { Adam } from './optim.ts';
import { type Tensor, tensor } from './tensor.ts';

type Nested = number | Nested[];
interface Case {
  input: Nested;
  target: Nested;
  loss: number;
  params: Record<string, Nested>;
  hidden_seq: Nested;
  pred: Nested;
  grads: Record<string, Nested>;
  input_grad: Nested;
}
const fx = JSON.parse(readFileSync(new URL('../../../test/fixtures/nn_torch.json', import.meta.url), 'utf8')) as {
  lstm: Case;
  gru: Case;
  adam: { w0: number[][]; x: number[][]; y: number[][]; lr: number; betas: [number, number]; eps: number; w_after_each_step: number[][][] };
};

function flat(v: Nested): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v];
}

function expectClose(actual: Tensor | Float64Array | number[], expected: Nested, tol: number): void {
  const a = Array.from(Array.isArray(actual) || actual instanceof Float64Array ? actual : actual.data);
  const e = flat(expected);
  expect(a.length).toBe(e.length);
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i]! - e[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
}

function run(kind: 'lstm' | 'gru', composite = false) {
  const c = fx[kind];
  const P = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, tensor(v, { requiresGrad: true })]));
  const x = tensor(c.input, { requiresGrad: true });
  const w = { wIh: P.weight_ih_l0!, wHh: P.weight_hh_l0!, bIh: P.bias_ih_l0!, bHh: P.bias_hh_l0! };
  const r = kind === 'lstm' ? (composite ? lstmComposite(x, w) : lstm(x, w)) : gru(x, w);
  const pred = linear(select(r.out, 1, -1), P['head.weight']!, P['head.bias']!);
  const loss = mseLoss(pred, tensor(c.target));
  backward(loss);
  return { c, P, x, r, pred, loss };
}

describe('PyTorch reference (test/fixtures/nn_torch.json, float64)', () => {
  for (const kind of ['lstm', 'gru'] as const) {
    it(`${kind}: hidden sequence, prediction, loss and every gradient to 1e-9`, () => {
      const { c, P, x, r, pred, loss } = run(kind);
      expectClose(r.out, c.hidden_seq, 1e-9);
      expectClose(pred, c.pred, 1e-9);
      expect(Math.abs(loss.item() - c.loss)).toBeLessThanOrEqual(1e-9);
      for (const [name, g] of Object.entries(c.grads)) expectClose(P[name]!.grad!, g, 1e-9);
      expectClose(x.grad!, c.input_grad, 1e-9);
    });
  }

  it('lstm built from primitive ops agrees with the fused kernel and torch', () => {
    const { c, P, x, r } = run('lstm', true);
    expectClose(r.out, c.hidden_seq, 1e-9);
    for (const [name, g] of Object.entries(c.grads)) expectClose(P[name]!.grad!, g, 1e-9);
    expectClose(x.grad!, c.input_grad, 1e-9);
  });

  it('three Adam steps on a linear model to 1e-12', () => {
    const a = fx.adam;
    const w = tensor(a.w0, { requiresGrad: true });
    const xb = tensor(a.x);
    const yb = tensor(a.y);
    const opt = new Adam([w], { lr: a.lr, betas: a.betas, eps: a.eps });
    for (let s = 0; s < 3; s++) {
      opt.zeroGrad();
      backward(mseLoss(matmul(xb, w, { transB: true }), yb));
      opt.step();
      expectClose(w, a.w_after_each_step[s]!, 1e-12);
    }
  });
});
