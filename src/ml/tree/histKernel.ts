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
 * them like any histogram. A shared arena's memory is a shared
 * WebAssembly.Memory: each thread of a HistogramPool instantiates its own
 * module on it (ArenaChunks: one hist function per chunk of the features) and
 * works on the same codes, gradients, rows and slots, nothing copied per task.
 */
import { MISSING_BIN as MISSING } from './binning.ts';
import { HIST_STRIDE } from './histogram.ts';
import type { SplitInfo, SplitParams } from './split.ts';
import { moduleBytes, sleb, T, uleb, wasmApi, type AsmFunction, type WasmMemory } from '../wasmAsm.ts';

/** Widest matrix whose feature loop is unrolled (code size grows ~20 bytes per feature). */
export const MAX_UNROLLED_FEATURES = 2048;
/** Most bytes of histogram slots one arena holds. */
const MAX_SLOT_BYTES = 2 ** 28;
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
 * hist[f][bins[r*stride + f]] += gh[r] for every feature f in [f0, f1) (byte addresses;
 * gh holds (g, h) pairs, a histogram 256 pairs per feature). Slots are not zeroed here.
 */
function histFunction(f0: number, f1: number): AsmFunction {
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
  for (let f = f0; f < f1; f++) {
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

/**
 * split(hist, feats, nFeats, nBins, io): findBestSplit (split.ts) for alpha = 0, the
 * same IEEE operations in the same order, so the same split and bits. io holds f64
 * G, H, lambda, minChildWeight, parent score at 0..32 on entry; on return the best
 * gain (before halving and gamma) at 40, gl, hl, gr, hr at 48..72, and i32 feature
 * (-1 for none), bin, default-left at 80, 84, 88. Features at feats (i32), bin counts
 * at nBins (i32 per feature).
 */
function splitFunction(): AsmFunction {
  const P = { hist: 0, feats: 1, nFeats: 2, nBins: 3, io: 4 };
  const I = { fp: 5, fend: 6, f: 7, hb: 8, b: 9, bEnd: 10, bestF: 11, bestB: 12, bestDl: 13, miss: 14, nonEmpty: 0 };
  const D = { G: 15, H: 16, lam: 17, mcw: 18, parent: 19, best: 20, gl: 21, hl: 22, gr: 23, hr: 24, gm: 25, hm: 26, gb: 27, hv: 28, gain: 29, gl2: 30, hl2: 31, gr2: 32, hr2: 33, rgl: 34, rhl: 35, rgr: 36, rhr: 37 };
  const b: number[] = [];
  const emit = (...xs: number[][]): void => {
    for (const x of xs) b.push(...x);
  };
  const f64c = (v: number): number[] => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];
  const fl = (off: number): number[] => [0x2b, 3, ...uleb(off)];
  const fs = (off: number): number[] => [0x39, 3, ...uleb(off)];
  const [fadd, fsub, feq, fgt, fge] = [[0xa0], [0xa1], [0x61], [0x64], [0x66]];
  const iand = [0x71];
  const V = { lam: 38, num: 39 };
  I.nonEmpty = 40;
  const splat = [0xfd, 0x14];
  const replace1 = [0xfd, 0x22, 1];
  const extract = (lane: number): number[] => [0xfd, 0x21, lane];
  const v2add = [0xfd, ...uleb(240)];
  const v2mul = [0xfd, ...uleb(242)];
  const v2div = [0xfd, ...uleb(243)];
  const ifThen = [0x04, 0x40];
  // candidate (gl, hl, gr, hr) -> when both sides weigh >= mcw and the gain beats best, record it with `dl`
  // candidate (gl, hl, gr, hr): scored unconditionally, then one rarely-taken branch records it
  // when the bin is non-empty, both sides weigh >= mcw and the gain beats best (data-dependent
  // branches per bin mispredicted often enough to cost ~30% of the search)
  const tryCandidate = (gl: number, hl: number, gr: number, hr: number, dl: number): void => {
    // both sides' scores in one f64x2 divide (lane-wise the same IEEE operations), then left + right - parent
    emit(op.get(gl), splat, op.get(gr), replace1, op.tee(V.num), op.get(V.num), v2mul);
    emit(op.get(hl), splat, op.get(hr), replace1, op.get(V.lam), v2add, v2div, op.tee(V.num));
    emit(extract(0), op.get(V.num), extract(1), fadd, op.get(D.parent), fsub, op.tee(D.gain));
    emit(op.get(D.best), fgt, op.get(hl), op.get(D.mcw), fge, iand, op.get(hr), op.get(D.mcw), fge, iand, op.get(I.nonEmpty), iand, ifThen);
    emit(op.get(D.gain), op.set(D.best), op.get(I.f), op.set(I.bestF), op.get(I.b), op.c32(4), op.shrU, op.set(I.bestB), op.c32(dl), op.set(I.bestDl));
    emit(op.get(gl), op.set(D.rgl), op.get(hl), op.set(D.rhl), op.get(gr), op.set(D.rgr), op.get(hr), op.set(D.rhr));
    emit(op.end);
  };
  emit(op.get(P.io), fl(0), op.set(D.G), op.get(P.io), fl(8), op.set(D.H), op.get(P.io), fl(16), op.set(D.lam));
  emit(op.get(P.io), fl(24), op.set(D.mcw), op.get(P.io), fl(32), op.set(D.parent));
  emit(f64c(1e-10), op.set(D.best), op.c32(-1), op.set(I.bestF), op.get(D.lam), splat, op.set(V.lam));
  emit(op.get(P.feats), op.tee(I.fp), op.get(P.nFeats), op.c32(2), op.shl, op.add, op.set(I.fend));
  emit(op.block, op.get(I.fp), op.get(I.fend), op.geU, op.brIf(0), op.loop);
  emit(op.get(I.fp), op.i32Load(0), op.tee(I.f), op.c32(12), op.shl, op.get(P.hist), op.add, op.set(I.hb));
  emit(op.get(I.hb), fl(MISSING * 16), op.set(D.gm), op.get(I.hb), fl(MISSING * 16 + 8), op.tee(D.hm), f64c(0), fgt, op.set(I.miss));
  emit(op.get(P.nBins), op.get(I.f), op.c32(2), op.shl, op.add, op.i32Load(0), op.c32(1), op.sub, op.c32(4), op.shl, op.set(I.bEnd));
  emit(f64c(0), op.set(D.gl), f64c(0), op.set(D.hl), op.c32(0), op.set(I.b));
  emit(op.block, op.get(I.b), op.get(I.bEnd), [0x4e] /* i32.ge_s */, op.brIf(0), op.loop, op.block);
  emit(op.get(I.hb), op.get(I.b), op.add, fl(0), op.set(D.gb), op.get(I.hb), op.get(I.b), op.add, fl(8), op.set(D.hv));
  // an empty bin moves no rows: its split equals the previous one, already scored (and adding its
  // +0 sums leaves gl, hl unchanged: they are never -0, being sums from +0 of non-(-0) values)
  emit(op.get(D.hv), f64c(0), feq, op.get(D.gb), f64c(0), feq, iand, op.eqz, op.set(I.nonEmpty));
  emit(op.get(D.gl), op.get(D.gb), fadd, op.set(D.gl), op.get(D.hl), op.get(D.hv), fadd, op.set(D.hl));
  emit(op.get(D.G), op.get(D.gl), fsub, op.set(D.gr), op.get(D.H), op.get(D.hl), fsub, op.set(D.hr));
  tryCandidate(D.gl, D.hl, D.gr, D.hr, 0);
  emit(op.get(I.miss), ifThen);
  emit(op.get(D.gl), op.get(D.gm), fadd, op.set(D.gl2), op.get(D.hl), op.get(D.hm), fadd, op.set(D.hl2));
  emit(op.get(D.G), op.get(D.gl2), fsub, op.set(D.gr2), op.get(D.H), op.get(D.hl2), fsub, op.set(D.hr2));
  tryCandidate(D.gl2, D.hl2, D.gr2, D.hr2, 1);
  emit(op.end);
  emit(op.end); // block of one bin (the empty-bin skip lands here)
  emit(op.get(I.b), op.c32(16), op.add, op.tee(I.b), op.get(I.bEnd), [0x48] /* i32.lt_s */, op.brIf(0), op.end, op.end);
  emit(op.get(I.fp), op.c32(4), op.add, op.tee(I.fp), op.get(I.fend), op.ltU, op.brIf(0), op.end, op.end);
  emit(op.get(P.io), op.get(D.best), fs(40), op.get(P.io), op.get(D.rgl), fs(48), op.get(P.io), op.get(D.rhl), fs(56));
  emit(op.get(P.io), op.get(D.rgr), fs(64), op.get(P.io), op.get(D.rhr), fs(72));
  emit(op.get(P.io), op.get(I.bestF), op.i32Store(80), op.get(P.io), op.get(I.bestB), op.i32Store(84), op.get(P.io), op.get(I.bestDl), op.i32Store(88));
  return { name: 'split', params: 5, locals: [...Array<number>(10).fill(T.i32), ...Array<number>(23).fill(T.f64), T.v128, T.v128, T.i32], body: b };
}

type SplitFn = (hist: number, feats: number, nFeats: number, nBins: number, io: number) => void;
type PartFn = (bins: number, stride: number, f: number, rows: number, start: number, end: number, tmp: number, bin: number, missLeft: number) => number;
type HistFn = (bins: number, stride: number, rows: number, start: number, end: number, gh: number, hist: number) => void;
type SubFn = (parent: number, child: number, bytes: number) => void;

const modules = new Map<string, object | null>();

/**
 * The kernels for a private memory with hist over all `nFeatures` features (chunks 1), or for
 * a shared memory with hist0..hist{chunks-1}, hist k unrolled over the features of chunk k
 * (null without SIMD).
 */
function compile(nFeatures: number, chunks: number, shared: boolean): object | null {
  const key = `${nFeatures}:${chunks}:${shared ? 's' : 'p'}`;
  let m = modules.get(key);
  if (m === undefined) {
    const hists = Array.from({ length: chunks }, (_, k) => {
      const [f0, f1] = chunkFeatures(nFeatures, chunks, k);
      return { ...histFunction(f0, f1), name: chunks === 1 ? 'hist' : `hist${k}` };
    });
    try {
      m = wasmApi ? new wasmApi.Module(moduleBytes([...hists, subFunction(), partFunction(), splitFunction()], { sharedMemory: shared })) : null;
    } catch {
      m = null; // no SIMD on this host: the JS kernels run
    }
    modules.set(key, m);
  }
  return m;
}

interface Kernels {
  hist: HistFn;
  sub: SubFn;
  part: PartFn;
  split: SplitFn;
}

function instantiate(mod: object, memory: WasmMemory): Kernels {
  const ex = new wasmApi!.Instance(mod, { env: { mem: memory } }).exports;
  return { hist: ex.hist as HistFn, sub: ex.sub as SubFn, part: ex.part as PartFn, split: ex.split as SplitFn };
}

/** Bytes of one split-search io block (inputs at 0..40, results at 40..92). */
const IO_BYTES = 128;
/** Most chunks the features of a shared arena are cut into (each has two io blocks). */
export const MAX_CHUNKS = 64;

/** Byte offsets of a grower's buffers in an arena's memory (what a worker needs besides the memory). */
export interface ArenaLayout {
  readonly rows: number;
  readonly stride: number;
  readonly nFeatures: number;
  readonly ghAt: number;
  readonly rowsAt: number;
  readonly tmpAt: number;
  /** The calling thread's split io block. */
  readonly ioAt: number;
  readonly featsAt: number;
  readonly nBinsAt: number;
  /** Per-chunk io blocks of a shared arena: chunk k's at chunkIoAt + 2*k*IO_BYTES (first child) and + IO_BYTES (second). */
  readonly chunkIoAt: number;
  readonly slotAt: number;
  readonly slotBytes: number;
  readonly slots: number;
  readonly bytes: number;
}

function arenaLayout(rows: number, stride: number, nFeatures: number, slots: number): ArenaLayout {
  const ghAt = align16(rows * stride);
  const rowsAt = ghAt + 16 * rows;
  const tmpAt = rowsAt + 4 * rows;
  const ioAt = align16(tmpAt + 4 * rows);
  const featsAt = ioAt + IO_BYTES;
  const nBinsAt = featsAt + 4 * stride;
  const chunkIoAt = align16(nBinsAt + 4 * stride);
  const slotAt = chunkIoAt + 2 * IO_BYTES * MAX_CHUNKS;
  const slotBytes = stride * FEAT_BYTES;
  return { rows, stride, nFeatures, ghAt, rowsAt, tmpAt, ioAt, featsAt, nBinsAt, chunkIoAt, slotAt, slotBytes, slots, bytes: slotAt + slots * slotBytes };
}

/** Features [f0, f1) of chunk k of `chunks` (contiguous, in order, sizes differing by at most one). */
export function chunkFeatures(nFeatures: number, chunks: number, k: number): [number, number] {
  return [Math.floor((k * nFeatures) / chunks), Math.floor(((k + 1) * nFeatures) / chunks)];
}

const align16 = (x: number): number => (x + 15) & ~15;

/** One wasm memory with a grower's buffers and `slots` histogram slots. */
export class HistArena {
  readonly binsRow: Uint8Array;
  readonly words: Uint32Array;
  readonly gh: Float64Array;
  readonly rowIdx: Int32Array;
  /** The memory (shared for a pool's threads when created with `shared`). */
  readonly memory: WasmMemory;
  readonly layout: ArenaLayout;
  private readonly tmp: Int32Array;
  private readonly free: Float64Array[] = [];
  private readonly buffer: ArrayBufferLike;
  private readonly io: Float64Array;
  private readonly ioI32: Int32Array;
  private readonly feats: Int32Array;
  /** The chunks' io blocks (block b at float 16*b). */
  private readonly chunkIo: Float64Array;
  private readonly chunkIoI32: Int32Array;
  private readonly k: Kernels;
  private lastFeatures: Int32Array | null = null;

  private constructor(mod: object, layout: ArenaLayout, nBins: Int32Array, shared: boolean) {
    this.layout = layout;
    const { rows, stride, nFeatures } = layout;
    const pages = Math.ceil(layout.bytes / 65536);
    this.memory = new wasmApi!.Memory(shared ? { initial: pages, maximum: pages, shared: true } : { initial: pages });
    this.k = instantiate(mod, this.memory);
    this.buffer = this.memory.buffer;
    this.binsRow = new Uint8Array(this.buffer, 0, rows * stride);
    this.words = new Uint32Array(this.buffer, 0, (rows * stride) >> 2);
    this.gh = new Float64Array(this.buffer, layout.ghAt, 2 * rows);
    this.rowIdx = new Int32Array(this.buffer, layout.rowsAt, rows);
    this.tmp = new Int32Array(this.buffer, layout.tmpAt, rows);
    this.io = new Float64Array(this.buffer, layout.ioAt, 16);
    this.ioI32 = new Int32Array(this.buffer, layout.ioAt, 32);
    this.feats = new Int32Array(this.buffer, layout.featsAt, stride);
    this.chunkIo = new Float64Array(this.buffer, layout.chunkIoAt, (2 * MAX_CHUNKS * IO_BYTES) >> 3);
    this.chunkIoI32 = new Int32Array(this.buffer, layout.chunkIoAt, (2 * MAX_CHUNKS * IO_BYTES) >> 2);
    new Int32Array(this.buffer, layout.nBinsAt, nFeatures).set(nBins);
    for (let s = layout.slots - 1; s >= 0; s--) this.free.push(new Float64Array(this.buffer, layout.slotAt + s * layout.slotBytes, stride * HIST_STRIDE));
  }

  /**
   * An arena for `rows` rows of `stride` code bytes (stride a multiple of 4), or
   * null when WebAssembly SIMD is unavailable, the matrix is too wide to unroll
   * or the memory would pass 1 GiB. `shared`: a shared memory, for a HistogramPool.
   */
  static create(rows: number, stride: number, nFeatures: number, slots: number, nBins: Int32Array, { shared = false }: { shared?: boolean } = {}): HistArena | null {
    if (nFeatures < 1 || nFeatures > MAX_UNROLLED_FEATURES) return null;
    // wide matrices get fewer slots (the rest of a tree's histograms are plain arrays)
    slots = Math.min(slots, Math.floor(MAX_SLOT_BYTES / (stride * FEAT_BYTES)));
    if (slots < 1) return null;
    const layout = arenaLayout(rows, stride, nFeatures, slots);
    if (layout.bytes > 2 ** 30) return null;
    const mod = compile(nFeatures, 1, shared);
    return mod ? new HistArena(mod, layout, nBins, shared) : null;
  }

  /** Put `features` in the arena's feature list (the split search reads it there). */
  setFeatures(features: Int32Array): void {
    if (features !== this.lastFeatures) {
      this.feats.set(features);
      this.lastFeatures = features;
    }
  }

  /**
   * findBestSplit (split.ts) on a slot, same result and bits; false when it does not
   * apply (a histogram outside the arena, or an L1 penalty) and the JS search must run.
   */
  findSplit(hist: Float64Array, features: Int32Array, G: number, H: number, p: SplitParams, out: SplitInfo): boolean {
    if (p.alpha !== 0 || !this.owns(hist)) return false;
    this.setFeatures(features);
    writeSplitInput(this.io, 0, G, H, p);
    this.k.split(hist.byteOffset, this.layout.featsAt, features.length, this.layout.nBinsAt, this.layout.ioAt);
    out.feature = -1;
    out.gain = 0;
    if (this.ioI32[20]! >= 0) readSplitResult(this.io, this.ioI32, 0, p, out);
    return true;
  }

  /** Split inputs (node totals G, H) into the io blocks of chunks [0, chunks), child `c` (0 or 1). */
  setChunkInputs(chunks: number, c: number, G: number, H: number, p: SplitParams): void {
    for (let k = 0; k < chunks; k++) writeSplitInput(this.chunkIo, (2 * k + c) * (IO_BYTES >> 3), G, H, p);
  }

  /**
   * The best of the chunks' splits for child `c`, as one findBestSplit over all their features in
   * order would pick it: each chunk holds its first best over its (contiguous, in-order) features;
   * the first chunk with the largest gain wins, as the first best does in one scan.
   */
  combineChunks(chunks: number, c: number, p: SplitParams, out: SplitInfo): void {
    const io = this.chunkIo;
    const ioI32 = this.chunkIoI32;
    let best = -1;
    let bestGain = 0;
    for (let k = 0; k < chunks; k++) {
      const b = (2 * k + c) * (IO_BYTES >> 3);
      if (ioI32[2 * b + 20]! >= 0 && (best < 0 || io[b + 5]! > bestGain)) {
        best = b;
        bestGain = io[b + 5]!;
      }
    }
    out.feature = -1;
    out.gain = 0;
    if (best >= 0) readSplitResult(io, ioI32, best, p, out);
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
    hist.fill(0, 0, this.layout.nFeatures * HIST_STRIDE);
    this.k.hist(0, this.layout.stride, this.layout.rowsAt, start, end, this.layout.ghAt, hist.byteOffset);
  }

  /** Stable in-place partition of rowIdx[start, end) by code of feature f <= bin (missing left when missLeft); returns the first right index. */
  partition(start: number, end: number, f: number, bin: number, missLeft: boolean): number {
    const l = this.k.part(0, this.layout.stride, f, this.layout.rowsAt, start, end, this.layout.tmpAt, bin, missLeft ? 1 : 0);
    this.rowIdx.set(this.tmp.subarray(0, end - l), l);
    return l;
  }

  /** parent -= child over slot entries [from, to) (float indices, even). */
  sub(parent: Float64Array, child: Float64Array, from: number, to: number): void {
    if (to > from) this.k.sub(parent.byteOffset + 8 * from, child.byteOffset + 8 * from, 8 * (to - from));
  }
}

/** io block at float index `b`: G, H, lambda, minChildWeight and the parent's score, as findBestSplit computes it (alpha 0). */
function writeSplitInput(io: Float64Array, b: number, G: number, H: number, p: SplitParams): void {
  io[b] = G;
  io[b + 1] = H;
  io[b + 2] = p.lambda;
  io[b + 3] = p.minChildWeight;
  io[b + 4] = (G * G) / (H + p.lambda);
}

/** The split the search left in io block `b` (a feature was found), finished as findBestSplit does. */
function readSplitResult(io: Float64Array, ioI32: Int32Array, b: number, p: SplitParams, out: SplitInfo): void {
  out.feature = ioI32[2 * b + 20]!;
  out.bin = ioI32[2 * b + 21]!;
  out.defaultLeft = ioI32[2 * b + 22] === 1;
  out.gl = io[b + 6]!;
  out.hl = io[b + 7]!;
  out.gr = io[b + 8]!;
  out.hr = io[b + 9]!;
  out.gain = 0.5 * io[b + 5]! - p.gamma;
  if (out.gain <= 0) out.feature = -1;
}

/**
 * One thread's kernels on a shared arena: for any chunk of the features, that chunk of a
 * node's histogram, sibling subtraction and split searches. The pool's calling thread and
 * each of its workers holds one, on the same memory, and they share out a node's chunks.
 */
export class ArenaChunks {
  private readonly hist: HistFn[];
  private readonly sub: SubFn;
  private readonly splitFn: SplitFn;
  private readonly mem: Float64Array;
  private readonly memI32: Int32Array;
  /** Bytes of each feature's value bins (the grower's subtract: min(nBins, MISSING) pairs). */
  private readonly subBytes: Int32Array;
  private readonly bounds: Int32Array;

  constructor(
    memory: WasmMemory,
    private readonly layout: ArenaLayout,
    readonly chunks: number,
  ) {
    if (!(chunks >= 1 && chunks <= MAX_CHUNKS)) throw new Error(`ArenaChunks: chunks must be in 1..${MAX_CHUNKS} (got ${chunks})`);
    const mod = compile(layout.nFeatures, chunks, true);
    if (!mod) throw new Error('ArenaChunks: WebAssembly SIMD kernels unavailable');
    const ex = new wasmApi!.Instance(mod, { env: { mem: memory } }).exports;
    this.sub = ex.sub as SubFn;
    this.splitFn = ex.split as SplitFn;
    this.hist = Array.from({ length: chunks }, (_, c) => ex[`hist${c}`] as HistFn);
    this.mem = new Float64Array(memory.buffer, 0, layout.bytes >> 3);
    this.memI32 = new Int32Array(memory.buffer, 0, layout.bytes >> 2);
    const nBins = this.memI32.subarray(layout.nBinsAt >> 2, (layout.nBinsAt >> 2) + layout.nFeatures);
    this.subBytes = Int32Array.from(nBins, (b) => 16 * Math.min(b, MISSING));
    this.bounds = Int32Array.from({ length: chunks + 1 }, (_, c) => (c < chunks ? chunkFeatures(layout.nFeatures, chunks, c)[0] : layout.nFeatures));
  }

  /** Chunk k's io block for child c. */
  static ioAt(layout: ArenaLayout, k: number, c: number): number {
    return layout.chunkIoAt + (2 * k + c) * IO_BYTES;
  }

  /** Chunk c of slot `hist` (byte offset): zeroed, then the histogram of rowIdx[start, end). */
  private histogram(c: number, start: number, end: number, hist: number): void {
    const f0 = this.bounds[c]!;
    const f1 = this.bounds[c + 1]!;
    this.mem.fill(0, (hist + f0 * FEAT_BYTES) >> 3, (hist + f1 * FEAT_BYTES) >> 3);
    this.hist[c]!(0, this.layout.stride, this.layout.rowsAt, start, end, this.layout.ghAt, hist);
  }

  /** Split search over chunk c's features on slot `hist`, into its io block for child `child` (inputs already there). */
  private split(c: number, hist: number, child: number): void {
    const f0 = this.bounds[c]!;
    const { layout } = this;
    this.splitFn(hist, layout.featsAt + 4 * f0, this.bounds[c + 1]! - f0, layout.nBinsAt, ArenaChunks.ioAt(layout, c, child));
  }

  /** Chunk c of a root: histogram of rowIdx[start, end) into `hist`, then its split search (child 0). */
  root(c: number, start: number, end: number, hist: number): void {
    if (this.bounds[c + 1] === this.bounds[c]) {
      this.memI32[(ArenaChunks.ioAt(this.layout, c, 0) >> 2) + 20] = -1;
      return;
    }
    this.histogram(c, start, end, hist);
    this.split(c, hist, 0);
  }

  /**
   * Chunk c of a split's children: histogram of the smaller child's rows rowIdx[start, end) into
   * `small`, `parent -= small` (the parent's slot becomes the larger child's), then both split
   * searches (small: child 0, large: child 1).
   */
  children(c: number, start: number, end: number, small: number, parent: number): void {
    const f0 = this.bounds[c]!;
    const f1 = this.bounds[c + 1]!;
    if (f1 === f0) {
      this.memI32[(ArenaChunks.ioAt(this.layout, c, 0) >> 2) + 20] = -1;
      this.memI32[(ArenaChunks.ioAt(this.layout, c, 1) >> 2) + 20] = -1;
      return;
    }
    this.histogram(c, start, end, small);
    const mem = this.mem;
    const miss = MISSING * 2;
    for (let f = f0; f < f1; f++) {
      const off = f * FEAT_BYTES;
      const bytes = this.subBytes[f]!;
      if (bytes > 0) this.sub(parent + off, small + off, bytes);
      const pi = ((parent + off) >> 3) + miss;
      const ci = ((small + off) >> 3) + miss;
      mem[pi] -= mem[ci]!;
      mem[pi + 1] -= mem[ci + 1]!;
    }
    this.split(c, small, 0);
    this.split(c, parent, 1);
  }
}
