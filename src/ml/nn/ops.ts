/**
 * Differentiable tensor ops. Each computes its result with plain loops over typed arrays and
 * records a backward rule written with these same ops, so gradients are differentiable again.
 * Binary ops broadcast like NumPy/torch; `sumTo` undoes a broadcast in the backward pass.
 */
import { BadInputError } from '../../core/errors.ts';
import { gemmNN, gemmTN, transposeInto } from './gemm.ts';
import { simdArena, simdAvailable, simdGemmNN, simdGemmTN } from './simd.ts';
import { type Data, Tensor, alloc, fmtShape, numel, record, sameDtype, zeros } from './tensor.ts';

// ---------------------------------------------------------------- shapes and broadcasting

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** NumPy broadcast of two shapes. */
export function broadcastShape(a: readonly number[], b: readonly number[], op = 'broadcast'): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new BadInputError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** For each element of `outShape`, the offset of the element of `inShape` it reads. */
function broadcastOffsets(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  const nd = outShape.length;
  const strides = new Int32Array(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    const k = d - (nd - inShape.length);
    const dim = k >= 0 ? inShape[k]! : 1;
    strides[d] = dim === 1 ? 0 : s;
    s *= dim;
  }
  const n = numel(outShape);
  const offs = new Int32Array(n);
  const idx = new Int32Array(nd);
  let off = 0;
  for (let i = 0; i < n; i++) {
    offs[i] = off;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      off -= strides[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return offs;
}

/** True when `small` equals the trailing dimensions of `big` (row broadcast, e.g. bias add). */
function isSuffix(small: readonly number[], big: readonly number[]): boolean {
  if (small.length > big.length) return false;
  for (let i = 1; i <= small.length; i++) if (small[small.length - i] !== big[big.length - i]) return false;
  return true;
}

// ---------------------------------------------------------------- elementwise binary

const ADD = 0, SUB = 1, MUL = 2, DIV = 3;

function binaryKernel(kind: number, A: Data, B: Data, O: Data, ia: Int32Array | null, ib: Int32Array | null, bRow: number): void {
  const n = O.length;
  if (ia === null && ib === null && bRow === 0) {
    if (kind === ADD) for (let i = 0; i < n; i++) O[i] = A[i]! + B[i]!;
    else if (kind === SUB) for (let i = 0; i < n; i++) O[i] = A[i]! - B[i]!;
    else if (kind === MUL) for (let i = 0; i < n; i++) O[i] = A[i]! * B[i]!;
    else for (let i = 0; i < n; i++) O[i] = A[i]! / B[i]!;
    return;
  }
  if (ia === null && bRow > 0) {
    // a is full, b repeats every bRow elements.
    for (let r = 0; r < n; r += bRow) {
      if (kind === ADD) for (let j = 0; j < bRow; j++) O[r + j] = A[r + j]! + B[j]!;
      else if (kind === SUB) for (let j = 0; j < bRow; j++) O[r + j] = A[r + j]! - B[j]!;
      else if (kind === MUL) for (let j = 0; j < bRow; j++) O[r + j] = A[r + j]! * B[j]!;
      else for (let j = 0; j < bRow; j++) O[r + j] = A[r + j]! / B[j]!;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = A[ia === null ? i : ia[i]!]!;
    const y = B[ib === null ? i : ib[i]!]!;
    O[i] = kind === ADD ? x + y : kind === SUB ? x - y : kind === MUL ? x * y : x / y;
  }
}

function binary(kind: number, name: string, a: Tensor, b: Tensor): Tensor {
  sameDtype(a, b, name);
  const shape = sameShape(a.shape, b.shape) ? a.shape.slice() : broadcastShape(a.shape, b.shape, name);
  const out = zeros(shape, a.dtype);
  const n = out.size;
  const ia = a.size === n ? null : broadcastOffsets(a.shape, shape);
  let ib: Int32Array | null = null;
  let bRow = 0;
  if (b.size !== n) {
    if (ia === null && isSuffix(b.shape, shape)) bRow = b.size;
    else ib = broadcastOffsets(b.shape, shape);
  }
  binaryKernel(kind, a.data, b.data, out.data, ia, ib, bRow);
  return out;
}

/** a + b (broadcasting). */
export function add(a: Tensor, b: Tensor): Tensor {
  const out = binary(ADD, 'add', a, b);
  return record('add', [a, b], [out], ([g]) => [sumTo(g!, a.shape), sumTo(g!, b.shape)])[0]!;
}

/** a - b (broadcasting). */
export function sub(a: Tensor, b: Tensor): Tensor {
  const out = binary(SUB, 'sub', a, b);
  return record('sub', [a, b], [out], ([g]) => [sumTo(g!, a.shape), b.requiresGrad ? sumTo(neg(g!), b.shape) : null])[0]!;
}

/** a * b elementwise (broadcasting). */
export function mul(a: Tensor, b: Tensor): Tensor {
  const out = binary(MUL, 'mul', a, b);
  return record('mul', [a, b], [out], ([g]) => [a.requiresGrad ? sumTo(mul(g!, b), a.shape) : null, b.requiresGrad ? sumTo(mul(g!, a), b.shape) : null])[0]!;
}

/** a / b elementwise (broadcasting). */
export function div(a: Tensor, b: Tensor): Tensor {
  const out = binary(DIV, 'div', a, b);
  return record('div', [a, b], [out], ([g]) => [
    a.requiresGrad ? sumTo(div(g!, b), a.shape) : null,
    b.requiresGrad ? sumTo(neg(div(mul(g!, a), mul(b, b))), b.shape) : null,
  ])[0]!;
}

// ---------------------------------------------------------------- broadcast and reduce

/** Sums `a` down to `shape` (the adjoint of broadcasting to a.shape). */
export function sumTo(a: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(a.shape, shape)) return a;
  if (a.size === numel(shape)) return reshape(a, shape);
  const out = zeros(shape, a.dtype);
  const O = out.data;
  const A = a.data;
  if (isSuffix(shape, a.shape) && shape.length > 0) {
    const m = out.size;
    for (let r = 0; r < a.size; r += m) for (let j = 0; j < m; j++) O[j] += A[r + j]!;
  } else {
    const offs = broadcastOffsets(shape, a.shape);
    for (let i = 0; i < a.size; i++) O[offs[i]!] += A[i]!;
  }
  return record('sumTo', [a], [out], ([g]) => [broadcastTo(g!, a.shape)])[0]!;
}

/** Repeats `a` to `shape` by broadcasting. */
export function broadcastTo(a: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(a.shape, shape)) return a;
  const bs = broadcastShape(a.shape, shape, 'broadcastTo');
  if (!sameShape(bs, shape)) throw new BadInputError(`broadcastTo: ${fmtShape(a.shape)} does not broadcast to ${fmtShape(shape)}`);
  const out = zeros(shape, a.dtype);
  const offs = broadcastOffsets(a.shape, shape);
  const O = out.data;
  const A = a.data;
  for (let i = 0; i < out.size; i++) O[i] = A[offs[i]!]!;
  return record('broadcastTo', [a], [out], ([g]) => [sumTo(g!, a.shape)])[0]!;
}

/** Sum of all elements (shape []). */
export function sum(a: Tensor): Tensor {
  let s = 0;
  const A = a.data;
  for (let i = 0; i < a.size; i++) s += A[i]!;
  const out = zeros([], a.dtype);
  out.data[0] = s;
  return record('sum', [a], [out], ([g]) => [broadcastTo(g!, a.shape)])[0]!;
}

/** Mean of all elements (shape []). */
export function mean(a: Tensor): Tensor {
  return scale(sum(a), 1 / a.size);
}

/** Sum over one axis (negative counts from the end). */
export function sumAxis(a: Tensor, axis: number, keepDim = false): Tensor {
  const ax = axis < 0 ? a.ndim + axis : axis;
  const kept = a.shape.map((s, i) => (i === ax ? 1 : s));
  const r = sumTo(a, kept);
  return keepDim ? r : reshape(r, a.shape.filter((_, i) => i !== ax));
}

/** Same data, new shape (one dimension may be -1). Shares the buffer. */
export function reshape(a: Tensor, shape: readonly number[]): Tensor {
  const s = shape.slice();
  const free = s.indexOf(-1);
  if (free >= 0) s[free] = a.size / -numel(s);
  if (numel(s) !== a.size) throw new BadInputError(`reshape: cannot view ${fmtShape(a.shape)} as ${fmtShape(shape)}`);
  if (sameShape(s, a.shape)) return a;
  const out = new Tensor(a.data, s);
  return record('reshape', [a], [out], ([g]) => [reshape(g!, a.shape)])[0]!;
}

// ---------------------------------------------------------------- elementwise unary

const NEG = 0, EXP = 1, LOG = 2, TANH = 3, SIGMOID = 4, RELU = 5, SOFTPLUS = 6, ABS = 7, SQRT = 8;

function unaryKernel(kind: number, A: Data, O: Data): void {
  const n = A.length;
  switch (kind) {
    case NEG: for (let i = 0; i < n; i++) O[i] = -A[i]!; break;
    case EXP: for (let i = 0; i < n; i++) O[i] = Math.exp(A[i]!); break;
    case LOG: for (let i = 0; i < n; i++) O[i] = Math.log(A[i]!); break;
    case TANH: for (let i = 0; i < n; i++) O[i] = Math.tanh(A[i]!); break;
    case SIGMOID: for (let i = 0; i < n; i++) O[i] = sigmoidScalar(A[i]!); break;
    case RELU: for (let i = 0; i < n; i++) O[i] = A[i]! > 0 ? A[i]! : 0; break;
    // log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|).
    case SOFTPLUS: for (let i = 0; i < n; i++) { const x = A[i]!; O[i] = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); } break;
    case ABS: for (let i = 0; i < n; i++) O[i] = Math.abs(A[i]!); break;
    case SQRT: for (let i = 0; i < n; i++) O[i] = Math.sqrt(A[i]!); break;
    default: throw new Error(`internal: unary kind ${kind}`);
  }
}

/** Logistic function, stable for large |x|. */
export function sigmoidScalar(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function unary(kind: number, a: Tensor): Tensor {
  const out = zeros(a.shape, a.dtype);
  unaryKernel(kind, a.data, out.data);
  return out;
}

/** A constant (untracked) tensor shaped like `a` from a per-element rule on a's values. */
function maskOf(a: Tensor, kind: 'pos' | 'sign' | 'inside', lo = 0, hi = 0): Tensor {
  const m = zeros(a.shape, a.dtype);
  const A = a.data;
  const M = m.data;
  if (kind === 'pos') for (let i = 0; i < a.size; i++) M[i] = A[i]! > 0 ? 1 : 0;
  else if (kind === 'sign') for (let i = 0; i < a.size; i++) M[i] = Math.sign(A[i]!);
  else for (let i = 0; i < a.size; i++) M[i] = A[i]! >= lo && A[i]! <= hi ? 1 : 0;
  return m;
}

/** -a. */
export function neg(a: Tensor): Tensor {
  return record('neg', [a], [unary(NEG, a)], ([g]) => [neg(g!)])[0]!;
}

/** e^a. */
export function exp(a: Tensor): Tensor {
  const out = unary(EXP, a);
  return record('exp', [a], [out], ([g]) => [mul(g!, out)])[0]!;
}

/** Natural log. */
export function log(a: Tensor): Tensor {
  return record('log', [a], [unary(LOG, a)], ([g]) => [div(g!, a)])[0]!;
}

/** Hyperbolic tangent. */
export function tanh(a: Tensor): Tensor {
  const out = unary(TANH, a);
  return record('tanh', [a], [out], ([g]) => [mul(g!, addScalar(neg(mul(out, out)), 1))])[0]!;
}

/** Logistic sigmoid. */
export function sigmoid(a: Tensor): Tensor {
  const out = unary(SIGMOID, a);
  return record('sigmoid', [a], [out], ([g]) => [mul(g!, mul(out, addScalar(neg(out), 1)))])[0]!;
}

/** max(a, 0). */
export function relu(a: Tensor): Tensor {
  return record('relu', [a], [unary(RELU, a)], ([g]) => [mul(g!, maskOf(a, 'pos'))])[0]!;
}

/** log(1 + e^a), computed stably. */
export function softplus(a: Tensor): Tensor {
  return record('softplus', [a], [unary(SOFTPLUS, a)], ([g]) => [mul(g!, sigmoid(a))])[0]!;
}

/** |a| (gradient 0 at 0, as torch). */
export function abs(a: Tensor): Tensor {
  return record('abs', [a], [unary(ABS, a)], ([g]) => [mul(g!, maskOf(a, 'sign'))])[0]!;
}

/** Square root. */
export function sqrt(a: Tensor): Tensor {
  const out = unary(SQRT, a);
  return record('sqrt', [a], [out], ([g]) => [div(g!, scale(out, 2))])[0]!;
}

/** a * s for a number s. */
export function scale(a: Tensor, s: number): Tensor {
  const out = zeros(a.shape, a.dtype);
  const A = a.data;
  const O = out.data;
  for (let i = 0; i < a.size; i++) O[i] = A[i]! * s;
  return record('scale', [a], [out], ([g]) => [scale(g!, s)])[0]!;
}

/** a + s for a number s. */
export function addScalar(a: Tensor, s: number): Tensor {
  const out = zeros(a.shape, a.dtype);
  const A = a.data;
  const O = out.data;
  for (let i = 0; i < a.size; i++) O[i] = A[i]! + s;
  return record('addScalar', [a], [out], ([g]) => [g!])[0]!;
}

/** a^p for a number p. */
export function pow(a: Tensor, p: number): Tensor {
  const out = zeros(a.shape, a.dtype);
  const A = a.data;
  const O = out.data;
  for (let i = 0; i < a.size; i++) O[i] = Math.pow(A[i]!, p);
  return record('pow', [a], [out], ([g]) => [mul(g!, scale(pow(a, p - 1), p))])[0]!;
}

/** a clamped to [lo, hi] (gradient 1 inside, 0 outside, as torch). */
export function clamp(a: Tensor, lo: number, hi: number): Tensor {
  const out = zeros(a.shape, a.dtype);
  const A = a.data;
  const O = out.data;
  for (let i = 0; i < a.size; i++) O[i] = Math.min(Math.max(A[i]!, lo), hi);
  return record('clamp', [a], [out], ([g]) => [mul(g!, maskOf(a, 'inside', lo, hi))])[0]!;
}

/** Zeros shaped like `a`. */
export function zerosLike(a: Tensor): Tensor {
  return zeros(a.shape, a.dtype);
}

/** Ones shaped like `a`. */
export function onesLike(a: Tensor): Tensor {
  const t = zeros(a.shape, a.dtype);
  t.data.fill(1);
  return t;
}

// ---------------------------------------------------------------- matmul

/** Below this many multiply-adds the copy into the SIMD arena costs more than it saves. */
const SIMD_MIN_WORK = 32_768;

/** Options of `matmul`: use the transpose of an operand without copying it first. */
export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

/** op(a) · op(b) for 2-d tensors, op = transpose when asked. */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  sameDtype(a, b, 'matmul');
  if (a.ndim !== 2 || b.ndim !== 2) throw new BadInputError(`matmul: needs 2-d tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  const ta = opts.transA ?? false;
  const tb = opts.transB ?? false;
  const M = ta ? a.shape[1]! : a.shape[0]!;
  const K = ta ? a.shape[0]! : a.shape[1]!;
  const Kb = tb ? b.shape[1]! : b.shape[0]!;
  const N = tb ? b.shape[0]! : b.shape[1]!;
  if (K !== Kb) throw new BadInputError(`matmul: inner dimensions differ: ${fmtShape(a.shape)}${ta ? 'ᵀ' : ''} · ${fmtShape(b.shape)}${tb ? 'ᵀ' : ''}`);
  const out = zeros([M, N], a.dtype);
  if (a.dtype === 'float32' && M * N * K >= SIMD_MIN_WORK && simdAvailable()) {
    // Large float32 products run in the SIMD arena, after (and without disturbing) its current arrays.
    simdArena.transient(a.size + K * N + M * N + 16, () => {
      const A = simdArena.alloc(a.size);
      A.set(a.data);
      const Bd = simdArena.alloc(K * N);
      if (tb) transposeInto(b.data, N, K, Bd);
      else Bd.set(b.data);
      const C = simdArena.alloc(M * N);
      if (ta) simdGemmTN(M, N, K, A, 0, M, Bd, 0, N, C, 0, N);
      else simdGemmNN(M, N, K, A, 0, K, Bd, 0, N, C, 0, N);
      out.data.set(C);
    });
  } else {
    // Bᵀ is materialised once so the kernel always streams contiguous rows of B.
    const Bd = tb ? transposeInto(b.data, N, K, alloc(b.dtype, K * N)) : b.data;
    if (ta) gemmTN(M, N, K, a.data, 0, M, Bd, 0, N, out.data, 0, N);
    else gemmNN(M, N, K, a.data, 0, K, Bd, 0, N, out.data, 0, N);
  }
  return record('matmul', [a, b], [out], ([g]) => {
    const gg = g!;
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (a.requiresGrad) {
      if (!ta) ga = matmul(gg, b, { transB: !tb });
      else ga = matmul(b, gg, { transA: tb, transB: true });
    }
    if (b.requiresGrad) {
      if (!tb) gb = matmul(a, gg, { transA: !ta });
      else gb = matmul(gg, a, { transA: true, transB: ta });
    }
    return [ga, gb];
  })[0]!;
}

// ---------------------------------------------------------------- slicing and joining

function axisSplit(shape: readonly number[], axis: number): { outer: number; dim: number; inner: number; ax: number } {
  const ax = axis < 0 ? shape.length + axis : axis;
  if (ax < 0 || ax >= shape.length) throw new BadInputError(`axis ${axis} out of range for shape ${fmtShape(shape)}`);
  return { outer: numel(shape.slice(0, ax)), dim: shape[ax]!, inner: numel(shape.slice(ax + 1)), ax };
}

/** Elements start..start+len-1 along `axis`. */
export function narrow(a: Tensor, axis: number, start: number, len: number): Tensor {
  const { outer, dim, inner, ax } = axisSplit(a.shape, axis);
  if (start < 0 || len < 0 || start + len > dim) throw new BadInputError(`narrow: [${start}, ${start + len}) outside axis ${ax} of ${fmtShape(a.shape)}`);
  const shape = a.shape.slice();
  shape[ax] = len;
  const out = zeros(shape, a.dtype);
  const blk = len * inner;
  for (let o = 0; o < outer; o++) out.data.set(a.data.subarray(o * dim * inner + start * inner, o * dim * inner + start * inner + blk), o * blk);
  return record('narrow', [a], [out], ([g]) => [unnarrow(g!, ax, start, dim)])[0]!;
}

/** Adjoint of `narrow`: `a` placed at `start` along `axis` of a zero tensor of length `dim`. */
export function unnarrow(a: Tensor, axis: number, start: number, dim: number): Tensor {
  const { outer, dim: len, inner, ax } = axisSplit(a.shape, axis);
  const shape = a.shape.slice();
  shape[ax] = dim;
  const out = zeros(shape, a.dtype);
  const blk = len * inner;
  for (let o = 0; o < outer; o++) out.data.set(a.data.subarray(o * blk, (o + 1) * blk), o * dim * inner + start * inner);
  return record('unnarrow', [a], [out], ([g]) => [narrow(g!, ax, start, len)])[0]!;
}

/** Index `i` along `axis`, dropping that axis. */
export function select(a: Tensor, axis: number, i: number): Tensor {
  const { ax, dim } = axisSplit(a.shape, axis);
  const idx = i < 0 ? dim + i : i;
  return reshape(narrow(a, ax, idx, 1), a.shape.filter((_, k) => k !== ax));
}

/** Joins tensors along an existing axis. */
export function concat(parts: readonly Tensor[], axis: number): Tensor {
  if (parts.length === 0) throw new BadInputError('concat: no tensors');
  const first = parts[0]!;
  const { outer, inner, ax } = axisSplit(first.shape, axis);
  let dim = 0;
  for (const p of parts) {
    sameDtype(first, p, 'concat');
    if (p.ndim !== first.ndim || p.shape.some((s, k) => k !== ax && s !== first.shape[k])) throw new BadInputError(`concat: ${fmtShape(p.shape)} does not match ${fmtShape(first.shape)} off axis ${ax}`);
    dim += p.shape[ax]!;
  }
  const shape = first.shape.slice();
  shape[ax] = dim;
  const out = zeros(shape, first.dtype);
  let at = 0;
  for (const p of parts) {
    const blk = p.shape[ax]! * inner;
    for (let o = 0; o < outer; o++) out.data.set(p.data.subarray(o * blk, (o + 1) * blk), o * dim * inner + at * inner);
    at += p.shape[ax]!;
  }
  const starts: number[] = [];
  at = 0;
  for (const p of parts) {
    starts.push(at);
    at += p.shape[ax]!;
  }
  return record('concat', parts, [out], ([g]) => parts.map((p, k) => (p.requiresGrad ? narrow(g!, ax, starts[k]!, p.shape[ax]!) : null)))[0]!;
}

/** Joins tensors along a new axis. */
export function stack(parts: readonly Tensor[], axis: number): Tensor {
  if (parts.length === 0) throw new BadInputError('stack: no tensors');
  const nd = parts[0]!.ndim + 1;
  const ax = axis < 0 ? nd + axis : axis;
  return concat(parts.map((p) => reshape(p, [...p.shape.slice(0, ax), 1, ...p.shape.slice(ax)])), ax);
}

// ---------------------------------------------------------------- softmax and indexing

/** log(softmax(a)) over the last axis, computed stably. */
export function logSoftmax(a: Tensor): Tensor {
  const C = a.shape[a.ndim - 1]!;
  const rows = a.size / C;
  const out = zeros(a.shape, a.dtype);
  const A = a.data;
  const O = out.data;
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let m = -Infinity;
    for (let j = 0; j < C; j++) m = Math.max(m, A[o + j]!);
    let s = 0;
    for (let j = 0; j < C; j++) s += Math.exp(A[o + j]! - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < C; j++) O[o + j] = A[o + j]! - lse;
  }
  const keep = [...a.shape.slice(0, -1), 1];
  return record('logSoftmax', [a], [out], ([g]) => [sub(g!, mul(exp(out), sumTo(g!, keep)))])[0]!;
}

/** softmax over the last axis. */
export function softmax(a: Tensor): Tensor {
  return exp(logSoftmax(a));
}

function checkIndex(a: Tensor, idx: Int32Array, op: string): number {
  if (a.ndim !== 2 || idx.length !== a.shape[0]) throw new BadInputError(`${op}: needs [N, C] and N indices, got ${fmtShape(a.shape)} and ${idx.length}`);
  const C = a.shape[1]!;
  for (let i = 0; i < idx.length; i++) if (idx[i]! < 0 || idx[i]! >= C) throw new BadInputError(`${op}: index ${idx[i]} at row ${i} outside [0, ${C})`);
  return C;
}

/** out[i] = a[i, idx[i]] for a [N, C] tensor. */
export function pick(a: Tensor, idx: Int32Array): Tensor {
  const C = checkIndex(a, idx, 'pick');
  const out = zeros([idx.length], a.dtype);
  for (let i = 0; i < idx.length; i++) out.data[i] = a.data[i * C + idx[i]!]!;
  return record('pick', [a], [out], ([g]) => [unpick(g!, idx, C)])[0]!;
}

/** Adjoint of `pick`: a [N, C] zero tensor with a[i] at (i, idx[i]). */
export function unpick(a: Tensor, idx: Int32Array, C: number): Tensor {
  const out = zeros([idx.length, C], a.dtype);
  for (let i = 0; i < idx.length; i++) out.data[i * C + idx[i]!] = a.data[i]!;
  return record('unpick', [a], [out], ([g]) => [pick(g!, idx)])[0]!;
}
