import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { TradepilotError } from '../../core/errors.ts';
import { backward, grad } from './autograd.ts';
import { gradCheck } from './gradcheck.ts';
import { hvp } from './hvp.ts';
import { Activation, LastStep, Linear, linear } from './layers.ts';
import { bceWithLogits, crossEntropy, huberLoss, mseLoss } from './losses.ts';
import { Lstm, lstm } from './lstm.ts';
import { Sequential } from './module.ts';
import { add, mul, scale, select, sub, sum, tanh } from './ops.ts';
import { Adam, Sgd, clipGradNorm } from './optim.ts';
import { loadParams, saveParams } from './params.ts';
import { type Tensor, randn, tensor } from './tensor.ts';

const rng = new Rng(21);
const r = (shape: number[], s = 1): Tensor => {
  const t = randn(shape, rng, s);
  t.requiresGrad = true;
  return t;
};

describe('losses (torch definitions)', () => {
  it('known values', () => {
    const p = tensor([0.5, -2, 3]);
    const y = tensor([0, 0, 1]);
    expect(mseLoss(p, y).item()).toBeCloseTo((0.25 + 4 + 4) / 3, 15);
    // torch.nn.HuberLoss(delta=1): 0.5*0.25, 2-0.5, 2-0.5
    expect(huberLoss(p, y).item()).toBeCloseTo((0.125 + 1.5 + 1.5) / 3, 15);
    // torch.nn.functional.cross_entropy([[1,2,3],[1,1,1]], [2,0]) = 0.9560576...
    const ce = crossEntropy(tensor([[1, 2, 3], [1, 1, 1]]), Int32Array.from([2, 0]));
    expect(ce.item()).toBeCloseTo((Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3 + Math.log(3)) / 2, 14);
    // BCE with logits: log(1+e^-z) for y=1, log(1+e^z) for y=0.
    const b = bceWithLogits(tensor([2, -1, 50]), tensor([1, 0, 0]));
    expect(b.item()).toBeCloseTo((Math.log1p(Math.exp(-2)) + Math.log1p(Math.exp(-1)) + 50) / 3, 12);
  });
  it('gradients match finite differences', () => {
    const y = randn([4, 3], rng);
    for (const f of [
      (a: Tensor) => mseLoss(a, y),
      (a: Tensor) => huberLoss(a, y, 0.7),
      (a: Tensor) => crossEntropy(a, Int32Array.from([0, 2, 1, 1])),
      (a: Tensor) => bceWithLogits(a, tensor([[1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0]])),
    ]) {
      expect(gradCheck(([a]) => f(a!), [r([4, 3])]).maxRelError).toBeLessThan(1e-6);
    }
  });
  it('rejects mismatched sizes and bad class indices', () => {
    expect(() => mseLoss(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/differ in size/);
    expect(() => crossEntropy(tensor([[1, 2]]), Int32Array.from([2]))).toThrow(/index 2 at row 0/);
  });
});

describe('optimisers (torch semantics)', () => {
  it('SGD with momentum, dampening, weight decay and Nesterov follows torch.optim.SGD', () => {
    const p = tensor([1, -2], { requiresGrad: true });
    const grads = [[0.5, 1], [-1, 2], [0.25, -0.5]];
    for (const o of [{ momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }, { momentum: 0.9, nesterov: true }]) {
      p.data.set([1, -2]);
      const opt = new Sgd([p], { lr: 0.1, ...o });
      const buf = [0, 0];
      const ref = [1, -2];
      grads.forEach((g, s) => {
        p.grad = tensor(g);
        opt.step();
        for (let i = 0; i < 2; i++) {
          let d = g[i]! + (o.weightDecay ?? 0) * ref[i]!;
          buf[i] = s === 0 ? d : 0.9 * buf[i]! + (1 - (o.dampening ?? 0)) * d;
          d = o.nesterov ? d + 0.9 * buf[i]! : buf[i]!;
          ref[i] = ref[i]! - 0.1 * d;
          expect(p.data[i]).toBeCloseTo(ref[i]!, 15);
        }
      });
    }
  });
  it('Adam weight decay: L2 in the gradient, or decoupled (AdamW)', () => {
    const p = tensor([2], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1, weightDecay: 0.5 });
    p.grad = tensor([0]);
    opt.step();
    // g = 0 + 0.5*2 = 1: m = 0.1, v = 0.001, step = lr * (m/0.1) / (sqrt(v/0.001) + eps) = 0.1/(1+1e-8)
    expect(p.data[0]).toBeCloseTo(2 - 0.1 / (1 + 1e-8), 15);
    const q = tensor([2], { requiresGrad: true });
    const w = new Adam([q], { lr: 0.1, weightDecay: 0.5, decoupled: true });
    q.grad = tensor([0]);
    w.step();
    expect(q.data[0]).toBeCloseTo(2 * (1 - 0.05), 15);
  });
  it('clipGradNorm scales to the max norm and returns the norm before', () => {
    const a = tensor([3], { requiresGrad: true });
    const b = tensor([0, 4], { requiresGrad: true });
    a.grad = tensor([3]);
    b.grad = tensor([0, 4]);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 15);
    expect(a.grad.data[0]).toBeCloseTo(3 / (5 + 1e-6), 15);
    expect(b.grad.data[1]).toBeCloseTo(4 / (5 + 1e-6), 15);
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(1, 5);
  });
  it('shared gradients are not aliased: clipping one leaf never scales another twice', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = tensor([3, 4], { requiresGrad: true });
    // add's backward hands the same gradient tensor to both leaves.
    backward(sum(add(x, y)));
    expect(clipGradNorm([x, y], 1)).toBeCloseTo(2, 15);
    for (const t of [x, y]) expect(Array.from(t.grad!.data).map((v) => +v.toFixed(6))).toEqual([0.5, 0.5]);
  });
});

describe('parameter files', () => {
  const build = (seed: number) => {
    const g = new Rng(seed);
    return new Sequential([new Lstm(3, 4, { rng: g }), new LastStep(), new Linear(4, 2, { rng: g })]);
  };
  it('round-trips exactly through JSON text', () => {
    const a = build(1);
    const b = build(2);
    loadParams(b, JSON.stringify(saveParams(a, { note: 'x' })), 'lstm_v1.json');
    const pa = a.parameters();
    b.parameters().forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(pa[i]!.data)));
  });
  it('refuses other versions, missing or extra names and other shapes, naming the parameter', () => {
    const a = build(1);
    const doc = saveParams(a);
    const expectInvalid = (d: unknown, re: RegExp): void => {
      let err: unknown;
      try {
        loadParams(build(3), d, 'lstm_v1.json');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TradepilotError);
      expect((err as TradepilotError).code).toBe('MODEL_INVALID');
      expect((err as Error).message).toMatch(re);
    };
    expectInvalid({ ...doc, version: 2 }, /lstm_v1\.json: version 2 is not supported/);
    expectInvalid({ ...doc, format: 'other' }, /format is "other"/);
    expectInvalid('{oops', /not JSON/);
    const { ['2.bias']: _gone, ...rest } = doc.params;
    expectInvalid({ ...doc, params: rest }, /parameter "2.bias" is missing/);
    expectInvalid({ ...doc, params: { ...doc.params, extra: { shape: [1], data: [0] } } }, /unexpected parameter\(s\) "extra"/);
    expectInvalid({ ...doc, params: { ...doc.params, '2.weight': { shape: [4, 2], data: new Array(8).fill(0) } } }, /"2.weight" has shape \[4, 2\] in the file but the model expects \[2, 4\]/);
    expectInvalid({ ...doc, params: { ...doc.params, '2.bias': { shape: [2], data: [1] } } }, /has 1 values for shape \[2\]/);
  });
});

describe('second derivatives (MAML)', () => {
  const B = 3, T = 4, F = 2, H = 3;
  const x = randn([B, T, F], rng);
  const y = randn([B, 1], rng);
  const x2 = randn([B, T, F], rng);
  const y2 = randn([B, 1], rng);
  const params = (): Tensor[] => [r([4 * H, F], 0.5), r([4 * H, H], 0.5), r([4 * H], 0.5), r([4 * H], 0.5), r([1, H], 0.5), r([1], 0.5)];
  const lossAt = (ps: readonly Tensor[], xs: Tensor, ys: Tensor): Tensor => {
    const [wIh, wHh, bIh, bHh, hw, hb] = ps as Tensor[];
    const h = lstm(xs, { wIh: wIh!, wHh: wHh!, bIh: bIh!, bHh: bHh! }).out;
    return mseLoss(linear(tanh(select(h, 1, -1)), hw!, hb!), ys);
  };

  it('Hessian-vector product equals finite differences of the gradient', () => {
    const ps = params();
    const v = ps.map((p) => randn(p.shape, rng));
    const { hv } = hvp(() => lossAt(ps, x, y), ps, v);
    const eps = 1e-5;
    const gradAt = (sign: number): Float64Array[] => {
      ps.forEach((p, k) => { for (let i = 0; i < p.size; i++) p.data[i] += sign * eps * v[k]!.data[i]!; });
      const g = grad(lossAt(ps, x, y), ps).map((t) => t.data.slice() as Float64Array);
      ps.forEach((p, k) => { for (let i = 0; i < p.size; i++) p.data[i] -= sign * eps * v[k]!.data[i]!; });
      return g;
    };
    const gp = gradAt(1);
    const gm = gradAt(-1);
    let worst = 0;
    hv.forEach((h, k) => {
      for (let i = 0; i < h.size; i++) worst = Math.max(worst, Math.abs(h.data[i]! - (gp[k]![i]! - gm[k]![i]!) / (2 * eps)));
    });
    expect(worst).toBeLessThan(1e-7);
  });

  it('second-order MAML meta-gradient through two inner steps equals finite differences of the meta-objective', () => {
    const alpha = 0.1;
    const metaLoss = (ps: readonly Tensor[], createGraph: boolean): Tensor => {
      let fast = ps;
      for (let s = 0; s < 2; s++) {
        const g = grad(lossAt(fast, x, y), fast, { createGraph });
        fast = fast.map((p, k) => sub(p, scale(g[k]!, alpha)));
      }
      return lossAt(fast, x2, y2);
    };
    const ps = params();
    const meta = grad(metaLoss(ps, true), ps);
    const eps = 1e-6;
    let worst = 0;
    let firstOrderGap = 0;
    const fo = grad(metaLoss(ps, false), ps);
    ps.forEach((p, k) => {
      for (let i = 0; i < p.size; i++) {
        const x0 = p.data[i]!;
        p.data[i] = x0 + eps;
        const fp = metaLoss(ps, false).item();
        p.data[i] = x0 - eps;
        const fm = metaLoss(ps, false).item();
        p.data[i] = x0;
        const fd = (fp - fm) / (2 * eps);
        worst = Math.max(worst, Math.abs(meta[k]!.data[i]! - fd));
        firstOrderGap = Math.max(firstOrderGap, Math.abs(fo[k]!.data[i]! - fd));
      }
    });
    expect(worst).toBeLessThan(1e-7);
    // The first-order approximation really is different here, so the test can tell them apart.
    expect(firstOrderGap).toBeGreaterThan(1e-4);
  });
});

describe('small pieces', () => {
  it('Activation layers and Sequential compose; an empty Sequential is refused', () => {
    const g = new Rng(2);
    const mlp = new Sequential([new Linear(3, 4, { rng: g }), new Activation('relu'), new Linear(4, 2, { rng: g }), new Activation('tanh')]);
    const x = tensor([[1, -2, 0.5]]);
    const y = mlp.forward(x);
    expect(y.shape).toEqual([1, 2]);
    for (const v of y.data) expect(Math.abs(v)).toBeLessThan(1);
    expect(mlp.parameters().length).toBe(4);
    expect(() => new Sequential([])).toThrow(/at least one layer/);
  });
  it('float32 parameters train with Adam and keep their dtype', () => {
    const w = randn([1, 2], new Rng(1), 1, 'float32');
    w.requiresGrad = true;
    const x = randn([8, 2], new Rng(2), 1, 'float32');
    const y = randn([8, 1], new Rng(3), 1, 'float32');
    const opt = new Adam([w], { lr: 0.05 });
    const loss = (): number => mseLoss(linear(x, w, null), y).item();
    const before = loss();
    for (let i = 0; i < 50; i++) {
      opt.zeroGrad();
      backward(mseLoss(linear(x, w, null), y));
      opt.step();
    }
    expect(w.dtype).toBe('float32');
    expect(w.grad!.dtype).toBe('float32');
    expect(loss()).toBeLessThan(before);
  });
  it('hvp checks its directions', () => {
    const p = tensor([1, 2], { requiresGrad: true });
    expect(() => hvp(() => sum(mul(p, p)), [p], [])).toThrow(/0 directions for 1 parameters/);
    const { hv } = hvp(() => sum(mul(mul(p, p), p)), [p], [tensor([1, 0])]);
    expect(Array.from(hv[0]!.data)).toEqual([6, 0]); // d²(Σp³) = diag(6p)
  });
});
