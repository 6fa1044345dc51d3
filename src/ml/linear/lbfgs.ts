/**
 * L-BFGS minimisation (Nocedal & Wright, Algorithm 7.4/7.5): two-loop recursion
 * over the last m curvature pairs and a backtracking line search with the
 * Armijo condition; curvature pairs failing s.y > 0 are skipped.
 */

import { dot, maxAbs } from '../../core/math/vector.ts';

/** Objective: returns f(x) and writes the gradient into g. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

/** Options for lbfgs. */
export interface LbfgsOptions {
  memory?: number;
  maxIter?: number;
  /** Stop when the gradient's max-norm falls below this. */
  gradTol?: number;
  /** Stop when the relative decrease of f falls below this. */
  fTol?: number;
}

/** Result of a minimisation. */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  converged: boolean;
  gradNorm: number;
}

/** Minimise `fn` from x0 (not modified). */
export function lbfgs(fn: Objective, x0: Float64Array, o: LbfgsOptions = {}): LbfgsResult {
  const m = o.memory ?? 10;
  const maxIter = o.maxIter ?? 500;
  const gradTol = o.gradTol ?? 1e-8;
  const fTol = o.fTol ?? 1e-12;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = fn(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  let it = 0;
  let converged = maxAbs(g) < gradTol;
  while (!converged && it < maxIter) {
    it++;
    // two-loop recursion: d = -H g
    d.set(g);
    for (let i = S.length - 1; i >= 0; i--) {
      alpha[i] = rho[i]! * dot(S[i]!, d);
      const y = Y[i]!;
      for (let j = 0; j < n; j++) d[j] -= alpha[i]! * y[j]!;
    }
    const gamma = S.length > 0 ? dot(S[S.length - 1]!, Y[Y.length - 1]!) / dot(Y[Y.length - 1]!, Y[Y.length - 1]!) : 1 / Math.max(1, maxAbs(g));
    for (let j = 0; j < n; j++) d[j] *= gamma;
    for (let i = 0; i < S.length; i++) {
      const beta = rho[i]! * dot(Y[i]!, d);
      const s = S[i]!;
      for (let j = 0; j < n; j++) d[j] += s[j]! * (alpha[i]! - beta);
    }
    for (let j = 0; j < n; j++) d[j] = -d[j]!;
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // not a descent direction: restart from steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let j = 0; j < n; j++) d[j] = -g[j]!;
      slope = dot(g, d);
    }
    let step = 1;
    let fNew = Infinity;
    for (let ls = 0; ls < 60; ls++) {
      for (let j = 0; j < n; j++) xNew[j] = x[j]! + step * d[j]!;
      fNew = fn(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= f + 1e-4 * step * slope)) break; // line search failed: we are at machine precision
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = xNew[j]! - x[j]!;
      y[j] = gNew[j]! - g[j]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const rel = Math.abs(f - fNew) / Math.max(1, Math.abs(f));
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    converged = maxAbs(g) < gradTol || rel < fTol;
  }
  return { x, f, iterations: it, converged, gradNorm: maxAbs(g) };
}
