/**
 * Histogram building and sibling subtraction in WebAssembly SIMD, assembled
 * here from bytes (wasmAsm.ts). Why: the JS kernel spends most of its
 * instructions on typed-array bounds checks and on two scalar read-add-writes
 * per (row, feature); here each is one byte load, one f64x2 load, add and
 * store, with the feature loop unrolled so every histogram offset is a load
 * immediate. Sums are taken in the same row order with the same IEEE double
 * adds, so histograms (and models) are bit-identical to the JS kernels.
 *
 * A HistArena owns one wasm memory holding the grower's row-major codes,
 * interleaved gradients, row order and a fixed number of histogram slots;
 * slots are handed out as Float64Array views, so the rest of the grower treats
 * them like any histogram.
 */
import { HIST_STRIDE } from './histogram.ts';
import { moduleBytes, sleb, T, uleb, wasmApi, type AsmFunction } from './wasmAsm.ts';

/** Widest matrix whose feature loop is unrolled (code size grows ~20 bytes per feature). */
export const MAX_UNROLLED_FEATURES = 2048;
/** Bytes of one feature's histogram (256 bins x gradient, hessian). */
const FEAT_BYTES = HIST_STRIDE * 8;

const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (d: number) => [0x0d, d],
  get: (i: number) => [0x20, i],
  set: (i: number) => [0x21, i],
  tee: (i: number) => [0x22, i],
  c32: (v: number) => [0x41, ...sleb(v)],
  i32Load: (off: number) => [0x28, 2, ...uleb(off)],
  i32Store: (off: number) => [0x36, 2, ...uleb(off)],
  select: [0x1b],
  eq: [0x46],
  leU: [0x4d],
  xor: [0x73],
  sub: [0x6b],
  shrU: [0x76],
  load8u: (off: number) => [0x2d, 0, ...uleb(off)],
  eqz: [0x45],
  ltU: [0x49],
  geU: [0x4f],
  add: [0x6a],
  mul: [0x6c],
  shl: [0x74],
  v128Load: (off: number) => [0xfd, 0x00, 4, ...uleb(off)],
  v128Store: (off: number) => [0xfd, 0x0b, 4, ...uleb(off)],
  f64x2Add: [0xfd, ...uleb(240)],
  f64x2Sub: [0xfd, ...uleb(241)],
};

/**
 * hist(bins, stride, rows, start, end, gh, hist): for k in [start, end), r = rows[k]:
 * hist[f][bins[r*stride + f]] += gh[r] for every feature f < nFeatures (byte addresses;
 * gh holds (g, h) pairs, a histogram 256 pairs per feature). Slots are not zeroed here.
 */
function histFunction(nFeatures: number): AsmFunction {
  const P = { bins: 0, stride: 1, rows: 2, start: 3, end: 4, gh: 5, hist: 6 };
  const L = { kp: 7, kend: 8, r: 9, row: 10, a: 11, g: 12 };
  const b: number[] = [];
  const emit = (...xs: number[][]): void => {
    for (const x of xs) b.push(...x);
  };
  emit(op.get(P.rows), op.get(P.start), op.c32(2), op.shl, op.add, op.set(L.kp));
  emit(op.get(P.rows), op.get(P.end), op.c32(2), op.shl, op.add, op.set(L.kend));
  emit(op.block, op.get(L.kp), op.get(L.kend), op.geU, op.brIf(0), op.loop);
  emit(op.get(L.kp), op.i32Load(0), op.set(L.r));
  emit(op.get(P.gh), op.get(L.r), op.c32(4), op.shl, op.add, op.v128Load(0), op.set(L.g));
  emit(op.get(P.bins), op.get(L.r), op.get(P.stride), op.mul, op.add, op.set(L.row));
  for (let f = 0; f < nFeatures; f++) {
    emit(op.get(L.row), op.load8u(f), op.c32(4), op.shl, op.get(P.hist), op.add, op.tee(L.a));
    emit(op.get(L.a), op.v128Load(f * FEAT_BYTES), op.get(L.g), op.f64x2Add, op.v128Store(f * FEAT_BYTES));
  }
  emit(op.get(L.kp), op.c32(4), op.add, op.tee(L.kp), op.get(L.kend), op.ltU, op.brIf(0), op.end, op.end);
  return { name: 'hist', params: 7, locals: [T.i32, T.i32, T.i32, T.i32, T.i32, T.v128], body: b };
}

/** sub(parent, child, bytes): parent[i] -= child[i] over `bytes` (a multiple of 16) as f64 pairs. */
function subFunction(): AsmFunction {
  const P = { parent: 0, child: 1, bytes: 2 };
  const i = 3;
  const b = [
    ...op.block,
    ...op.get(P.bytes),
    ...op.eqz,
    ...op.brIf(0),
    ...op.loop,
    ...op.get(P.parent),
    ...op.get(i),
    ...op.add,
    ...op.get(P.parent),
    ...op.get(i),
    ...op.add,
    ...op.v128Load(0),
    ...op.get(P.child),
    ...op.get(i),
    ...op.add,
    ...op.v128Load(0),
    ...op.f64x2Sub,
    ...op.v128Store(0),
    ...op.get(i),
    ...op.c32(16),
    ...op.add,
    ...op.tee(i),
    ...op.get(P.bytes),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
  return { name: 'sub', params: 3, locals: [T.i32], body: b };
}

/**
 * part(bins, stride, f, rows, start, end, tmp, bin, missLeft) -> l: stable partition of
 * rows[start, end) by code bins[r*stride + f] <= bin (code 255 = missing goes left when
 * missLeft): left rows compacted from rows[start], right rows to tmp[0..); returns the
 * index of the first right row (the caller copies tmp back behind the left rows).
 */
function partFunction(): AsmFunction {
  const P = { bins: 0, stride: 1, f: 2, rows: 3, start: 4, end: 5, tmp: 6, bin: 7, missLeft: 8 };
  const L = { kp: 9, kend: 10, lp: 11, tp: 12, row: 13, b: 14, left: 15 };
  const b: number[] = [];
  const emit = (...xs: number[][]): void => {
    for (const x of xs) b.push(...x);
  };
  emit(op.get(P.rows), op.get(P.start), op.c32(2), op.shl, op.add, op.tee(L.kp), op.set(L.lp));
  emit(op.get(P.rows), op.get(P.end), op.c32(2), op.shl, op.add, op.set(L.kend));
  emit(op.get(P.tmp), op.set(L.tp), op.get(P.bins), op.get(P.f), op.add, op.set(P.bins));
  emit(op.block, op.get(L.kp), op.get(L.kend), op.geU, op.brIf(0), op.loop);
  emit(op.get(L.kp), op.i32Load(0), op.set(L.row));
  emit(op.get(P.bins), op.get(L.row), op.get(P.stride), op.mul, op.add, op.load8u(0), op.set(L.b));
  // branch-free: the side is data-dependent and would mispredict half the time
  emit(op.get(P.missLeft), op.get(L.b), op.get(P.bin), op.leU, op.get(L.b), op.c32(255), op.eq, op.select, op.set(L.left));
  emit(op.get(L.lp), op.get(L.row), op.i32Store(0), op.get(L.tp), op.get(L.row), op.i32Store(0));
  emit(op.get(L.lp), op.get(L.left), op.c32(2), op.shl, op.add, op.set(L.lp));
  emit(op.get(L.tp), op.get(L.left), op.c32(1), op.xor, op.c32(2), op.shl, op.add, op.set(L.tp));
  emit(op.get(L.kp), op.c32(4), op.add, op.tee(L.kp), op.get(L.kend), op.ltU, op.brIf(0), op.end, op.end);
  emit(op.get(L.lp), op.get(P.rows), op.sub, op.c32(2), op.shrU);
  return { name: 'part', params: 9, locals: [T.i32, T.i32, T.i32, T.i32, T.i32, T.i32, T.i32], body: b, result: T.i32 };
}

type PartFn = (bins: number, stride: number, f: number, rows: number, start: number, end: number, tmp: number, bin: number, missLeft: number) => number;
type HistFn = (bins: number, stride: number, rows: number, start: number, end: number, gh: number, hist: number) => void;
type SubFn = (parent: number, child: number, bytes: number) => void;

const modules = new Map<number, object | null>();

function compile(nFeatures: number): object | null {
  let m = modules.get(nFeatures);
  if (m === undefined) {
    try {
      m = wasmApi ? new wasmApi.Module(moduleBytes([histFunction(nFeatures), subFunction(), partFunction()])) : null;
    } catch {
      m = null; // no SIMD on this host: the JS kernels run
    }
    modules.set(nFeatures, m);
  }
  return m;
}

const align16 = (x: number): number => (x + 15) & ~15;

/** One wasm memory with a grower's buffers and `slots` histogram slots. */
export class HistArena {
  readonly binsRow: Uint8Array;
  readonly words: Uint32Array;
  readonly gh: Float64Array;
  readonly rowIdx: Int32Array;
  private readonly tmp: Int32Array;
  private readonly free: Float64Array[] = [];
  private readonly buffer: ArrayBuffer;
  private readonly ghAt: number;
  private readonly rowsAt: number;
  private readonly tmpAt: number;

  private constructor(
    mod: object,
    rows: number,
    private readonly stride: number,
    private readonly nFeatures: number,
    slots: number,
  ) {
    const binsBytes = align16(rows * stride);
    this.ghAt = binsBytes;
    this.rowsAt = this.ghAt + 16 * rows;
    this.tmpAt = this.rowsAt + 4 * rows;
    const slotAt = align16(this.tmpAt + 4 * rows);
    const slotBytes = stride * FEAT_BYTES;
    const memory = new wasmApi!.Memory({ initial: Math.ceil((slotAt + slots * slotBytes) / 65536) });
    const ex = new wasmApi!.Instance(mod, { env: { mem: memory } }).exports;
    this.histFn = ex.hist as HistFn;
    this.subFn = ex.sub as SubFn;
    this.partFn = ex.part as PartFn;
    this.buffer = memory.buffer;
    this.binsRow = new Uint8Array(this.buffer, 0, rows * stride);
    this.words = new Uint32Array(this.buffer, 0, (rows * stride) >> 2);
    this.gh = new Float64Array(this.buffer, this.ghAt, 2 * rows);
    this.rowIdx = new Int32Array(this.buffer, this.rowsAt, rows);
    this.tmp = new Int32Array(this.buffer, this.tmpAt, rows);
    for (let s = slots - 1; s >= 0; s--) this.free.push(new Float64Array(this.buffer, slotAt + s * slotBytes, stride * HIST_STRIDE));
  }

  private readonly histFn: HistFn;
  private readonly subFn: SubFn;
  private readonly partFn: PartFn;

  /**
   * An arena for `rows` rows of `stride` code bytes (stride a multiple of 4), or
   * null when WebAssembly SIMD is unavailable, the matrix is too wide to unroll
   * or the memory would pass 1 GiB.
   */
  static create(rows: number, stride: number, nFeatures: number, slots: number): HistArena | null {
    if (nFeatures < 1 || nFeatures > MAX_UNROLLED_FEATURES) return null;
    const bytes = align16(rows * stride) + 24 * rows + 16 + slots * stride * FEAT_BYTES;
    if (bytes > 2 ** 30) return null;
    const mod = compile(nFeatures);
    return mod ? new HistArena(mod, rows, stride, nFeatures, slots) : null;
  }

  /** A free histogram slot, or null when all are in use. */
  take(): Float64Array | null {
    return this.free.pop() ?? null;
  }

  /** True when `h` is a slot of this arena. */
  owns(h: Float64Array): boolean {
    return h.buffer === this.buffer;
  }

  /** Histogram of rowIdx[start, end) over every feature into slot `hist` (zeroed first). */
  build(start: number, end: number, hist: Float64Array): void {
    hist.fill(0, 0, this.nFeatures * HIST_STRIDE);
    this.histFn(0, this.stride, this.rowsAt, start, end, this.ghAt, hist.byteOffset);
  }

  /** Stable in-place partition of rowIdx[start, end) by code of feature f <= bin (missing left when missLeft); returns the first right index. */
  partition(start: number, end: number, f: number, bin: number, missLeft: boolean): number {
    const l = this.partFn(0, this.stride, f, this.rowsAt, start, end, this.tmpAt, bin, missLeft ? 1 : 0);
    this.rowIdx.set(this.tmp.subarray(0, end - l), l);
    return l;
  }

  /** parent -= child over slot entries [from, to) (float indices, even). */
  sub(parent: Float64Array, child: Float64Array, from: number, to: number): void {
    if (to > from) this.subFn(parent.byteOffset + 8 * from, child.byteOffset + 8 * from, 8 * (to - from));
  }
}
