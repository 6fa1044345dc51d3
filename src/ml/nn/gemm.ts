/**
 * Matrix-multiply kernels over row-major typed arrays with explicit offsets and leading
 * dimensions, so callers can multiply sub-blocks (one time step of a [B, T, H] sequence)
 * in place. All accumulate into C. The inner loop runs over contiguous columns of B and C
 * (axpy form), four k at a time and two rows at a time, which is what V8 compiles best.
 */
import type { Data } from './tensor.ts';

/** C[M,N] += A[M,K] · B[K,N] (A row i at ao + i*lda, B row k at bo + k*ldb). */
export function gemmNN(M: number, N: number, K: number, A: Data, ao: number, lda: number, B: Data, bo: number, ldb: number, C: Data, co: number, ldc: number): void {
  let i = 0;
  for (; i + 1 < M; i += 2) {
    const c0 = co + i * ldc;
    const c1 = c0 + ldc;
    const a0 = ao + i * lda;
    const a1 = a0 + lda;
    let k = 0;
    for (; k + 3 < K; k += 4) {
      const p0 = A[a0 + k]!, p1 = A[a0 + k + 1]!, p2 = A[a0 + k + 2]!, p3 = A[a0 + k + 3]!;
      const q0 = A[a1 + k]!, q1 = A[a1 + k + 1]!, q2 = A[a1 + k + 2]!, q3 = A[a1 + k + 3]!;
      const b0 = bo + k * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      for (let j = 0; j < N; j++) {
        const x0 = B[b0 + j]!, x1 = B[b1 + j]!, x2 = B[b2 + j]!, x3 = B[b3 + j]!;
        C[c0 + j] += p0 * x0 + p1 * x1 + p2 * x2 + p3 * x3;
        C[c1 + j] += q0 * x0 + q1 * x1 + q2 * x2 + q3 * x3;
      }
    }
    for (; k < K; k++) {
      const p0 = A[a0 + k]!, q0 = A[a1 + k]!;
      const b0 = bo + k * ldb;
      for (let j = 0; j < N; j++) {
        const x0 = B[b0 + j]!;
        C[c0 + j] += p0 * x0;
        C[c1 + j] += q0 * x0;
      }
    }
  }
  if (i < M) {
    const c0 = co + i * ldc;
    const a0 = ao + i * lda;
    let k = 0;
    for (; k + 3 < K; k += 4) {
      const p0 = A[a0 + k]!, p1 = A[a0 + k + 1]!, p2 = A[a0 + k + 2]!, p3 = A[a0 + k + 3]!;
      const b0 = bo + k * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      for (let j = 0; j < N; j++) C[c0 + j] += p0 * B[b0 + j]! + p1 * B[b1 + j]! + p2 * B[b2 + j]! + p3 * B[b3 + j]!;
    }
    for (; k < K; k++) {
      const p0 = A[a0 + k]!;
      const b0 = bo + k * ldb;
      for (let j = 0; j < N; j++) C[c0 + j] += p0 * B[b0 + j]!;
    }
  }
}

/** C[M,N] += Aᵀ · B where A is stored [K, M] (row k at ao + k*lda) and B is [K, N]. */
export function gemmTN(M: number, N: number, K: number, A: Data, ao: number, lda: number, B: Data, bo: number, ldb: number, C: Data, co: number, ldc: number): void {
  let k = 0;
  for (; k + 3 < K; k += 4) {
    const a0 = ao + k * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    const b0 = bo + k * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
    for (let i = 0; i < M; i++) {
      const p0 = A[a0 + i]!, p1 = A[a1 + i]!, p2 = A[a2 + i]!, p3 = A[a3 + i]!;
      const c0 = co + i * ldc;
      for (let j = 0; j < N; j++) C[c0 + j] += p0 * B[b0 + j]! + p1 * B[b1 + j]! + p2 * B[b2 + j]! + p3 * B[b3 + j]!;
    }
  }
  for (; k < K; k++) {
    const a0 = ao + k * lda;
    const b0 = bo + k * ldb;
    for (let i = 0; i < M; i++) {
      const p0 = A[a0 + i]!;
      const c0 = co + i * ldc;
      for (let j = 0; j < N; j++) C[c0 + j] += p0 * B[b0 + j]!;
    }
  }
}

/** dst[cols, rows] = transpose of src[rows, cols] (row-major both). */
export function transposeInto(src: Data, rows: number, cols: number, dst: Data): Data {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[o + c]!;
  }
  return dst;
}
