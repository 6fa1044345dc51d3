/** k-means clustering (k-means++ seeding, Lloyd iterations, best of several seeded restarts). */
import { BadInputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';

/** Result: centroids row-major k x d, a label per observation, and the within-cluster sum of squares. */
export interface KMeansResult {
  k: number;
  d: number;
  centroids: Float64Array;
  labels: Int32Array;
  inertia: number;
}

/** Cluster n observations given as d feature columns (each length n). */
export function kmeans(columns: readonly Float64Array[], k: number, opts: { seed?: number; restarts?: number; maxIter?: number } = {}): KMeansResult {
  const d = columns.length;
  const n = columns[0]?.length ?? 0;
  if (d === 0 || n < k || k < 1) throw new BadInputError(`k-means: need at least k = ${k} observations and one feature (got ${n} x ${d})`);
  const rng = new Rng(opts.seed ?? 1);
  let best: KMeansResult | null = null;
  for (let r = 0; r < (opts.restarts ?? 5); r++) {
    const res = lloyd(columns, n, d, k, rng, opts.maxIter ?? 100);
    if (!best || res.inertia < best.inertia) best = res;
  }
  return best!;
}

function dist2(columns: readonly Float64Array[], i: number, c: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let f = 0; f < d; f++) {
    const v = columns[f]![i]! - c[j * d + f]!;
    s += v * v;
  }
  return s;
}

function lloyd(columns: readonly Float64Array[], n: number, d: number, k: number, rng: Rng, maxIter: number): KMeansResult {
  const c = new Float64Array(k * d);
  const first = rng.int(n);
  for (let f = 0; f < d; f++) c[f] = columns[f]![first]!;
  const dmin = new Float64Array(n).fill(Infinity);
  for (let j = 1; j < k; j++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      dmin[i] = Math.min(dmin[i]!, dist2(columns, i, c, j - 1, d));
      total += dmin[i]!;
    }
    let u = rng.next() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      u -= dmin[i]!;
      if (u <= 0) {
        pick = i;
        break;
      }
    }
    for (let f = 0; f < d; f++) c[j * d + f] = columns[f]![pick]!;
  }
  const labels = new Int32Array(n);
  const counts = new Float64Array(k);
  let inertia = 0;
  for (let it = 0; it < maxIter; it++) {
    let changed = it === 0;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let bj = 0;
      let bd = Infinity;
      for (let j = 0; j < k; j++) {
        const v = dist2(columns, i, c, j, d);
        if (v < bd) {
          bd = v;
          bj = j;
        }
      }
      if (labels[i] !== bj) changed = true;
      labels[i] = bj;
      inertia += bd;
    }
    if (!changed) break;
    c.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const j = labels[i]!;
      counts[j]!++;
      for (let f = 0; f < d; f++) c[j * d + f] = c[j * d + f]! + columns[f]![i]!;
    }
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) {
        // Empty cluster: reseed at a random observation.
        const i = rng.int(n);
        for (let f = 0; f < d; f++) c[j * d + f] = columns[f]![i]!;
      } else for (let f = 0; f < d; f++) c[j * d + f] = c[j * d + f]! / counts[j]!;
    }
  }
  return { k, d, centroids: c, labels, inertia };
}
