/** Box bounds as smooth transforms: theta = lo + (hi - lo) * logistic(u), so any u is feasible. */

/** Open interval (lo, hi) for one parameter. */
export interface Bound {
  lo: number;
  hi: number;
}

/** theta from the unconstrained u. */
export function fromUnbounded(u: Float64Array, bounds: readonly Bound[], out = new Float64Array(u.length)): Float64Array {
  for (let i = 0; i < u.length; i++) {
    const b = bounds[i]!;
    out[i] = b.lo + (b.hi - b.lo) / (1 + Math.exp(-u[i]!));
  }
  return out;
}

/** u from theta (theta clipped just inside its bounds). */
export function toUnbounded(theta: Float64Array, bounds: readonly Bound[]): Float64Array {
  const u = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) {
    const b = bounds[i]!;
    let p = (theta[i]! - b.lo) / (b.hi - b.lo);
    p = Math.min(1 - 1e-12, Math.max(1e-12, p));
    u[i] = Math.log(p / (1 - p));
  }
  return u;
}

/** d theta_i / d u_i at u. */
export function jacobianDiag(u: Float64Array, bounds: readonly Bound[], out = new Float64Array(u.length)): Float64Array {
  for (let i = 0; i < u.length; i++) {
    const b = bounds[i]!;
    const s = 1 / (1 + Math.exp(-u[i]!));
    out[i] = (b.hi - b.lo) * s * (1 - s);
  }
  return out;
}
