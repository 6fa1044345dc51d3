/** Small dense linear algebra for risk kernels: row-major k x k matrices in Float64Array. */

/** Cholesky factor L (lower, row-major) of a symmetric positive-definite matrix; null if not positive definite. */
export function cholesky(a: Float64Array, k: number): Float64Array | null {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j]!;
      for (let p = 0; p < j; p++) s -= l[i * k + p]! * l[j * k + p]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * k + i] = Math.sqrt(s);
      } else {
        l[i * k + j] = s / l[j * k + j]!;
      }
    }
  }
  return l;
}

/** Inverse of a general square matrix by Gauss-Jordan with partial pivoting; null if singular. */
export function invert(a: Float64Array, k: number): Float64Array | null {
  const m = Float64Array.from(a);
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) inv[i * k + i] = 1;
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r * k + c]!) > Math.abs(m[piv * k + c]!)) piv = r;
    const pv = m[piv * k + c]!;
    if (pv === 0 || !Number.isFinite(pv)) return null;
    if (piv !== c) {
      for (let j = 0; j < k; j++) {
        let t = m[c * k + j]!;
        m[c * k + j] = m[piv * k + j]!;
        m[piv * k + j] = t;
        t = inv[c * k + j]!;
        inv[c * k + j] = inv[piv * k + j]!;
        inv[piv * k + j] = t;
      }
    }
    for (let j = 0; j < k; j++) {
      m[c * k + j] = m[c * k + j]! / pv;
      inv[c * k + j] = inv[c * k + j]! / pv;
    }
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r * k + c]!;
      if (f === 0) continue;
      for (let j = 0; j < k; j++) {
        m[r * k + j] = m[r * k + j]! - f * m[c * k + j]!;
        inv[r * k + j] = inv[r * k + j]! - f * inv[c * k + j]!;
      }
    }
  }
  return inv;
}

/** C = A B for k x k row-major matrices. */
export function matMul(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const c = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p]!;
      if (v === 0) continue;
      for (let j = 0; j < k; j++) c[i * k + j] = c[i * k + j]! + v * b[p * k + j]!;
    }
  return c;
}

/** Log-determinant and inverse of a symmetric positive-definite matrix via Cholesky; null if not PD. */
export function spdInverse(a: Float64Array, k: number): { inv: Float64Array; logDet: number } | null {
  const l = cholesky(a, k);
  if (!l) return null;
  let logDet = 0;
  for (let i = 0; i < k; i++) logDet += 2 * Math.log(l[i * k + i]!);
  // inv(L) by forward substitution, then inv(A) = inv(L)^T inv(L).
  const li = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    li[j * k + j] = 1 / l[j * k + j]!;
    for (let i = j + 1; i < k; i++) {
      let s = 0;
      for (let p = j; p < i; p++) s -= l[i * k + p]! * li[p * k + j]!;
      li[i * k + j] = s / l[i * k + i]!;
    }
  }
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let p = i; p < k; p++) s += li[p * k + i]! * li[p * k + j]!;
      inv[i * k + j] = s;
      inv[j * k + i] = s;
    }
  return { inv, logDet };
}
