import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.ts';
import { grad } from './autograd.ts';
import { gradCheck } from './gradcheck.ts';
import * as op from './ops.ts';
import { type Tensor, randn, tensor } from './tensor.ts';

const rng = new Rng(42);
const r = (shape: number[], s = 1): Tensor => {
  const t = randn(shape, rng, s);
  t.requiresGrad = true;
  return t;
};
const pos = (shape: number[]): Tensor => {
  const t = r(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = 0.5 + Math.abs(t.data[i]!);
  return t;
};
/** Values kept away from the kinks of relu/abs/clamp so central differences are valid. */
const offKink = (shape: number[]): Tensor => {
  const t = r(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = (t.data[i]! >= 0 ? 0.2 : -0.2) + t.data[i]!;
  return t;
};

function check(name: string, f: (xs: readonly Tensor[]) => Tensor, inputs: () => Tensor[], secondOrder = true): void {
  it(`${name}: gradient matches finite differences`, () => {
    const res = gradCheck(f, inputs());
    expect(res.maxRelError).toBeLessThan(1e-6);
  });
  if (secondOrder) {
    it(`${name}: gradient of the gradient matches finite differences`, () => {
      const xs = inputs();
      const res = gradCheck((ins) => {
        const out = f(ins);
        const w = op.onesLike(out);
        for (let i = 0; i < w.size; i++) w.data[i] = 1 + 0.1 * i;
        const gs = grad(op.sum(op.mul(out, w)), ins, { createGraph: true, allowUnused: true });
        return op.concat(gs.map((g) => op.reshape(g, [-1])), 0);
      }, xs);
      expect(res.maxRelError).toBeLessThan(1e-6);
    });
  }
}

describe('elementwise ops with broadcasting', () => {
  check('add [3,4]+[4]', ([a, b]) => op.add(a!, b!), () => [r([3, 4]), r([4])]);
  check('sub [3,1]-[1,4]', ([a, b]) => op.sub(a!, b!), () => [r([3, 1]), r([1, 4])]);
  check('mul [2,3,4]*[3,1]', ([a, b]) => op.mul(a!, b!), () => [r([2, 3, 4]), r([3, 1])]);
  check('div [3,4]/[3,4]', ([a, b]) => op.div(a!, b!), () => [r([3, 4]), pos([3, 4])]);
  check('div scalar/[]', ([a, b]) => op.div(a!, b!), () => [r([2, 3]), pos([])]);
  check('neg', ([a]) => op.neg(a!), () => [r([5])]);
  check('exp', ([a]) => op.exp(a!), () => [r([5])]);
  check('log', ([a]) => op.log(a!), () => [pos([5])]);
  check('tanh', ([a]) => op.tanh(a!), () => [r([5])]);
  check('sigmoid', ([a]) => op.sigmoid(a!), () => [r([5], 3)]);
  check('relu', ([a]) => op.relu(a!), () => [offKink([6])]);
  check('softplus', ([a]) => op.softplus(a!), () => [r([6], 3)]);
  check('abs', ([a]) => op.abs(a!), () => [offKink([6])]);
  check('sqrt', ([a]) => op.sqrt(a!), () => [pos([5])]);
  check('scale', ([a]) => op.scale(a!, -2.5), () => [r([5])]);
  check('addScalar', ([a]) => op.addScalar(a!, 3), () => [r([5])]);
  check('pow 3', ([a]) => op.pow(a!, 3), () => [r([5])]);
  check('pow -0.5', ([a]) => op.pow(a!, -0.5), () => [pos([5])]);
  check('clamp', ([a]) => op.clamp(a!, -0.5, 0.5), () => [tensor([-1.2, -0.3, 0.1, 0.4, 0.9, 2], { requiresGrad: true })]);
});

describe('reductions, shapes and indexing', () => {
  check('sum', ([a]) => op.sum(a!), () => [r([3, 4])]);
  check('mean', ([a]) => op.mean(a!), () => [r([3, 4])]);
  check('sumAxis 1', ([a]) => op.sumAxis(a!, 1), () => [r([2, 3, 4])]);
  check('sumAxis keepDim', ([a]) => op.sumAxis(a!, 0, true), () => [r([2, 3])]);
  check('sumTo [2,3,4]->[3,1]', ([a]) => op.sumTo(a!, [3, 1]), () => [r([2, 3, 4])]);
  check('broadcastTo [3,1]->[2,3,4]', ([a]) => op.broadcastTo(a!, [2, 3, 4]), () => [r([3, 1])]);
  check('reshape', ([a]) => op.reshape(a!, [4, -1]), () => [r([2, 6])]);
  check('narrow', ([a]) => op.narrow(a!, 1, 1, 2), () => [r([2, 4, 3])]);
  check('select', ([a]) => op.select(a!, 1, -1), () => [r([2, 4, 3])]);
  check('concat', ([a, b]) => op.concat([a!, b!], 1), () => [r([2, 3]), r([2, 2])]);
  check('stack', ([a, b]) => op.stack([a!, b!], 1), () => [r([2, 3]), r([2, 3])]);
  check('logSoftmax', ([a]) => op.logSoftmax(a!), () => [r([3, 4])]);
  check('softmax', ([a]) => op.softmax(a!), () => [r([3, 4])]);
  check('pick', ([a]) => op.pick(a!, Int32Array.from([2, 0, 3])), () => [r([3, 4])]);
});

describe('matmul', () => {
  check('A B', ([a, b]) => op.matmul(a!, b!), () => [r([3, 4]), r([4, 5])]);
  check('Aᵀ B', ([a, b]) => op.matmul(a!, b!, { transA: true }), () => [r([4, 3]), r([4, 5])]);
  check('A Bᵀ', ([a, b]) => op.matmul(a!, b!, { transB: true }), () => [r([3, 4]), r([5, 4])]);
  check('Aᵀ Bᵀ', ([a, b]) => op.matmul(a!, b!, { transA: true, transB: true }), () => [r([4, 3]), r([5, 4])]);

  it('large float32 products (SIMD path) agree with float64 in all four transpositions', () => {
    const g = new Rng(5);
    const [M, N, K] = [37, 45, 29]; // ragged against the 4x8 blocks
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a64 = randn(ta ? [K, M] : [M, K], g);
      const b64 = randn(tb ? [N, K] : [K, N], g);
      const a32 = randn(a64.shape, g, 1, 'float32');
      const b32 = randn(b64.shape, g, 1, 'float32');
      a32.data.set(a64.data);
      b32.data.set(b64.data);
      a64.data.set(a32.data); // same (float32-rounded) inputs on both sides
      b64.data.set(b32.data);
      const c64 = op.matmul(a64, b64, { transA: ta, transB: tb });
      const c32 = op.matmul(a32, b32, { transA: ta, transB: tb });
      expect(c32.dtype).toBe('float32');
      for (let i = 0; i < c64.size; i++) expect(Math.abs(c64.data[i]! - c32.data[i]!)).toBeLessThan(2e-5 * Math.max(1, Math.abs(c64.data[i]!)));
    }
  });

  it('computes known values and rejects mismatched shapes', () => {
    const c = op.matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]]));
    expect(Array.from(c.data)).toEqual([19, 22, 43, 50]);
    expect(() => op.matmul(tensor([[1, 2]]), tensor([[1, 2]]))).toThrow(/inner dimensions/);
  });
});

describe('forward values', () => {
  it('broadcasting follows NumPy', () => {
    const s = op.add(tensor([[1], [2]]), tensor([10, 20, 30]));
    expect(s.shape).toEqual([2, 3]);
    expect(Array.from(s.data)).toEqual([11, 21, 31, 12, 22, 32]);
    expect(() => op.add(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/do not broadcast/);
  });
  it('softplus, sigmoid and logSoftmax are stable at extremes', () => {
    const z = tensor([-800, 0, 800]);
    expect(Array.from(op.softplus(z).data)).toEqual([0, Math.LN2, 800]);
    expect(Array.from(op.sigmoid(z).data)).toEqual([0, 0.5, 1]);
    const ls = op.logSoftmax(tensor([[1000, 0]]));
    expect(ls.data[0]).toBe(0);
    expect(ls.data[1]).toBe(-1000);
  });
});
