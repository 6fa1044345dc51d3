/**
 * Isotonic calibration: the non-decreasing step function closest to the
 * labels in weighted least squares, by pool-adjacent-violators; predictions
 * interpolate linearly between the fitted points and clip outside them
 * (scikit-learn's IsotonicRegression with out_of_bounds="clip").
 */
import { BadInputError } from '../../core/errors.ts';

/** A fitted isotonic map: knots x (increasing) and values y (non-decreasing). */
export interface IsotonicScaler {
  readonly kind: 'isotonic';
  readonly x: number[];
  readonly y: number[];
}

/** Pool-adjacent-violators on values already ordered by x; returns the fitted values. */
export function pav(v: ArrayLike<number>, w?: ArrayLike<number>): Float64Array {
  const n = v.length;
  const val: number[] = [];
  const wt: number[] = [];
  const len: number[] = [];
  for (let i = 0; i < n; i++) {
    val.push(v[i]!);
    wt.push(w ? w[i]! : 1);
    len.push(1);
    while (val.length > 1 && val[val.length - 2]! > val[val.length - 1]!) {
      const b = val.length - 1;
      const ww = wt[b - 1]! + wt[b]!;
      val[b - 1] = (val[b - 1]! * wt[b - 1]! + val[b]! * wt[b]!) / ww;
      wt[b - 1] = ww;
      len[b - 1] = len[b - 1]! + len[b]!;
      val.pop();
      wt.pop();
      len.pop();
    }
  }
  const out = new Float64Array(n);
  let k = 0;
  val.forEach((x, b) => {
    for (let j = 0; j < len[b]!; j++) out[k++] = x;
  });
  return out;
}

/** Fit on scores and 0/1 labels (ties in the score are pooled first, as scikit-learn does). */
export function fitIsotonic(score: ArrayLike<number>, y: ArrayLike<number>): IsotonicScaler {
  const n = score.length;
  if (y.length !== n || n === 0) throw new BadInputError(`fitIsotonic: ${n} scores and ${y.length} labels`);
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]! || y[a]! - y[b]!);
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (const i of idx) {
    const s = score[i]!;
    if (xs.length > 0 && xs[xs.length - 1] === s) {
      const k = xs.length - 1;
      ys[k] = (ys[k]! * ws[k]! + y[i]!) / (ws[k]! + 1);
      ws[k]! += 1;
    } else {
      xs.push(s);
      ys.push(y[i]!);
      ws.push(1);
    }
  }
  const fitted = pav(ys, ws);
  // keep only the knots where the fitted value changes (plus the ends): same map, fewer points
  const kx: number[] = [];
  const ky: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const keep = i === 0 || i === xs.length - 1 || fitted[i] !== fitted[i - 1] || fitted[i] !== fitted[i + 1];
    if (keep) {
      kx.push(xs[i]!);
      ky.push(fitted[i]!);
    }
  }
  return { kind: 'isotonic', x: kx, y: ky };
}

/** Calibrated values: linear interpolation between knots, clipped at the ends. */
export function applyIsotonic(s: IsotonicScaler, score: ArrayLike<number>): Float64Array {
  const { x, y } = s;
  const out = new Float64Array(score.length);
  for (let i = 0; i < score.length; i++) {
    const v = score[i]!;
    if (v <= x[0]!) out[i] = y[0]!;
    else if (v >= x[x.length - 1]!) out[i] = y[y.length - 1]!;
    else {
      let lo = 0;
      let hi = x.length - 1;
      while (hi - lo > 1) {
        const m = (lo + hi) >> 1;
        if (x[m]! <= v) lo = m;
        else hi = m;
      }
      const t = (v - x[lo]!) / (x[hi]! - x[lo]!);
      out[i] = y[lo]! + t * (y[hi]! - y[lo]!);
    }
  }
  return out;
}
