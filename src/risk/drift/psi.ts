/** Population stability index of a current sample against a reference, on reference-quantile bins. */
import { BadInputError } from '../../core/errors.ts';

/** PSI with its bins, for reporting. */
export interface PsiResult {
  psi: number;
  edges: number[];
  reference: number[];
  current: number[];
}

/**
 * PSI = sum (c_i - r_i) ln(c_i / r_i) over `bins` reference-quantile bins (duplicate edges merged);
 * empty bins get a floor of `eps` so the index stays finite.
 */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>, bins = 10, eps = 1e-4): PsiResult {
  const ref = Float64Array.from(Array.from(reference).filter(Number.isFinite)).sort();
  const cur = Array.from(current).filter(Number.isFinite);
  if (ref.length === 0 || cur.length === 0) throw new BadInputError(`PSI: both samples need finite values (got ${ref.length} and ${cur.length})`);
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const e = ref[Math.min(ref.length - 1, Math.floor((b * ref.length) / bins))]!;
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  const count = (xs: ArrayLike<number>): number[] => {
    const c = new Array<number>(edges.length + 1).fill(0);
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i]!;
      let lo = 0;
      let hi = edges.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v < edges[mid]!) hi = mid;
        else lo = mid + 1;
      }
      c[lo]!++;
    }
    return c.map((k) => k / xs.length);
  };
  const r = count(ref);
  const c = count(cur);
  let s = 0;
  for (let i = 0; i < r.length; i++) {
    const ri = Math.max(eps, r[i]!);
    const ci = Math.max(eps, c[i]!);
    s += (ci - ri) * Math.log(ci / ri);
  }
  return { psi: s, edges, reference: r, current: c };
}
