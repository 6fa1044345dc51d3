/**
 * BFGS quasi-Newton minimiser with a backtracking Armijo line search, for smooth
 * objectives in unconstrained coordinates (bounds are handled by ./transforms.ts).
 * An objective may return Infinity for an infeasible point: the line search backs off.
 */

import { dot, maxAbs } from '../../core/math/vector.ts';

/** Objective: writes the gradient into `g` and returns f(x); Infinity or NaN means infeasible. */
export type ObjectiveWithGradient = (x: Float64Array, g: Float64Array) => number;

/** Options for `bfgs`. */
export interface BfgsOptions {
  maxIter?: number;
  /** Stop when max |g_i| falls below this. */
  gtol?: number;
  /** Stop when the relative decrease of f falls below this for 3 iterations running. */
  ftol?: number;
}

/** Result of `bfgs`. */
export interface BfgsResult {
  x: Float64Array;
  f: number;
  grad: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

/** Minimise `fg` from `x0`. */
export function bfgs(fg: ObjectiveWithGradient, x0: Float64Array, opts: BfgsOptions = {}): BfgsResult {
  const maxIter = opts.maxIter ?? 500;
  const gtol = opts.gtol ?? 1e-9;
  const ftol = opts.ftol ?? 1e-15;
  const k = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(k);
  let f = fg(x, g);
  let evals = 1;
  if (!Number.isFinite(f)) throw new Error('bfgs: the starting point is infeasible');
  const hInv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) hInv[i * k + i] = 1;
  const d = new Float64Array(k);
  const xn = new Float64Array(k);
  const gn = new Float64Array(k);
  const s = new Float64Array(k);
  const y = new Float64Array(k);
  const hy = new Float64Array(k);
  let it = 0;
  let small = 0;
  let converged = false;
  let first = true;
  for (; it < maxIter; it++) {
    if (maxAbs(g) < gtol) {
      converged = true;
      break;
    }
    for (let i = 0; i < k; i++) {
      let v = 0;
      for (let j = 0; j < k; j++) v -= hInv[i * k + j]! * g[j]!;
      d[i] = v;
    }
    let slope = dot(d, g);
    if (!(slope < 0)) {
      // Not a descent direction (lost curvature): restart from steepest descent.
      hInv.fill(0);
      for (let i = 0; i < k; i++) {
        hInv[i * k + i] = 1;
        d[i] = -g[i]!;
      }
      slope = dot(d, g);
    }
    let step = first ? Math.min(1, 1 / Math.max(1e-12, Math.sqrt(dot(g, g)))) : 1;
    let fn = Infinity;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < k; i++) xn[i] = x[i]! + step * d[i]!;
      fn = fg(xn, gn);
      evals++;
      if (Number.isFinite(fn) && fn <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= Number.isFinite(fn) ? 0.5 : 0.1;
    }
    if (!accepted) {
      converged = maxAbs(g) < Math.sqrt(gtol);
      break;
    }
    for (let i = 0; i < k; i++) {
      s[i] = xn[i]! - x[i]!;
      y[i] = gn[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (first) {
        // Scale the initial inverse Hessian (Nocedal & Wright 6.20).
        const scale = sy / dot(y, y);
        for (let i = 0; i < k * k; i++) hInv[i] = hInv[i]! * scale;
        first = false;
      }
      for (let i = 0; i < k; i++) {
        let v = 0;
        for (let j = 0; j < k; j++) v += hInv[i * k + j]! * y[j]!;
        hy[i] = v;
      }
      const yhy = dot(y, hy);
      const rho = 1 / sy;
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++)
          hInv[i * k + j] = hInv[i * k + j]! + rho * ((1 + rho * yhy) * s[i]! * s[j]! - hy[i]! * s[j]! - s[i]! * hy[j]!);
    }
    const rel = (f - fn) / Math.max(1, Math.abs(f));
    x.set(xn);
    g.set(gn);
    f = fn;
    small = rel < ftol ? small + 1 : 0;
    if (small >= 3) {
      converged = true;
      it++;
      break;
    }
  }
  return { x, f, grad: g, iterations: it, evaluations: evals, converged };
}
