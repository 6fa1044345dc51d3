/**
 * float32 GEMM kernels in WebAssembly SIMD (f32x4), assembled here from bytes at load time
 * (no toolchain or binary file needed). Each kernel computes 4 rows x 8 columns of C per
 * block in eleven vector registers; callers pass byte addresses inside `simdMemory()`.
 * The blocked part runs here; ragged edges (M % 4, N % 8) run in the JS kernels of gemm.ts.
 * When WebAssembly SIMD is unavailable `simdAvailable()` is false and callers stay in JS.
 */
import { section, sleb, uleb } from '../wasmAsm.ts';
import { gemmNN, gemmTN } from './gemm.ts';

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

// Instruction encoders (only what the kernels use).
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const i32c = (v: number): number[] => [0x41, ...sleb(v)];
const ADD = [0x6a], MUL = [0x6c], SUB = [0x6b], GE_S = [0x4e], EQZ = [0x45];
const block = [0x02, 0x40], loop = [0x03, 0x40], end = [0x0b];
const br = (d: number): number[] => [0x0c, ...uleb(d)];
const brIf = (d: number): number[] => [0x0d, ...uleb(d)];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
const load = (offset: number): number[] => simd(0, 2, ...uleb(offset)); // v128.load align=4 bytes
const store = (offset: number): number[] => simd(11, 2, ...uleb(offset)); // v128.store
const splat32 = (offset: number): number[] => simd(9, 2, ...uleb(offset)); // v128.load32_splat
const zero128 = simd(12, ...new Array<number>(16).fill(0)); // v128.const 0
const F32X4_ADD = simd(228), F32X4_MUL = simd(230), F32X4_SUB = simd(229), F32X4_DIV = simd(231), F32X4_MIN = simd(232), F32X4_MAX = simd(233);
const F32X4_NEAREST = simd(106), I32X4_TRUNC_SAT_F32X4_S = simd(248), I32X4_ADD = simd(174), I32X4_SHL = simd(171);
const call = (f: number): number[] => [0x10, ...uleb(f)];
/** v128.const with the same f32 in all four lanes. */
function f32x4c(v: number): number[] {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  for (let k = 0; k < 4; k++) dv.setFloat32(4 * k, v, true);
  return simd(12, ...b);
}
function i32x4c(v: number): number[] {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  for (let k = 0; k < 4; k++) dv.setInt32(4 * k, v, true);
  return simd(12, ...b);
}

const I32 = 0x7f, V128 = 0x7b;
// Parameters: M, N, K, a, lda, b, ldb, c, ldc (addresses and leading dimensions in bytes).
const P = { M: 0, N: 1, K: 2, a: 3, lda: 4, b: 5, ldb: 6, c: 7, ldc: 8 };
const L = { i: 9, j: 10, k: 11, pa0: 12, pa1: 13, pa2: 14, pa3: 15, pb: 16, pc: 17, acc: 18, bv0: 26, bv1: 27, s: 28 };

/** Body of a 4x8-blocked f32 GEMM; `transA` reads A as [K, M] (A row k holds column k of op(A)). */
function gemmBody(transA: boolean): number[] {
  const acc = (r: number): number => L.acc + r;
  const fma = (dst: number, bv: number): number[] => [...get(dst), ...get(L.s), ...get(bv), ...F32X4_MUL, ...F32X4_ADD, ...set(dst)];
  const rowStep: number[] = [];
  for (let r = 0; r < 4; r++) {
    rowStep.push(...(transA ? [...get(L.pa0), ...splat32(4 * r)] : [...get(L.pa0 + r), ...splat32(0)]), ...set(L.s));
    rowStep.push(...fma(acc(2 * r), L.bv0), ...fma(acc(2 * r + 1), L.bv1));
  }
  const advanceA = transA
    ? [...get(L.pa0), ...get(P.lda), ...ADD, ...set(L.pa0)]
    : [0, 1, 2, 3].flatMap((r) => [...get(L.pa0 + r), ...i32c(4), ...ADD, ...set(L.pa0 + r)]);
  const initA = transA
    ? [...get(P.a), ...get(L.i), ...i32c(4), ...MUL, ...ADD, ...set(L.pa0)]
    : [
        ...get(P.a), ...get(L.i), ...get(P.lda), ...MUL, ...ADD, ...set(L.pa0),
        ...get(L.pa0), ...get(P.lda), ...ADD, ...set(L.pa1),
        ...get(L.pa1), ...get(P.lda), ...ADD, ...set(L.pa2),
        ...get(L.pa2), ...get(P.lda), ...ADD, ...set(L.pa3),
      ];
  const storeRows: number[] = [];
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) storeRows.push(...get(L.pc), ...get(L.pc), ...load(16 * h), ...get(acc(2 * r + h)), ...F32X4_ADD, ...store(16 * h));
    if (r < 3) storeRows.push(...get(L.pc), ...get(P.ldc), ...ADD, ...set(L.pc));
  }
  return [
    ...i32c(0), ...set(L.i),
    ...block, ...loop,
    ...get(L.i), ...get(P.M), ...GE_S, ...brIf(1),
    ...i32c(0), ...set(L.j),
    ...block, ...loop,
    ...get(L.j), ...get(P.N), ...GE_S, ...brIf(1),
    ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((r) => [...zero128, ...set(acc(r))]),
    ...initA,
    ...get(P.b), ...get(L.j), ...i32c(4), ...MUL, ...ADD, ...set(L.pb),
    ...get(P.K), ...set(L.k),
    ...block, ...loop,
    ...get(L.k), ...EQZ, ...brIf(1),
    ...get(L.pb), ...load(0), ...set(L.bv0),
    ...get(L.pb), ...load(16), ...set(L.bv1),
    ...rowStep,
    ...advanceA,
    ...get(L.pb), ...get(P.ldb), ...ADD, ...set(L.pb),
    ...get(L.k), ...i32c(1), ...SUB, ...set(L.k),
    ...br(0),
    ...end, ...end,
    ...get(P.c), ...get(L.i), ...get(P.ldc), ...MUL, ...ADD, ...get(L.j), ...i32c(4), ...MUL, ...ADD, ...set(L.pc),
    ...storeRows,
    ...get(L.j), ...i32c(8), ...ADD, ...set(L.j),
    ...br(0),
    ...end, ...end,
    ...get(L.i), ...i32c(4), ...ADD, ...set(L.i),
    ...br(0),
    ...end, ...end,
  ];
}

/** `n` (a local) iterations of `body`, advancing each pointer local by one vector (16 bytes). */
function vectorLoop(n: number, pointers: readonly number[], body: number[]): number[] {
  return [
    ...block, ...loop,
    ...get(n), ...EQZ, ...brIf(1),
    ...body,
    ...pointers.flatMap((p) => [...get(p), ...i32c(16), ...ADD, ...set(p)]),
    ...get(n), ...i32c(1), ...SUB, ...set(n),
    ...br(0),
    ...end, ...end,
  ];
}
/** Address `p + k·hb` (gate k of a row whose gates are hb bytes apart). */
const gateAt = (p: number, hb: number, k: number): number[] => [...get(p), ...get(hb), ...i32c(k), ...MUL, ...ADD];
/** 1 - v for f32x4. */
const oneMinus = (v: number[]): number[] => [...f32x4c(1), ...v, ...F32X4_SUB];

/**
 * exp over f32x4 (function 2): clamp, split x = n ln2 + r (Cody-Waite), degree-6 polynomial
 * for e^r, and 2^n assembled in the exponent bits. Relative error ~1e-7 (float32 level).
 */
function expBody(): number[] {
  // param 0: x; locals 1: n (v128), 2: r (v128)
  return [
    ...get(0), ...f32x4c(88.0), ...F32X4_MIN, ...f32x4c(-87.0), ...F32X4_MAX, ...set(0),
    ...get(0), ...f32x4c(Math.LOG2E), ...F32X4_MUL, ...F32X4_NEAREST, ...set(1),
    ...get(0), ...get(1), ...f32x4c(0.693359375), ...F32X4_MUL, ...F32X4_SUB,
    ...get(1), ...f32x4c(-2.12194440e-4), ...F32X4_MUL, ...F32X4_SUB, ...set(2),
    // Horner: 1 + r(1 + r(1/2 + r(1/6 + r(1/24 + r(1/120 + r/720)))))
    ...get(2), ...f32x4c(1 / 720), ...F32X4_MUL, ...f32x4c(1 / 120), ...F32X4_ADD,
    ...get(2), ...F32X4_MUL, ...f32x4c(1 / 24), ...F32X4_ADD,
    ...get(2), ...F32X4_MUL, ...f32x4c(1 / 6), ...F32X4_ADD,
    ...get(2), ...F32X4_MUL, ...f32x4c(0.5), ...F32X4_ADD,
    ...get(2), ...F32X4_MUL, ...f32x4c(1), ...F32X4_ADD,
    ...get(2), ...F32X4_MUL, ...f32x4c(1), ...F32X4_ADD,
    ...get(1), ...I32X4_TRUNC_SAT_F32X4_S, ...i32x4c(127), ...I32X4_ADD, ...i32c(23), ...I32X4_SHL,
    ...F32X4_MUL,
  ];
}
/** sigmoid over f32x4 (function 3): 1 / (1 + e^-x). */
function sigmoidBody(): number[] {
  return [...f32x4c(1), ...f32x4c(1), ...f32x4c(0), ...get(0), ...F32X4_SUB, ...call(2), ...F32X4_ADD, ...F32X4_DIV];
}
/** tanh over f32x4 (function 4): 1 - 2 / (e^2x + 1). */
function tanhBody(): number[] {
  return [...f32x4c(1), ...f32x4c(2), ...get(0), ...get(0), ...F32X4_ADD, ...call(2), ...f32x4c(1), ...F32X4_ADD, ...F32X4_DIV, ...F32X4_SUB];
}
/**
 * One LSTM cell row (function 5): params n (groups of 4 units), hb (H in bytes), act, cp,
 * cs, tcs, hs (byte addresses). Reads pre-activations i,f,g,o at act + {0,1,2,3}·hb and the
 * previous cell at cp; writes activations back, the cell, tanh(cell) and h.
 */
function cellBody(): number[] {
  const [n, hb, act, cp, cs, tcs, hs] = [0, 1, 2, 3, 4, 5, 6];
  const [vi, vf, vg, vo, vc, vt] = [7, 8, 9, 10, 11, 12];
  const at = (k: number): number[] => gateAt(act, hb, k);
  return vectorLoop(n, [act, cp, cs, tcs, hs], [
    ...get(act), ...load(0), ...call(3), ...set(vi),
    ...at(1), ...load(0), ...call(3), ...set(vf),
    ...at(2), ...load(0), ...call(4), ...set(vg),
    ...at(3), ...load(0), ...call(3), ...set(vo),
    ...get(vf), ...get(cp), ...load(0), ...F32X4_MUL, ...get(vi), ...get(vg), ...F32X4_MUL, ...F32X4_ADD, ...set(vc),
    ...get(vc), ...call(4), ...set(vt),
    ...get(act), ...get(vi), ...store(0),
    ...at(1), ...get(vf), ...store(0),
    ...at(2), ...get(vg), ...store(0),
    ...at(3), ...get(vo), ...store(0),
    ...get(cs), ...get(vc), ...store(0),
    ...get(tcs), ...get(vt), ...store(0),
    ...get(hs), ...get(vo), ...get(vt), ...F32X4_MUL, ...store(0),
  ]);
}

/**
 * Backward of one LSTM cell row (function 6): params n, hb, act (activations i,f,g,o at
 * act + k·hb), tcs, cp (previous cell), dh, dout (this step's output gradient), dc (in: from
 * the next step, out: to the previous one), dg (gate pre-activation gradients, as act).
 */
function cellBackBody(): number[] {
  const [n, hb, act, tcs, cp, dh, dout, dc, dg] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [vi, vf, vg, vo, vt, dhv, dcv] = [9, 10, 11, 12, 13, 14, 15];
  const at = (p: number, k: number): number[] => gateAt(p, hb, k);
  return vectorLoop(n, [act, tcs, cp, dh, dout, dc, dg], [
    ...get(act), ...load(0), ...set(vi),
    ...at(act, 1), ...load(0), ...set(vf),
    ...at(act, 2), ...load(0), ...set(vg),
    ...at(act, 3), ...load(0), ...set(vo),
    ...get(tcs), ...load(0), ...set(vt),
    ...get(dh), ...load(0), ...get(dout), ...load(0), ...F32X4_ADD, ...set(dhv),
    // dc + dh·o·(1 - tc²)
    ...get(dc), ...load(0), ...get(dhv), ...get(vo), ...F32X4_MUL, ...oneMinus([...get(vt), ...get(vt), ...F32X4_MUL]), ...F32X4_MUL, ...F32X4_ADD, ...set(dcv),
    ...get(dg), ...get(dcv), ...get(vg), ...F32X4_MUL, ...get(vi), ...F32X4_MUL, ...oneMinus(get(vi)), ...F32X4_MUL, ...store(0),
    ...at(dg, 1), ...get(dcv), ...get(cp), ...load(0), ...F32X4_MUL, ...get(vf), ...F32X4_MUL, ...oneMinus(get(vf)), ...F32X4_MUL, ...store(0),
    ...at(dg, 2), ...get(dcv), ...get(vi), ...F32X4_MUL, ...oneMinus([...get(vg), ...get(vg), ...F32X4_MUL]), ...F32X4_MUL, ...store(0),
    ...at(dg, 3), ...get(dhv), ...get(vt), ...F32X4_MUL, ...get(vo), ...F32X4_MUL, ...oneMinus(get(vo)), ...F32X4_MUL, ...store(0),
    ...get(dc), ...get(dcv), ...get(vf), ...F32X4_MUL, ...store(0),
  ]);
}

/**
 * One GRU cell row (function 7): params n, hb, gx (input pre-activations r,z,n at gx + k·hb,
 * overwritten by the activations), gh (hidden parts W_h·h + b_h, same layout), hp (previous
 * h), ghn (receives gh's n part), hs (receives h).
 */
function gruCellBody(): number[] {
  const [n, hb, gx, gh, hp, ghn, hs] = [0, 1, 2, 3, 4, 5, 6];
  const [vr, vz, vn, vh] = [7, 8, 9, 10];
  const at = (p: number, k: number): number[] => gateAt(p, hb, k);
  return vectorLoop(n, [gx, gh, hp, ghn, hs], [
    ...get(gx), ...load(0), ...get(gh), ...load(0), ...F32X4_ADD, ...call(3), ...set(vr),
    ...at(gx, 1), ...load(0), ...at(gh, 1), ...load(0), ...F32X4_ADD, ...call(3), ...set(vz),
    ...at(gh, 2), ...load(0), ...set(vh),
    ...at(gx, 2), ...load(0), ...get(vr), ...get(vh), ...F32X4_MUL, ...F32X4_ADD, ...call(4), ...set(vn),
    ...get(gx), ...get(vr), ...store(0),
    ...at(gx, 1), ...get(vz), ...store(0),
    ...at(gx, 2), ...get(vn), ...store(0),
    ...get(ghn), ...get(vh), ...store(0),
    // h = n + z (hp - n)
    ...get(hs), ...get(vn), ...get(vz), ...get(hp), ...load(0), ...get(vn), ...F32X4_SUB, ...F32X4_MUL, ...F32X4_ADD, ...store(0),
  ]);
}

/**
 * Backward of one GRU cell row (function 8): params n, hb, act (r,z,n), ghn, hp, dh, dout,
 * dgx, dgh (gate gradients, input and hidden sides), direct (receives dh·z, the part of the
 * previous h's gradient that bypasses the recurrent GEMM).
 */
function gruCellBackBody(): number[] {
  const [n, hb, act, ghn, hp, dh, dout, dgx, dgh, direct] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [vr, vz, vn, dhv, dan, daz, dar] = [10, 11, 12, 13, 14, 15, 16];
  const at = (p: number, k: number): number[] => gateAt(p, hb, k);
  return vectorLoop(n, [act, ghn, hp, dh, dout, dgx, dgh, direct], [
    ...get(act), ...load(0), ...set(vr),
    ...at(act, 1), ...load(0), ...set(vz),
    ...at(act, 2), ...load(0), ...set(vn),
    ...get(dh), ...load(0), ...get(dout), ...load(0), ...F32X4_ADD, ...set(dhv),
    ...get(dhv), ...oneMinus(get(vz)), ...F32X4_MUL, ...oneMinus([...get(vn), ...get(vn), ...F32X4_MUL]), ...F32X4_MUL, ...set(dan),
    ...get(dhv), ...get(hp), ...load(0), ...get(vn), ...F32X4_SUB, ...F32X4_MUL, ...get(vz), ...F32X4_MUL, ...oneMinus(get(vz)), ...F32X4_MUL, ...set(daz),
    ...get(dan), ...get(ghn), ...load(0), ...F32X4_MUL, ...get(vr), ...F32X4_MUL, ...oneMinus(get(vr)), ...F32X4_MUL, ...set(dar),
    ...get(dgx), ...get(dar), ...store(0),
    ...at(dgx, 1), ...get(daz), ...store(0),
    ...at(dgx, 2), ...get(dan), ...store(0),
    ...get(dgh), ...get(dar), ...store(0),
    ...at(dgh, 1), ...get(daz), ...store(0),
    ...at(dgh, 2), ...get(dan), ...get(vr), ...F32X4_MUL, ...store(0),
    ...get(direct), ...get(dhv), ...get(vz), ...F32X4_MUL, ...store(0),
  ]);
}

function buildModule(): Uint8Array {
  const gemmType = [0x60, ...vec(new Array(9).fill([I32])), ...vec([])];
  const unaryType = [0x60, ...vec([[V128]]), ...vec([[V128]])];
  const cellType = [0x60, ...vec(new Array(7).fill([I32])), ...vec([])];
  const backType10 = [0x60, ...vec(new Array(10).fill([I32])), ...vec([])];
  const code = (locals: number[][], body: number[]): number[] => {
    const f = [...vec(locals), ...body, ...end];
    return [...uleb(f.length), ...f];
  };
  const gemmLocals = [[...uleb(9), I32], [...uleb(11), V128]];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([gemmType, unaryType, cellType, backType10])),
    ...section(3, vec([[0], [0], [1], [1], [1], [2], [0], [2], [3]])),
    ...section(5, vec([[0x00, ...uleb(16)]])),
    ...section(7, vec([[...name('memory'), 0x02, 0], [...name('gemm_nn'), 0x00, 0], [...name('gemm_tn'), 0x00, 1], [...name('exp4'), 0x00, 2], [...name('lstm_cell'), 0x00, 5], [...name('lstm_cell_back'), 0x00, 6], [...name('gru_cell'), 0x00, 7], [...name('gru_cell_back'), 0x00, 8]])),
    ...section(10, vec([
      code(gemmLocals, gemmBody(false)),
      code(gemmLocals, gemmBody(true)),
      code([[...uleb(2), V128]], expBody()),
      code([], sigmoidBody()),
      code([], tanhBody()),
      code([[...uleb(6), V128]], cellBody()),
      code([[...uleb(7), V128]], cellBackBody()),
      code([[...uleb(4), V128]], gruCellBody()),
      code([[...uleb(7), V128]], gruCellBackBody()),
    ])),
  ];
  return Uint8Array.from(bytes);
}

/** The slice of the WebAssembly API used here (the project's lib settings do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

type GemmFn = (M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number) => void;
interface SimdExports {
  memory: WasmMemory;
  gemm_nn: GemmFn;
  gemm_tn: GemmFn;
  exp4: unknown;
  lstm_cell: (n: number, hb: number, act: number, cp: number, cs: number, tcs: number, hs: number) => void;
  lstm_cell_back: (n: number, hb: number, act: number, tcs: number, cp: number, dh: number, dout: number, dc: number, dg: number) => void;
  gru_cell: (n: number, hb: number, gx: number, gh: number, hp: number, ghn: number, hs: number) => void;
  gru_cell_back: (n: number, hb: number, act: number, ghn: number, hp: number, dh: number, dout: number, dgx: number, dgh: number, direct: number) => void;
}

let exportsCache: SimdExports | null | undefined;

function instance(): SimdExports | null {
  if (exportsCache !== undefined) return exportsCache;
  try {
    if (wasm === undefined) throw new Error('no WebAssembly');
    const mod = new wasm.Module(buildModule());
    exportsCache = new wasm.Instance(mod, {}).exports as SimdExports;
  } catch {
    exportsCache = null; // no WebAssembly SIMD here: callers use the JS kernels
  }
  return exportsCache;
}

/** True when the SIMD kernels compiled on this runtime. */
export function simdAvailable(): boolean {
  return instance() !== null;
}

/**
 * A bump allocator of float32 arrays inside the SIMD module's memory. `begin(n)` makes room
 * for n floats (growing memory, which invalidates older views) and restarts at 0.
 */
export class SimdArena {
  private top = 0;
  private f32: Float32Array = new Float32Array(0);
  /** Bumped by every `begin`: a checkpoint is valid only while this is unchanged. */
  private generation = 0;

  /** Reserves room for `floats` elements and forgets earlier allocations. */
  begin(floats: number): void {
    const ex = instance();
    if (ex === null) throw new Error('internal: SIMD kernels unavailable');
    const need = (floats + 64) * 4;
    const have = ex.memory.buffer.byteLength;
    if (need > have) ex.memory.grow(Math.ceil((need - have) / 65536));
    this.f32 = new Float32Array(ex.memory.buffer);
    this.top = 0;
    this.generation++;
  }

  /** n floats (zeroed), 16-byte aligned, valid until the next `begin`. */
  alloc(n: number): Float32Array {
    const start = this.top;
    this.top = (start + n + 3) & ~3;
    if (this.top > this.f32.length) throw new Error('internal: SIMD arena overflow');
    const v = this.f32.subarray(start, start + n);
    v.fill(0);
    return v;
  }

  /**
   * Runs `fn` with room for `floats` more elements after the current allocations and frees
   * them afterwards, so earlier arrays and checkpoints stay valid (unless memory must grow).
   */
  transient<T>(floats: number, fn: () => T): T {
    if (this.top + floats + 64 > this.f32.length) {
      this.begin(floats);
      return fn();
    }
    const saved = this.top;
    try {
      return fn();
    } finally {
      this.top = saved;
    }
  }

  /**
   * Runs `fn` on `n` zeroed floats after the current allocations and frees them afterwards, when
   * they fit without growing memory (growing would detach every view handed out); else false.
   */
  scratch(n: number, fn: (s: Float32Array) => void): boolean {
    // 4 floats of slack: kernels may read (never write) a few floats past an array's end.
    if (this.top + n + 4 > this.f32.length) return false;
    const saved = this.top;
    try {
      fn(this.alloc(n));
    } finally {
      this.top = saved;
    }
    return true;
  }

  /** The current allocation state, to continue from later while no `begin` intervened. */
  checkpoint(): { generation: number; top: number } {
    return { generation: this.generation, top: this.top };
  }

  /** Continues allocating after a checkpoint; false when the arena was reused since. */
  resume(cp: { generation: number; top: number }): boolean {
    if (cp.generation !== this.generation) return false;
    this.top = cp.top;
    return true;
  }
}

/** One arena shared by the recurrent kernels (they run one at a time, on the main thread or a worker). */
export const simdArena = new SimdArena();

/** gemmNN of gemm.ts over arena arrays, blocked part in SIMD. */
export function simdGemmNN(M: number, N: number, K: number, A: Float32Array, ao: number, lda: number, B: Float32Array, bo: number, ldb: number, C: Float32Array, co: number, ldc: number): void {
  const ex = instance()!;
  const M4 = M & ~3;
  const N8 = N & ~7;
  if (M4 > 0 && N8 > 0 && K > 0) ex.gemm_nn(M4, N8, K, A.byteOffset + 4 * ao, 4 * lda, B.byteOffset + 4 * bo, 4 * ldb, C.byteOffset + 4 * co, 4 * ldc);
  if (N8 < N && M4 > 0) gemmNN(M4, N - N8, K, A, ao, lda, B, bo + N8, ldb, C, co + N8, ldc);
  if (M4 < M) gemmNN(M - M4, N, K, A, ao + M4 * lda, lda, B, bo, ldb, C, co + M4 * ldc, ldc);
}

/** gemmTN of gemm.ts over arena arrays, blocked part in SIMD. */
export function simdGemmTN(M: number, N: number, K: number, A: Float32Array, ao: number, lda: number, B: Float32Array, bo: number, ldb: number, C: Float32Array, co: number, ldc: number): void {
  const ex = instance()!;
  const M4 = M & ~3;
  const N8 = N & ~7;
  if (M4 > 0 && N8 > 0 && K > 0) ex.gemm_tn(M4, N8, K, A.byteOffset + 4 * ao, 4 * lda, B.byteOffset + 4 * bo, 4 * ldb, C.byteOffset + 4 * co, 4 * ldc);
  if (N8 < N && M4 > 0) gemmTN(M4, N - N8, K, A, ao, lda, B, bo + N8, ldb, C, co + N8, ldc);
  if (M4 === M) return;
  // The last M % 4 rows (e.g. 43 input features): one SIMD block into scratch, which reads up to
  // three floats past those rows of A (inside the arena) and keeps only the real rows.
  const R = M - M4;
  const simdRows =
    N8 > 0 && K > 0 &&
    simdArena.scratch(4 * N8, (s) => {
      ex.gemm_tn(4, N8, K, A.byteOffset + 4 * (ao + M4), 4 * lda, B.byteOffset + 4 * bo, 4 * ldb, s.byteOffset, 4 * N8);
      for (let r = 0; r < R; r++) {
        const c0 = co + (M4 + r) * ldc;
        for (let j = 0; j < N8; j++) C[c0 + j] += s[r * N8 + j]!;
      }
    });
  if (!simdRows) gemmTN(R, N, K, A, ao + M4, lda, B, bo, ldb, C, co + M4 * ldc, ldc);
  else if (N8 < N) gemmTN(R, N - N8, K, A, ao + M4, lda, B, bo + N8, ldb, C, co + M4 * ldc + N8, ldc);
}

/**
 * One row of LSTM cells in SIMD (H a multiple of 4): act holds the row's 4H pre-activations
 * at `ao` and receives the activations; cp is the previous cell row; writes cs, tcs, hs rows.
 */
export function simdLstmCell(H: number, act: Float32Array, ao: number, cp: Float32Array, po: number, cs: Float32Array, tcs: Float32Array, hs: Float32Array, ho: number): void {
  instance()!.lstm_cell(H >> 2, 4 * H, act.byteOffset + 4 * ao, cp.byteOffset + 4 * po, cs.byteOffset + 4 * ho, tcs.byteOffset + 4 * ho, hs.byteOffset + 4 * ho);
}

/** Backward of one row of LSTM cells in SIMD (H a multiple of 4); see cellBackBody. */
export function simdLstmCellBack(H: number, act: Float32Array, ao: number, tcs: Float32Array, ho: number, cp: Float32Array, po: number, dh: Float32Array, dout: Float32Array, dc: Float32Array, bo: number, dg: Float32Array): void {
  const ex = instance()!;
  ex.lstm_cell_back(H >> 2, 4 * H, act.byteOffset + 4 * ao, tcs.byteOffset + 4 * ho, cp.byteOffset + 4 * po, dh.byteOffset + 4 * bo, dout.byteOffset + 4 * ho, dc.byteOffset + 4 * bo, dg.byteOffset + 4 * ao);
}

/** One row of GRU cells in SIMD (H a multiple of 4); see gruCellBody. Offsets in elements. */
export function simdGruCell(H: number, gx: Float32Array, go: number, gh: Float32Array, bo: number, hp: Float32Array, po: number, ghn: Float32Array, hs: Float32Array, ho: number): void {
  instance()!.gru_cell(H >> 2, 4 * H, gx.byteOffset + 4 * go, gh.byteOffset + 4 * bo, hp.byteOffset + 4 * po, ghn.byteOffset + 4 * ho, hs.byteOffset + 4 * ho);
}

/** Backward of one row of GRU cells in SIMD; see gruCellBackBody. Offsets in elements. */
export function simdGruCellBack(H: number, act: Float32Array, go: number, ghn: Float32Array, ho: number, hp: Float32Array, po: number, dh: Float32Array, dout: Float32Array, dgx: Float32Array, dgh: Float32Array, direct: Float32Array, bo: number): void {
  const b = 4 * bo;
  instance()!.gru_cell_back(H >> 2, 4 * H, act.byteOffset + 4 * go, ghn.byteOffset + 4 * ho, hp.byteOffset + 4 * po, dh.byteOffset + b, dout.byteOffset + 4 * ho, dgx.byteOffset + 4 * go, dgh.byteOffset + 4 * go, direct.byteOffset + b);
}
