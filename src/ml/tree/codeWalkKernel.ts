/**
 * SIMD inference kernel for complete trees (depth <= 8) over 8-bit input codes,
 * assembled from bytes (wasmAsm.ts). Why: the scalar walk spends ~11
 * instructions per (row, level) on a dependent chain of loads; here 64 rows go
 * through a tree together as four i8x16 vectors, every node's test is one
 * vector compare for 16 rows, and the path is followed by selection instead of
 * by pointer chasing, so there is no chain and ~3x fewer instructions.
 *
 * quant: the raw f64 inputs of a block (column-major, NB rows per column) are
 * coded per feature as the number of the model's thresholds <= x by an
 * unrolled branch-free binary search, so x >= t iff code >= rank(t) exactly;
 * NaN is coded 0 in the default-left copy of the column and 255 in the
 * default-right copy. Codes are stored XOR 0x80 so a signed byte compare orders them.
 *
 * walk: node record (4 bytes) = u16 byte offset of its code column, then
 * (rank - 1) XOR 0x80. For each level the lanes' node index within the level
 * (idx) selects its node's mask: acc |= (codes > rank - 1) & (idx == j); then
 * idx = 2 idx + bit. Leaves are added per row in tree order, so sums have the
 * same bits as the scalar kernels.
 */
import { moduleBytes, sleb, T, uleb, wasmApi, type AsmFunction, type WasmMemory } from '../wasmAsm.ts';

/** Rows per block (four 16-lane vectors; one cache line per code column). */
export const CODE_BLOCK = 64;
/** Rows coded together (independent binary searches in flight). */
const QUANT_ROWS = 8;
/** Deepest complete tree (leaf index fits a byte). */
export const CODE_MAX_DEPTH = 8;

const simd = (o: number, ...imm: number[]): number[] => [0xfd, ...uleb(o), ...imm];
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (d: number) => [0x0d, d],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  c32: (v: number) => [0x41, ...sleb(v)],
  select: [0x1b],
  i32Load: (off: number) => [0x28, 2, ...uleb(off)],
  load16u: (off: number) => [0x2f, 1, ...uleb(off)],
  f64Load: (off: number) => [0x2b, 3, ...uleb(off)],
  f64Store: (off: number) => [0x39, 3, ...uleb(off)],
  store8: (off: number) => [0x3a, 0, ...uleb(off)],
  ltU: [0x49],
  add: [0x6a],
  mul: [0x6c],
  shl: [0x74],
  shrU: [0x76],
  xor: [0x73],
  f64Ne: [0x62],
  f64Le: [0x65],
  f64Add: [0xa0],
  demote: [0xb6],
  promote: [0xbb],
  v128Load: (off: number) => simd(0x00, 4, ...uleb(off)),
  splat8: (off: number) => simd(0x07, 0, ...uleb(off)),
  i8Const: (v: number) => simd(0x0c, ...Array<number>(16).fill(v & 255)),
  extractU: (lane: number) => simd(0x16, lane),
  i8Eq: simd(0x23),
  i8GtS: simd(0x27),
  and: simd(0x4e),
  or: simd(0x50),
  i8Neg: simd(0x61),
  i8Add: simd(0x6e),
  i8Sub: simd(0x71),
};

/** Shape constants baked into one module. */
export interface CodeShape {
  readonly nFeatures: number;
  /** Complete-tree depth 1..8. */
  readonly depth: number;
  /** Binary-search steps: every feature has at most 2^steps - 1 thresholds (steps <= 8). */
  readonly steps: number;
  /** Round inputs to float32 before coding (XGBoost models). */
  readonly float32: boolean;
}

/**
 * quant(raw, colBytes, tables, codes): raw = NB rows of feature 0, feature f at
 * raw + f*colBytes (the column-major input); tables = per feature 2^steps f64 (its
 * thresholds ascending, padded with +Infinity); codes = 2F columns of NB bytes.
 */
function quantFunction({ nFeatures: F, steps, float32 }: CodeShape): AsmFunction {
  const NB = CODE_BLOCK;
  const R = QUANT_ROWS;
  const P = { raw: 0, colBytes: 1, tables: 2, codes: 3 };
  const L = { f: 4, r: 5, tb: 6, rp: 7, cp: 8, pos: 9, x: 9 + R };
  const b: number[] = [];
  const emit = (...xs: number[][]): void => {
    for (const x of xs) b.push(...x);
  };
  const tableBytes = 8 << steps;
  emit(op.get(P.codes), op.set(L.cp), op.get(P.tables), op.set(L.tb));
  emit(op.c32(0), op.set(L.f), op.loop); // features
  emit(op.get(P.raw), op.get(L.f), op.get(P.colBytes), op.mul, op.add, op.set(L.rp));
  emit(op.c32(0), op.set(L.r), op.loop); // rows of the block, R at a time: their search chains overlap
  for (let i = 0; i < R; i++) {
    const x = L.x + i;
    emit(op.get(L.rp), op.f64Load(8 * i), ...(float32 ? [op.demote, op.promote] : []), op.set(x));
    emit(op.c32(0), op.set(L.pos + i));
  }
  for (let s = 1 << (steps - 1); s >= 1; s >>= 1) {
    for (let i = 0; i < R; i++) {
      // pos += 8s when table[pos/8 + s - 1] <= x (NaN compares false: code 0)
      const pos = L.pos + i;
      emit(op.get(pos), op.c32(8 * s), op.c32(0), op.get(L.tb), op.get(pos), op.add, op.f64Load(8 * (s - 1)), op.get(L.x + i), op.f64Le, op.select, op.add, op.set(pos));
    }
  }
  for (let i = 0; i < R; i++) {
    const pos = L.pos + i;
    const x = L.x + i;
    // default-left copy: the code (0 for NaN); default-right copy: 255 for NaN
    emit(op.get(L.cp), op.get(pos), op.c32(3), op.shrU, op.tee(pos), op.c32(0x80), op.xor, op.store8(i));
    emit(op.get(L.cp), op.c32(255), op.get(pos), op.get(x), op.get(x), op.f64Ne, op.select, op.c32(0x80), op.xor, op.store8(F * NB + i));
  }
  emit(op.get(L.rp), op.c32(8 * R), op.add, op.set(L.rp), op.get(L.cp), op.c32(R), op.add, op.set(L.cp));
  emit(op.get(L.r), op.c32(R), op.add, op.tee(L.r), op.c32(NB), op.ltU, op.brIf(0), op.end);
  emit(op.get(L.tb), op.c32(tableBytes), op.add, op.set(L.tb));
  emit(op.get(L.f), op.c32(1), op.add, op.tee(L.f), op.c32(F), op.ltU, op.brIf(0), op.end);
  return { name: 'quant', params: 4, locals: [...Array<number>(5 + R).fill(T.i32), ...Array<number>(R).fill(T.f64)], body: b };
}

/**
 * walk(nodes, leaf, group, nTrees, codes, res, resGroupBytes): for every tree t
 * (nodes at nodes + t*(2^D-1)*4, leaves at leaf + t*2^D*8, output group group[t])
 * and each of the NB rows r: res[group][r] += leaf of r.
 */
function walkFunction({ depth: D }: CodeShape): AsmFunction {
  const NB = CODE_BLOCK;
  const V = NB / 16;
  const nInt = (1 << D) - 1;
  const P = { nodes: 0, leaf: 1, group: 2, nTrees: 3, codes: 4, res: 5, resGroupBytes: 6 };
  const L = { t: 7, nodeBase: 8, leafBase: 9, resBase: 10, col: 11, na: 12, nEnd: 13, spl: 14, ones: 15, j: 16, idx: 17, acc: 17 + V };
  const b: number[] = [];
  const emit = (...xs: number[][]): void => {
    for (const x of xs) b.push(...x);
  };
  const mask = (v: number): number[] => [...op.get(L.col), ...op.v128Load(16 * v), ...op.get(L.spl), ...op.i8GtS];
  emit(op.get(P.nodes), op.set(L.nodeBase), op.get(P.leaf), op.set(L.leafBase), op.c32(0), op.set(L.t), op.i8Const(1), op.set(L.ones));
  emit(op.loop);
  emit(op.get(P.res), op.get(P.group), op.i32Load(0), op.get(P.resGroupBytes), op.mul, op.add, op.set(L.resBase));
  // root: every lane's index is its bit
  emit(op.get(P.codes), op.get(L.nodeBase), op.load16u(0), op.add, op.set(L.col), op.get(L.nodeBase), op.splat8(2), op.set(L.spl));
  for (let v = 0; v < V; v++) emit(mask(v), op.i8Neg, op.set(L.idx + v));
  for (let d = 1; d < D; d++) {
    // a loop over the level's nodes, not unrolled: with the masks carried in loop phis the
    // compiler computes each node right after its loads instead of hoisting every load
    // of the level above the arithmetic (which spilled most vectors to the stack)
    emit(op.get(L.nodeBase), op.c32(4 * ((1 << d) - 1)), op.add, op.set(L.na));
    emit(op.get(L.nodeBase), op.c32(4 * ((1 << (d + 1)) - 1)), op.add, op.set(L.nEnd));
    emit(op.i8Const(0), op.set(L.j));
    for (let v = 0; v < V; v++) emit(op.i8Const(0), op.set(L.acc + v));
    emit(op.loop);
    emit(op.get(P.codes), op.get(L.na), op.load16u(0), op.add, op.set(L.col), op.get(L.na), op.splat8(2), op.set(L.spl));
    for (let v = 0; v < V; v++) emit(mask(v), op.get(L.idx + v), op.get(L.j), op.i8Eq, op.and, op.get(L.acc + v), op.or, op.set(L.acc + v));
    emit(op.get(L.j), op.get(L.ones), op.i8Add, op.set(L.j));
    emit(op.get(L.na), op.c32(4), op.add, op.tee(L.na), op.get(L.nEnd), op.ltU, op.brIf(0), op.end);
    // idx = 2 idx + bit (acc lanes are -1 where the row goes right)
    for (let v = 0; v < V; v++) emit(op.get(L.idx + v), op.get(L.idx + v), op.i8Add, op.get(L.acc + v), op.i8Sub, op.set(L.idx + v));
  }
  for (let v = 0; v < V; v++) {
    for (let i = 0; i < 16; i++) {
      const off = 8 * (16 * v + i);
      emit(op.get(L.resBase), op.get(L.resBase), op.f64Load(off));
      emit(op.get(L.leafBase), op.get(L.idx + v), op.extractU(i), op.c32(3), op.shl, op.add, op.f64Load(0));
      emit(op.f64Add, op.f64Store(off));
    }
  }
  emit(op.get(L.nodeBase), op.c32(4 * nInt), op.add, op.set(L.nodeBase));
  emit(op.get(L.leafBase), op.c32(8 << D), op.add, op.set(L.leafBase));
  emit(op.get(P.group), op.c32(4), op.add, op.set(P.group));
  emit(op.get(L.t), op.c32(1), op.add, op.tee(L.t), op.get(P.nTrees), op.ltU, op.brIf(0), op.end);
  const locals = [...Array<number>(7).fill(T.i32), T.v128, T.v128, T.v128, ...Array<number>(2 * V).fill(T.v128)];
  return { name: 'walk', params: 7, locals, body: b };
}

export type QuantFn = (raw: number, colBytes: number, tables: number, codes: number) => void;
export type CodeWalkFn = (nodes: number, leaf: number, group: number, nTrees: number, codes: number, res: number, resGroupBytes: number) => void;

const modules = new Map<string, object | null>();

/** The compiled module for one shape (cached); null without WebAssembly SIMD. */
export function compileCodeWalk(shape: CodeShape): object | null {
  const key = `${shape.nFeatures}/${shape.depth}/${shape.steps}/${shape.float32}`;
  let m = modules.get(key);
  if (m === undefined) {
    try {
      m = wasmApi ? new wasmApi.Module(moduleBytes([quantFunction(shape), walkFunction(shape)])) : null;
    } catch {
      m = null;
    }
    modules.set(key, m);
  }
  return m;
}

/** An instance over a fresh memory of `bytes` bytes. */
export function instantiateCodeWalk(module: object, bytes: number): { quant: QuantFn; walk: CodeWalkFn; memory: WasmMemory } {
  const memory = new wasmApi!.Memory({ initial: Math.ceil(bytes / 65536) });
  const ex = new wasmApi!.Instance(module, { env: { mem: memory } }).exports;
  return { quant: ex.quant as QuantFn, walk: ex.walk as CodeWalkFn, memory };
}
