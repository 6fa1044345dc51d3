/**
 * Where a recurrent kernel keeps its buffers and which GEMM it calls: plain typed arrays with
 * the JS kernels, or (float32 with WebAssembly SIMD) arrays inside the SIMD arena with the
 * SIMD kernels. Kernels are written once against this interface.
 */
import { gemmNN, gemmTN } from './gemm.ts';
import { simdArena, simdAvailable, simdGemmNN, simdGemmTN, simdGruCell, simdGruCellBack, simdLstmCell, simdLstmCellBack } from './simd.ts';
import { type DType, type Data, alloc } from './tensor.ts';

/** GEMM signature shared by gemm.ts and simd.ts (accumulates into C). */
export type Gemm = (M: number, N: number, K: number, A: Data, ao: number, lda: number, B: Data, bo: number, ldb: number, C: Data, co: number, ldc: number) => void;

/** Buffers and kernels for one forward or backward call. */
export interface Space {
  /** A zeroed scratch array of n elements. */
  arr(n: number): Data;
  /** `src` in this space (copied in when the space is the SIMD arena). */
  take(src: Data): Data;
  /** `a` as an array that outlives the call (copied out of the SIMD arena). */
  keep(a: Data): Data;
  nn: Gemm;
  tn: Gemm;
  /** SIMD LSTM cell row (see simd.ts), when this space has one. */
  lstmCell: typeof simdLstmCell | null;
  /** SIMD LSTM cell backward row, when this space has one. */
  lstmCellBack: typeof simdLstmCellBack | null;
  /** SIMD GRU cell rows, when this space has them. */
  gruCell: typeof simdGruCell | null;
  gruCellBack: typeof simdGruCellBack | null;
  /** out[N] = column sums of A[M, N] (a fresh, caller-owned array). */
  colSum(M: number, N: number, A: Data): Data;
  /** A token to continue this space later with its arrays intact (null: plain arrays, always intact). */
  checkpoint(): SpaceToken | null;
}

/** Where a space's allocations stood (see `resumeSpace`). */
export interface SpaceToken {
  generation: number;
  top: number;
}

function colSumJs(M: number, N: number, A: Data, out: Data): Data {
  for (let r = 0; r < M; r++) {
    const o = r * N;
    for (let j = 0; j < N; j++) out[j] += A[o + j]!;
  }
  return out;
}

/** JS space: fresh typed arrays and the JS kernels. */
function jsSpace(dtype: DType): Space {
  return { arr: (n) => alloc(dtype, n), take: (src) => src, keep: (a) => a, nn: gemmNN, tn: gemmTN, lstmCell: null, lstmCellBack: null, gruCell: null, gruCellBack: null, checkpoint: () => null, colSum: (M, N, A) => colSumJs(M, N, A, alloc(dtype, N)) };
}

/** SIMD space for float32, sized for `floats` elements in total (or continuing a checkpoint). */
function simdSpace(floats: number, resume: SpaceToken | null = null): Space {
  if (resume === null) simdArena.begin(floats);
  return {
    arr: (n) => simdArena.alloc(n),
    take: (src) => {
      const a = simdArena.alloc(src.length);
      a.set(src);
      return a;
    },
    keep: (a) => a.slice(),
    nn: simdGemmNN as Gemm,
    tn: simdGemmTN as Gemm,
    lstmCell: simdLstmCell,
    lstmCellBack: simdLstmCellBack,
    gruCell: simdGruCell,
    gruCellBack: simdGruCellBack,
    checkpoint: () => simdArena.checkpoint(),
    colSum: (M, N, A) => {
      // onesᵀ·A through the SIMD GEMM: A's rows weighted by a [M, 4] matrix whose first column is 1.
      const ones = simdArena.alloc(4 * M);
      for (let r = 0; r < M; r++) ones[4 * r] = 1;
      const out = simdArena.alloc(4 * N);
      simdGemmTN(4, N, M, ones, 0, 4, A as Float32Array, 0, N, out, 0, N);
      return out.slice(0, N);
    },
  };
}

/** The SIMD space of `token` with its arrays intact, or null when the arena was reused since. */
export function resumeSpace(token: SpaceToken): Space | null {
  return simdArena.resume(token) ? simdSpace(0, token) : null;
}

/**
 * The fastest space available for `dtype`, with room for `floats` elements (callers count
 * their arrays; a quarter more plus a constant covers alignment padding with room to spare).
 */
export function spaceFor(dtype: DType, floats: number): Space {
  return dtype === 'float32' && simdAvailable() ? simdSpace(Math.ceil(floats * 1.25) + 1024) : jsSpace(dtype);
}
