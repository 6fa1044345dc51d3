/**
 * The complete-tree walk of FlatForest as a WebAssembly function, assembled
 * here from its opcodes (no toolchain needed). Wasm because the JS version of
 * this loop spends most of its instructions on typed-array map and bounds
 * checks; the wasm one is the bare loads, one float compare and adds.
 *
 * For each tree t and row r of a block, a = 0, then depth times
 *   a = 2a + 1 + (blk[r][off[a]] >= thr[a])   (node record: i32 byte offset, pad, f64 threshold)
 * and res[group[t]][r] += leaf[t][a - nInt]. Rows of blk hold each feature twice
 * (NaN as -Infinity, then as +Infinity) so default directions need no branch.
 * Tree-major order keeps one tree's nodes in L1 while `lanes` rows walk it.
 */
import { section, sleb, str, uleb } from '../wasmAsm.ts';

const I32 = 0x7f;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  f64Store: 0x39,
  i32Const: 0x41,
  i32Ne: 0x47,
  i32LtU: 0x49,
  f64Ge: 0x66,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f64Add: 0xa0,
} as const;

/** Shape constants baked into one module (so levels unroll and row offsets are load immediates). */
export interface WalkShape {
  /** Complete-tree depth (1..10). */
  readonly depth: number;
  /** Bytes per row of the input block. */
  readonly rowBytes: number;
  /** Rows walked together (their dependency chains overlap in the CPU). */
  readonly lanes: number;
}

// parameters
const P = { nodes: 0, leaf: 1, group: 2, nTrees: 3, blk: 4, nb: 5, res: 6, resGroupBytes: 7 } as const;
const N_PARAMS = 8;
// locals
const L = { t: 8, r: 9, nodeBase: 10, leafBase: 11, resBase: 12, rowAddr: 13, resAddr: 14, skew: 15, rowAddr0: 16, a0: 17 } as const;
const F64 = 0x7c;

const get = (i: number): number[] => [op.get, i];
const set = (i: number): number[] => [op.set, i];
const tee = (i: number): number[] => [op.tee, i];
const c32 = (v: number): number[] => [op.i32Const, ...sleb(v)];
const mem = (align: number, offset: number): number[] => [align, ...uleb(offset)];

function walkBody({ depth, rowBytes, lanes }: WalkShape): number[] {
  const nInt = (1 << depth) - 1;
  const thr0 = L.a0 + lanes; // the one f64 local
  const b: number[] = [];
  const emit = (...xs: number[][]): void => {
    for (const x of xs) b.push(...x);
  };
  emit(c32(0), set(L.t));
  emit([op.loop, 0x40]); // trees
  emit(get(P.nodes), get(L.t), c32(nInt * 16), [op.i32Mul, op.i32Add], set(L.nodeBase));
  emit(c32(16), get(L.nodeBase), [op.i32Sub], set(L.skew));
  emit(get(P.leaf), get(L.t), c32((nInt + 1) * 8), [op.i32Mul, op.i32Add], set(L.leafBase));
  emit(get(P.res), get(P.group), get(L.t), c32(2), [op.i32Shl, op.i32Add, op.i32Load], mem(2, 0), get(P.resGroupBytes), [op.i32Mul, op.i32Add], set(L.resBase));
  emit(c32(0), set(L.r), get(P.blk), set(L.rowAddr));
  emit([op.loop, 0x40]); // row groups of `lanes`
  // lane i tracks A_i = nodeBase + 16 * (its node); the child of A is 2A + skew + 16 * (x >= thr), skew = 16 - nodeBase
  // level 0: every lane is at the root, so its offset and threshold load once
  emit(get(L.nodeBase), [op.i32Load], mem(2, 0), get(L.rowAddr), [op.i32Add], set(L.rowAddr0));
  emit(get(L.nodeBase), [op.f64Load], mem(3, 8), set(thr0));
  for (let i = 0; i < lanes; i++) {
    emit(get(L.nodeBase), c32(16), [op.i32Add], get(L.rowAddr0), [op.f64Load], mem(3, i * rowBytes), get(thr0), [op.f64Ge], c32(4), [op.i32Shl, op.i32Add], set(L.a0 + i));
  }
  for (let d = 1; d < depth; d++) {
    for (let i = 0; i < lanes; i++) {
      const a = L.a0 + i;
      emit(get(a), get(a), [op.i32Add], get(L.skew), [op.i32Add]);
      emit(get(a), [op.i32Load], mem(2, 0), get(L.rowAddr), [op.i32Add, op.f64Load], mem(3, i * rowBytes));
      emit(get(a), [op.f64Load], mem(3, 8), [op.f64Ge], c32(4), [op.i32Shl, op.i32Add], set(a));
    }
  }
  // res[r + i] += leaf of A_i: leafBase + (A_i - nodeBase) / 2 (leafBase points nInt leaves before tree t's first)
  emit(get(L.resBase), get(L.r), c32(3), [op.i32Shl, op.i32Add], set(L.resAddr));
  for (let i = 0; i < lanes; i++) {
    emit(get(L.resAddr), get(L.resAddr), [op.f64Load], mem(3, i * 8));
    emit(get(L.leafBase), get(L.a0 + i), get(L.nodeBase), [op.i32Sub], c32(1), [op.i32ShrU, op.i32Add, op.f64Load], mem(3, 0));
    emit([op.f64Add, op.f64Store], mem(3, i * 8));
  }
  emit(get(L.rowAddr), c32(lanes * rowBytes), [op.i32Add], set(L.rowAddr));
  emit(get(L.r), c32(lanes), [op.i32Add], tee(L.r), get(P.nb), [op.i32LtU, op.brIf, 0, op.end]);
  emit(get(L.t), c32(1), [op.i32Add], tee(L.t), get(P.nTrees), [op.i32LtU, op.brIf, 0, op.end]);
  emit([op.end]);
  return b;
}

/** The module's bytes for one shape: imports env.mem, exports walk. */
export function walkModuleBytes(shape: WalkShape): Uint8Array {
  const type = section(1, [1, 0x60, ...uleb(N_PARAMS), ...Array<number>(N_PARAMS).fill(I32), 0]);
  const imp = section(2, [1, ...str('env'), ...str('mem'), 0x02, 0x00, 1]);
  const func = section(3, [1, 0]);
  const exp = section(7, [1, ...str('walk'), 0x00, 0]);
  const nI32 = L.a0 + shape.lanes - N_PARAMS;
  const body = [2, ...uleb(nI32), I32, 1, F64, ...walkBody(shape)];
  const code = section(10, [1, ...uleb(body.length), ...body]);
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imp, ...func, ...exp, ...code]);
}

/**
 * walk(nodes, leaf, group, nTrees, blk, nb, res, resGroupBytes), byte addresses:
 * nodes = 16-byte records (i32 byte offset into a row, 4 pad, f64 threshold),
 * tree t at nodes + t*nInt*16; leaf = the leaves of tree t at leaf + t*2^depth*8,
 * minus nInt*8 (so leaf >= nInt*8); group = i32 output group per tree; nb = rows,
 * a multiple of lanes; res = f64 sums, group g at res + g*resGroupBytes.
 */
export type WalkFn = (nodes: number, leaf: number, group: number, nTrees: number, blk: number, nb: number, res: number, resGroupBytes: number) => void;

/** The slice of the WebAssembly JS API used here (this project's lib has no DOM typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WalkModule;
  Instance: new (module: WalkModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

/** A compiled walk module (opaque). */
export interface WalkModule {
  readonly __walkModule?: never;
}

const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
const modules = new Map<string, WalkModule | null>();

/** The compiled walk for one shape (cached); null where WebAssembly is unavailable. */
export function compileWalk(shape: WalkShape): WalkModule | null {
  const key = `${shape.depth}/${shape.rowBytes}/${shape.lanes}`;
  let m = modules.get(key);
  if (m === undefined) {
    try {
      m = wasm ? new wasm.Module(walkModuleBytes(shape)) : null;
    } catch {
      m = null;
    }
    modules.set(key, m);
  }
  return m;
}

/** An instance of a walk module over a fresh memory of `bytes` bytes (rounded up to 64 KiB pages). */
export function instantiateWalk(module: WalkModule, bytes: number): { walk: WalkFn; buffer: ArrayBuffer } {
  const memory = new wasm!.Memory({ initial: Math.ceil(bytes / 65536) });
  const walk = new wasm!.Instance(module, { env: { mem: memory } }).exports.walk as WalkFn;
  return { walk, buffer: memory.buffer };
}
