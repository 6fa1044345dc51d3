/**
 * A kernel is an indicator written once as a per-bar state machine over scalars.
 * `runKernel` turns it into the batch form (typed arrays in, typed arrays out),
 * `KernelStream` into the streaming form, so the two agree bit for bit.
 */
import type { BarLike, Columns, IndicatorStream } from './types.ts';

/** One indicator's state: consume a bar's fields, write every output into `out`. */
export interface Kernel {
  step(o: number, h: number, l: number, c: number, v: number, t: number, out: Float64Array): void;
}

/** Batch form of a kernel: one pass over the columns, one Float64Array per output. */
export function runKernel(k: Kernel, cols: Columns, nOut: number, time?: Float64Array): Float64Array[] {
  const c = cols.close;
  const n = c.length;
  const o = cols.open ?? c;
  const h = cols.high ?? c;
  const l = cols.low ?? c;
  const v = cols.volume;
  const outs: Float64Array[] = [];
  for (let j = 0; j < nOut; j++) outs.push(new Float64Array(n));
  const tmp = new Float64Array(nOut);
  for (let i = 0; i < n; i++) {
    k.step(o[i]!, h[i]!, l[i]!, c[i]!, v ? v[i]! : NaN, time ? time[i]! : NaN, tmp);
    for (let j = 0; j < nOut; j++) outs[j]![i] = tmp[j]!;
  }
  return outs;
}

/** Streaming form of a kernel: `update(bar)` steps it; stable after `warmup` bars. */
export class KernelStream implements IndicatorStream {
  readonly values: Float64Array;
  private seen = 0;
  constructor(
    private readonly k: Kernel,
    nOut: number,
    private readonly warmup: number,
  ) {
    this.values = new Float64Array(nOut).fill(NaN);
  }
  update(bar: BarLike & { time?: number }): number {
    this.k.step(bar.open, bar.high, bar.low, bar.close, bar.volume, bar.time ?? NaN, this.values);
    this.seen++;
    return this.values[0]!;
  }
  /** True once every output has left its warm-up. */
  get isStable(): boolean {
    return this.seen > this.warmup;
  }
}
