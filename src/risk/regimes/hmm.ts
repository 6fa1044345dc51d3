/**
 * Univariate Gaussian hidden Markov model with 2-4 states: Baum-Welch in scaled space from several
 * seeded starts (best likelihood kept), Viterbi in log space, and filtered state probabilities
 * P(s_t | x_1..x_t) that use no future data. States are ordered by variance (state 0 = calmest).
 */
import { BadInputError } from '../../core/errors.ts';
import { Rng } from '../../core/rng.ts';

/** A fitted HMM. `trans` is row-major K x K (row = from). */
export interface GaussianHmm {
  k: number;
  init: Float64Array;
  trans: Float64Array;
  means: Float64Array;
  sds: Float64Array;
  loglik: number;
  iterations: number;
}

/** Fit options. */
export interface HmmFitOptions {
  starts?: number;
  seed?: number;
  maxIter?: number;
  tol?: number;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

function emissions(m: GaussianHmm, x: Float64Array, out: Float64Array): void {
  const { k } = m;
  for (let t = 0; t < x.length; t++)
    for (let j = 0; j < k; j++) {
      const z = (x[t]! - m.means[j]!) / m.sds[j]!;
      out[t * k + j] = Math.exp(-0.5 * z * z - LOG_SQRT_2PI) / m.sds[j]!;
    }
}

/** Scaled forward pass: normalised alphas (= filtered probabilities) and the log-likelihood. */
function forward(m: GaussianHmm, b: Float64Array, n: number, alpha: Float64Array, scale: Float64Array): number {
  const { k } = m;
  let ll = 0;
  for (let t = 0; t < n; t++) {
    let c = 0;
    for (let j = 0; j < k; j++) {
      let p: number;
      if (t === 0) p = m.init[j]!;
      else {
        p = 0;
        for (let i = 0; i < k; i++) p += alpha[(t - 1) * k + i]! * m.trans[i * k + j]!;
      }
      const v = p * b[t * k + j]!;
      alpha[t * k + j] = v;
      c += v;
    }
    if (!(c > 0)) c = 1e-300;
    for (let j = 0; j < k; j++) alpha[t * k + j] = alpha[t * k + j]! / c;
    scale[t] = c;
    ll += Math.log(c);
  }
  return ll;
}

/** Filtered probabilities P(s_t = j | x_1..x_t), row-major n x K. */
export function filteredProbabilities(m: GaussianHmm, x: Float64Array): Float64Array {
  const n = x.length;
  const b = new Float64Array(n * m.k);
  emissions(m, x, b);
  const alpha = new Float64Array(n * m.k);
  forward(m, b, n, alpha, new Float64Array(n));
  return alpha;
}

/** Most likely state path (Viterbi, log space). */
export function viterbi(m: GaussianHmm, x: Float64Array): Int32Array {
  const { k } = m;
  const n = x.length;
  const delta = new Float64Array(n * k);
  const psi = new Int32Array(n * k);
  const logA = m.trans.map((v) => Math.log(v));
  for (let t = 0; t < n; t++)
    for (let j = 0; j < k; j++) {
      const z = (x[t]! - m.means[j]!) / m.sds[j]!;
      const le = -0.5 * z * z - LOG_SQRT_2PI - Math.log(m.sds[j]!);
      if (t === 0) {
        delta[j] = Math.log(m.init[j]!) + le;
        continue;
      }
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < k; i++) {
        const v = delta[(t - 1) * k + i]! + logA[i * k + j]!;
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      delta[t * k + j] = best + le;
      psi[t * k + j] = arg;
    }
  const path = new Int32Array(n);
  let best = -Infinity;
  for (let j = 0; j < k; j++)
    if (delta[(n - 1) * k + j]! > best) {
      best = delta[(n - 1) * k + j]!;
      path[n - 1] = j;
    }
  for (let t = n - 1; t > 0; t--) path[t - 1] = psi[t * k + path[t]!]!;
  return path;
}

/** Fit a K-state Gaussian HMM by Baum-Welch from several seeded starts. */
export function fitHmm(x: Float64Array, k: number, opts: HmmFitOptions = {}): GaussianHmm {
  if (!(k >= 2 && k <= 4 && Number.isInteger(k))) throw new BadInputError(`HMM: states must be 2, 3 or 4 (got ${k})`);
  const n = x.length;
  if (n < 10 * k) throw new BadInputError(`HMM: need at least ${10 * k} observations for ${k} states (got ${n})`);
  for (let t = 0; t < n; t++) if (!Number.isFinite(x[t]!)) throw new BadInputError(`HMM: observation ${t + 1} is not finite`);
  const rng = new Rng(opts.seed ?? 42);
  const starts = opts.starts ?? 5;
  let best: GaussianHmm | null = null;
  const sorted = Float64Array.from(x).sort();
  let mean = 0;
  for (let t = 0; t < n; t++) mean += x[t]!;
  mean /= n;
  let v = 0;
  for (let t = 0; t < n; t++) v += (x[t]! - mean) ** 2;
  v /= n;
  for (let s = 0; s < starts; s++) {
    const m: GaussianHmm = { k, init: new Float64Array(k).fill(1 / k), trans: new Float64Array(k * k), means: new Float64Array(k), sds: new Float64Array(k), loglik: -Infinity, iterations: 0 };
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) m.trans[i * k + j] = i === j ? 0.9 : 0.1 / (k - 1);
      const q = s === 0 ? (i + 0.5) / k : rng.next();
      m.means[i] = sorted[Math.min(n - 1, Math.floor(q * n))]!;
      m.sds[i] = Math.sqrt(v) * (s === 0 ? 0.5 + i / k : 0.3 + rng.next());
    }
    const fit = baumWelch(m, x, opts.maxIter ?? 300, opts.tol ?? 1e-8, v * 1e-6);
    if (!best || fit.loglik > best.loglik) best = fit;
  }
  return orderByVariance(best!);
}

function baumWelch(m: GaussianHmm, x: Float64Array, maxIter: number, tol: number, varFloor: number): GaussianHmm {
  const { k } = m;
  const n = x.length;
  const b = new Float64Array(n * k);
  const alpha = new Float64Array(n * k);
  const beta = new Float64Array(n * k);
  const scale = new Float64Array(n);
  const xiSum = new Float64Array(k * k);
  const gSum = new Float64Array(k);
  let prev = -Infinity;
  let it = 0;
  for (; it < maxIter; it++) {
    emissions(m, x, b);
    const ll = forward(m, b, n, alpha, scale);
    m.loglik = ll;
    if (ll - prev < tol * Math.max(1, Math.abs(ll)) && it > 0) break;
    prev = ll;
    // Scaled backward pass.
    for (let j = 0; j < k; j++) beta[(n - 1) * k + j] = 1;
    for (let t = n - 2; t >= 0; t--)
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += m.trans[i * k + j]! * b[(t + 1) * k + j]! * beta[(t + 1) * k + j]!;
        beta[t * k + i] = s / scale[t + 1]!;
      }
    xiSum.fill(0);
    gSum.fill(0);
    const means = new Float64Array(k);
    const wsum = new Float64Array(k);
    for (let t = 0; t < n; t++) {
      for (let i = 0; i < k; i++) {
        const g = alpha[t * k + i]! * beta[t * k + i]!;
        wsum[i] = wsum[i]! + g;
        means[i] = means[i]! + g * x[t]!;
        if (t < n - 1) {
          gSum[i] = gSum[i]! + g;
          for (let j = 0; j < k; j++)
            xiSum[i * k + j] = xiSum[i * k + j]! + (alpha[t * k + i]! * m.trans[i * k + j]! * b[(t + 1) * k + j]! * beta[(t + 1) * k + j]!) / scale[t + 1]!;
        }
      }
    }
    for (let i = 0; i < k; i++) {
      m.init[i] = alpha[i]! * beta[i]!;
      for (let j = 0; j < k; j++) m.trans[i * k + j] = gSum[i]! > 0 ? xiSum[i * k + j]! / gSum[i]! : 1 / k;
      m.means[i] = wsum[i]! > 0 ? means[i]! / wsum[i]! : m.means[i]!;
    }
    const vars = new Float64Array(k);
    for (let t = 0; t < n; t++)
      for (let i = 0; i < k; i++) {
        const d = x[t]! - m.means[i]!;
        vars[i] = vars[i]! + alpha[t * k + i]! * beta[t * k + i]! * d * d;
      }
    for (let i = 0; i < k; i++) m.sds[i] = Math.sqrt(Math.max(varFloor, wsum[i]! > 0 ? vars[i]! / wsum[i]! : varFloor));
  }
  m.iterations = it;
  return m;
}

function orderByVariance(m: GaussianHmm): GaussianHmm {
  const { k } = m;
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => m.sds[a]! - m.sds[b]!);
  const out: GaussianHmm = { ...m, init: new Float64Array(k), trans: new Float64Array(k * k), means: new Float64Array(k), sds: new Float64Array(k) };
  order.forEach((src, dst) => {
    out.init[dst] = m.init[src]!;
    out.means[dst] = m.means[src]!;
    out.sds[dst] = m.sds[src]!;
    order.forEach((src2, dst2) => (out.trans[dst * k + dst2] = m.trans[src * k + src2]!));
  });
  return out;
}
