import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { backward, grad } from './autograd.ts';
import { gradCheck } from './gradcheck.ts';
import { gru, gruComposite, Gru } from './gru.ts';
import { LastStep, Linear, linear, dropout, Dropout } from './layers.ts';
import { lstm, lstmComposite, Lstm } from './lstm.ts';
import { mseLoss } from './losses.ts';
import { Adam } from './optim.ts';
import { Sequential } from './module.ts';
import { add, concat, matmul, reshape, scale, select, sum, mul } from './ops.ts';
import { type Tensor, randn, noGrad } from './tensor.ts';

const rng = new Rng(9);
const r = (shape: number[], s = 0.5): Tensor => {
  const t = randn(shape, rng, s);
  t.requiresGrad = true;
  return t;
};
const flatAll = (ts: Tensor[]): Tensor => concat(ts.map((t) => reshape(t, [-1])), 0);

describe('fused LSTM', () => {
  const B = 2, T = 4, F = 3, H = 3;
  const make = () => [r([B, T, F]), r([4 * H, F]), r([4 * H, H]), r([4 * H]), r([4 * H]), r([B, H]), r([B, H])];
  it('gradients of the sequence and both final states match finite differences (with h0, c0)', () => {
    const res = gradCheck(([x, wi, wh, bi, bh, h0, c0]) => {
      const o = lstm(x!, { wIh: wi!, wHh: wh!, bIh: bi!, bHh: bh! }, h0!, c0!);
      return flatAll([o.out, o.h, o.c!]);
    }, make());
    expect(res.maxRelError).toBeLessThan(1e-6);
  });
  it('second derivatives (createGraph through the fused op) match finite differences', () => {
    const res = gradCheck(([x, wi, wh, bi, bh, h0, c0]) => {
      const o = lstm(x!, { wIh: wi!, wHh: wh!, bIh: bi!, bHh: bh! }, h0!, c0!);
      const l = add(sum(mul(o.out, o.out)), sum(o.c!));
      return flatAll(grad(l, [wh!, x!, c0!], { createGraph: true }));
    }, make());
    expect(res.maxRelError).toBeLessThan(1e-6);
  });
  it('float32 runs agree with float64 to float32 precision', () => {
    const [x, wi, wh, bi, bh] = make();
    const f32 = (t: Tensor): Tensor => {
      const c = randn(t.shape, rng, 0, 'float32');
      c.data.set(t.data);
      return c;
    };
    const a = noGrad(() => lstm(x!, { wIh: wi!, wHh: wh!, bIh: bi!, bHh: bh! }).out);
    const b = noGrad(() => lstm(f32(x!), { wIh: f32(wi!), wHh: f32(wh!), bIh: f32(bi!), bHh: f32(bh!) }).out);
    expect(b.dtype).toBe('float32');
    for (let i = 0; i < a.size; i++) expect(Math.abs(a.data[i]! - b.data[i]!)).toBeLessThan(1e-6);
  });
  it('rejects mis-shaped inputs with a clear message', () => {
    const [x, wi, wh, bi, bh] = make();
    expect(() => lstm(reshape(x!, [B * T, F]), { wIh: wi!, wHh: wh!, bIh: bi!, bHh: bh! })).toThrow(/\[batch, time, features\]/);
    expect(() => lstm(x!, { wIh: r([4 * H, F + 1]), wHh: wh!, bIh: bi!, bHh: bh! })).toThrow(/weight_ih/);
  });
});

describe('float32 (SIMD kernels when available) against float64', () => {
  const to32 = (t: Tensor): Tensor => {
    const c = randn(t.shape, rng, 0, 'float32');
    c.data.set(t.data);
    c.requiresGrad = true;
    return c;
  };
  for (const [B, T, F, H, withState] of [[5, 6, 3, 8, true], [9, 3, 8, 12, false], [3, 4, 5, 3, false]] as const) {
    it(`GRU B=${B} T=${T} F=${F} H=${H}${withState ? ' with h0' : ''}: outputs and gradients agree to float32 precision`, () => {
      const ins64 = [r([B, T, F]), r([3 * H, F]), r([3 * H, H]), r([3 * H]), r([3 * H]), ...(withState ? [r([B, H])] : [])];
      const ins32 = ins64.map(to32);
      const outs = [ins64, ins32].map((ins) => {
        const [x, wi, wh, bi, bh, h0] = ins;
        const o = gru(x!, { wIh: wi!, wHh: wh!, bIh: bi!, bHh: bh! }, h0 ?? null);
        return { out: o.out, g: grad(add(sum(mul(o.out, o.out)), sum(o.h)), ins) };
      });
      for (let i = 0; i < outs[0]!.out.size; i++) expect(Math.abs(outs[0]!.out.data[i]! - outs[1]!.out.data[i]!)).toBeLessThan(2e-6);
      outs[0]!.g.forEach((g64, k) => {
        const g32 = outs[1]!.g[k]!;
        for (let i = 0; i < g64.size; i++) expect(Math.abs(g64.data[i]! - g32.data[i]!)).toBeLessThan(2e-5 * Math.max(1, Math.abs(g64.data[i]!)));
      });
    });
    it(`LSTM B=${B} T=${T} F=${F} H=${H}${withState ? ' with h0, c0' : ''}: outputs and gradients agree to float32 precision`, () => {
      const ins64 = [r([B, T, F]), r([4 * H, F]), r([4 * H, H]), r([4 * H]), r([4 * H]), ...(withState ? [r([B, H]), r([B, H])] : [])];
      const ins32 = ins64.map(to32);
      const outs = [ins64, ins32].map((ins) => {
        const [x, wi, wh, bi, bh, h0, c0] = ins;
        const o = lstm(x!, { wIh: wi!, wHh: wh!, bIh: bi!, bHh: bh! }, h0 ?? null, c0 ?? null);
        // Loss reads the last step only (the sequence head case) plus the final cell.
        const l = add(sum(mul(select(o.out, 1, -1), select(o.out, 1, -1))), sum(o.c!));
        return { out: o.out, g: grad(l, ins) };
      });
      for (let i = 0; i < outs[0]!.out.size; i++) expect(Math.abs(outs[0]!.out.data[i]! - outs[1]!.out.data[i]!)).toBeLessThan(2e-6);
      outs[0]!.g.forEach((g64, k) => {
        const g32 = outs[1]!.g[k]!;
        expect(g32.dtype).toBe('float32');
        for (let i = 0; i < g64.size; i++) expect(Math.abs(g64.data[i]! - g32.data[i]!)).toBeLessThan(2e-5 * Math.max(1, Math.abs(g64.data[i]!)));
      });
    });
  }
});

describe('float32 scratch reuse', () => {
  it('a large float32 matmul between an LSTM forward and its backward leaves the gradients unchanged', () => {
    const mk = (shape: number[]): Tensor => {
      const t = randn(shape, new Rng(shape.length * 100 + shape[0]!), 0.5, 'float32');
      t.requiresGrad = true;
      return t;
    };
    const ins = [mk([6, 5, 4]), mk([32, 4]), mk([32, 8]), mk([32]), mk([32])];
    const run = (withMatmul: boolean): Float32Array[] => {
      const [x, wi, wh, bi, bh] = ins;
      const o = lstm(x!, { wIh: wi!, wHh: wh!, bIh: bi!, bHh: bh! });
      let l = sum(mul(o.out, o.out));
      if (withMatmul) {
        const big = randn([64, 64], new Rng(1), 1, 'float32');
        l = add(l, scale(sum(matmul(big, big)), 0)); // runs in the arena, contributes nothing
      }
      return grad(l, ins).map((g) => g.data as Float32Array);
    };
    const a = run(false);
    const b = run(true);
    a.forEach((g, k) => expect(Array.from(b[k]!)).toEqual(Array.from(g)));
  });

  it('a stacked float32 LSTM (the first layer\'s scratch is reused by the second) matches float64 gradients', () => {
    const build = (dtype: 'float32' | 'float64') => new Lstm(3, 8, { rng: new Rng(4), numLayers: 2, dtype });
    const nets = [build('float64'), build('float32')];
    const x64 = randn([5, 7, 3], new Rng(6));
    const x32 = randn([5, 7, 3], new Rng(6), 1, 'float32');
    const gs = nets.map((net, k) => {
      const out = net.forward(k === 0 ? x64 : x32);
      backward(sum(mul(out, out)));
      return net.parameters().map((p) => p.grad!);
    });
    gs[0]!.forEach((g64, k) => {
      for (let i = 0; i < g64.size; i++) expect(Math.abs(g64.data[i]! - gs[1]![k]!.data[i]!)).toBeLessThan(5e-5 * Math.max(1, Math.abs(g64.data[i]!)));
    });
  });
});

describe('fused GRU', () => {
  const B = 2, T = 4, F = 3, H = 3;
  const make = () => [r([B, T, F]), r([3 * H, F]), r([3 * H, H]), r([3 * H]), r([3 * H]), r([B, H])];
  it('gradients match finite differences (with h0)', () => {
    const res = gradCheck(([x, wi, wh, bi, bh, h0]) => {
      const o = gru(x!, { wIh: wi!, wHh: wh!, bIh: bi!, bHh: bh! }, h0!);
      return flatAll([o.out, o.h]);
    }, make());
    expect(res.maxRelError).toBeLessThan(1e-6);
  });
  it('second derivatives match finite differences', () => {
    const res = gradCheck(([x, wi, wh, bi, bh, h0]) => {
      const o = gru(x!, { wIh: wi!, wHh: wh!, bIh: bi!, bHh: bh! }, h0!);
      return flatAll(grad(sum(mul(o.out, o.out)), [wi!, bh!, h0!], { createGraph: true }));
    }, make());
    expect(res.maxRelError).toBeLessThan(1e-6);
  });
  it('fused and primitive-op versions agree', () => {
    const [x, wi, wh, bi, bh, h0] = make();
    const w = { wIh: wi!, wHh: wh!, bIh: bi!, bHh: bh! };
    const a = gru(x!, w, h0!);
    const b = gruComposite(x!, w, h0!);
    for (let i = 0; i < a.out.size; i++) expect(Math.abs(a.out.data[i]! - b.out.data[i]!)).toBeLessThan(1e-14);
    const ga = grad(sum(a.out), [wh!]);
    const gb = grad(sum(b.out), [wh!]);
    for (let i = 0; i < ga[0]!.size; i++) expect(Math.abs(ga[0]!.data[i]! - gb[0]!.data[i]!)).toBeLessThan(1e-12);
  });
});

describe('layers and modules', () => {
  it('linear over [B, T, F] and its gradients match finite differences', () => {
    const res = gradCheck(([x, w, b]) => linear(x!, w!, b!), [r([2, 3, 4]), r([5, 4]), r([5])]);
    expect(res.maxRelError).toBeLessThan(1e-6);
  });
  it('stacked Lstm and Gru modules name parameters as torch and train a toy task', () => {
    const lr = new Rng(1);
    const lstmNet = new Sequential([new Lstm(2, 5, { rng: lr, numLayers: 2, dropout: 0.1 }), new LastStep(), new Linear(5, 1, { rng: lr })]);
    expect(lstmNet.namedParameters().map(([n]) => n)).toEqual([
      '0.weight_ih_l0', '0.weight_hh_l0', '0.bias_ih_l0', '0.bias_hh_l0',
      '0.weight_ih_l1', '0.weight_hh_l1', '0.bias_ih_l1', '0.bias_hh_l1',
      '2.weight', '2.bias',
    ]);
    const gruNet = new Sequential([new Gru(2, 5, { rng: lr }), new LastStep(), new Linear(5, 1, { rng: lr })]);
    expect(gruNet.parameters().map((p) => p.shape)).toEqual([[15, 2], [15, 5], [15], [15], [1, 5], [1]]);
    // Target: the first feature at the first step; needs memory across the sequence.
    const x = randn([16, 6, 2], lr);
    const yv = randn([16, 1], lr);
    for (let b = 0; b < 16; b++) yv.data[b] = x.data[b * 12]!;
    for (const net of [lstmNet, gruNet]) {
      net.eval();
      const before = noGrad(() => mseLoss(net.forward(x), yv).item());
      net.train();
      const opt = new Adam(net.parameters(), { lr: 0.03 });
      for (let it = 0; it < 150; it++) {
        opt.zeroGrad();
        backward(mseLoss(net.forward(x), yv));
        opt.step();
      }
      net.eval();
      const after = noGrad(() => mseLoss(net.forward(x), yv).item());
      expect(after).toBeLessThan(before * 0.5);
    }
  });
  it('dropout is seeded, scales kept values by 1/(1-p) and is the identity in eval mode', () => {
    const x = randn([1000], new Rng(3));
    const a = dropout(x, 0.3, new Rng(5));
    const b = dropout(x, 0.3, new Rng(5));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    let zeros = 0;
    for (let i = 0; i < 1000; i++) {
      if (a.data[i] === 0) zeros++;
      else expect(a.data[i]).toBeCloseTo(x.data[i]! / 0.7, 12);
    }
    expect(zeros).toBeGreaterThan(240);
    expect(zeros).toBeLessThan(360);
    const d = new Dropout(0.5, new Rng(1)).eval();
    expect(d.forward(x)).toBe(x);
    const res = gradCheck(([t]) => dropout(t!, 0.4, new Rng(8)), [r([10])]);
    expect(res.maxRelError).toBeLessThan(1e-6);
  });
  it('composite LSTM equals the fused one', () => {
    const [x, wi, wh, bi, bh] = [r([3, 5, 2]), r([8, 2]), r([8, 2]), r([8]), r([8])];
    const w = { wIh: wi!, wHh: wh!, bIh: bi!, bHh: bh! };
    const a = lstm(x!, w);
    const b = lstmComposite(x!, w);
    for (let i = 0; i < a.out.size; i++) expect(Math.abs(a.out.data[i]! - b.out.data[i]!)).toBeLessThan(1e-14);
  });
});
