/**
 * Labels built forward from bar t, each with the span [t0, t1] of bars it looks
 * at (as indices and times), which purged cross-validation needs to drop
 * training rows whose labels overlap the test fold.
 */
import { BadInputError } from '../core/errors.ts';

/** A label column with, per row, the first and last bar its value depends on (-1 / NaN where undefined). */
export interface Labels {
  values: Float64Array;
  t0: Int32Array;
  t1: Int32Array;
  t0Time: Float64Array;
  t1Time: Float64Array;
}

function check(h: number): void {
  if (!Number.isInteger(h) || h < 1) throw new BadInputError(`label horizon must be a positive integer, got ${h}`);
}

function spans(n: number): Labels {
  return { values: new Float64Array(n).fill(NaN), t0: new Int32Array(n).fill(-1), t1: new Int32Array(n).fill(-1), t0Time: new Float64Array(n).fill(NaN), t1Time: new Float64Array(n).fill(NaN) };
}

function setSpan(l: Labels, i: number, j: number, time: Float64Array): void {
  l.t0[i] = i;
  l.t1[i] = j;
  l.t0Time[i] = time[i]!;
  l.t1Time[i] = time[j]!;
}

/** Forward simple return close[t+h]/close[t] - 1 over [t, t+h]; NaN for the last h rows. */
export function forwardReturns(close: Float64Array, time: Float64Array, h: number): Labels {
  check(h);
  const n = close.length;
  const l = spans(n);
  for (let i = 0; i + h < n; i++) {
    l.values[i] = close[i + h]! / close[i]! - 1;
    setSpan(l, i, i + h, time);
  }
  return l;
}

/** Binary up/down: 1 when the forward return over h bars exceeds `threshold`, else 0. */
export function binaryLabels(close: Float64Array, time: Float64Array, h: number, threshold = 0): Labels {
  const l = forwardReturns(close, time, h);
  for (let i = 0; i < l.values.length; i++) if (l.t1[i]! >= 0) l.values[i] = l.values[i]! > threshold ? 1 : 0;
  return l;
}

/** Label codes of the three-class scheme. */
export const BUY = 1;
export const HOLD = 0;
export const SELL = -1;

/** BUY (1) when the forward return exceeds `up`, SELL (-1) when below -`down`, else HOLD (0). */
export function threeClassLabels(close: Float64Array, time: Float64Array, h: number, up: number, down: number): Labels {
  if (!(up >= 0 && down >= 0)) throw new BadInputError(`thresholds must be >= 0, got up=${up} down=${down}`);
  const l = forwardReturns(close, time, h);
  for (let i = 0; i < l.values.length; i++) {
    if (l.t1[i]! < 0) continue;
    const r = l.values[i]!;
    l.values[i] = r > up ? BUY : r < -down ? SELL : HOLD;
  }
  return l;
}

/** Triple-barrier options: barriers at +-mult * sd of daily log returns (volWindow bars, known at t) times close[t]. */
export interface TripleBarrierOptions {
  horizon: number;
  ptMult: number;
  slMult: number;
  volWindow: number;
  /** At the vertical barrier: 0 (default) or the sign of the return. */
  verticalSign?: boolean;
}

/**
 * Triple-barrier labels (Lopez de Prado): +1 if the upper barrier is touched
 * first, -1 for the lower, else 0 (or the return's sign) at the vertical barrier
 * t+horizon. Touches use high/low when given, close otherwise; a bar touching
 * both counts as the lower (the conservative reading). t1 is the touch bar.
 */
export function tripleBarrierLabels(close: Float64Array, time: Float64Array, o: TripleBarrierOptions, high?: Float64Array, low?: Float64Array): Labels {
  check(o.horizon);
  check(o.volWindow);
  if (!(o.ptMult > 0 && o.slMult > 0)) throw new BadInputError('barrier multiples must be > 0');
  const n = close.length;
  const l = spans(n);
  const hi = high ?? close;
  const lo = low ?? close;
  // sd of the last volWindow log returns ending at t (causal).
  let mean = 0;
  let m2 = 0;
  const w = o.volWindow;
  const r = new Float64Array(n);
  for (let i = 1; i < n; i++) r[i] = Math.log(close[i]! / close[i - 1]!);
  for (let i = 0; i + 1 < n; i++) {
    if (i >= 1) {
      const x = r[i]!;
      const k = Math.min(i, w);
      if (i <= w) {
        const d = x - mean;
        mean += d / k;
        m2 += d * (x - mean);
      } else {
        const old = r[i - w]!;
        const d = x - old;
        const m0 = mean;
        mean = m0 + d / w;
        m2 += d * (x - mean + old - m0);
      }
    }
    if (i < w) continue;
    const vol = Math.sqrt(Math.max(m2, 0) / (w - 1));
    if (!(vol > 0)) continue;
    const c0 = close[i]!;
    const upB = c0 * (1 + o.ptMult * vol);
    const dnB = c0 * (1 - o.slMult * vol);
    const last = Math.min(i + o.horizon, n - 1);
    if (i + o.horizon > n - 1) continue;
    let label = NaN;
    let at = last;
    for (let j = i + 1; j <= last; j++) {
      if (lo[j]! <= dnB) {
        label = -1;
        at = j;
        break;
      }
      if (hi[j]! >= upB) {
        label = 1;
        at = j;
        break;
      }
    }
    if (label !== label) label = o.verticalSign ? Math.sign(close[last]! / c0 - 1) : 0;
    l.values[i] = label;
    setSpan(l, i, at, time);
  }
  return l;
}
