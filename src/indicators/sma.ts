/**
 * Simple moving average (TTR `SMA`): mean of the last `period` values, NaN during
 * the first period-1 bars (after any leading NaN, which are skipped as TTR does).
 * A compensated rolling sum keeps it exact at any price level.
 */
export function sma(src: Float64Array, period: number, out: Float64Array = new Float64Array(src.length)): Float64Array {
  checkPeriod(period);
  let f = 0;
  while (f < src.length && src[f] !== src[f]) out[f++] = NaN;
  if (f > 0) {
    smaFrom(src.subarray(f), period, out.subarray(f));
    return out;
  }
  return smaFrom(src, period, out);
}

function smaFrom(src: Float64Array, period: number, out: Float64Array): Float64Array {
  const n = src.length;
  let sum = 0;
  let comp = 0;
  const warm = Math.min(period - 1, n);
  for (let i = 0; i < warm; i++) {
    const t = sum + src[i]!;
    comp += Math.abs(sum) >= Math.abs(src[i]!) ? sum - t + src[i]! : src[i]! - t + sum;
    sum = t;
    out[i] = NaN;
  }
  const inv = 1 / period;
  for (let i = warm; i < n; i++) {
    // Neumaier summation of +src[i] and -src[i-period].
    let x = src[i]!;
    let t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
    out[i] = (sum + comp) * inv;
    if (i - period + 1 >= 0) {
      x = -src[i - period + 1]!;
      t = sum + x;
      comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
      sum = t;
    }
  }
  return out;
}

/** Streaming SMA: `update(x)` returns the same numbers as `sma` bar by bar. */
export class SmaStream {
  private readonly buf: Float64Array;
  private count = 0;
  private sum = 0;
  private comp = 0;
  /** Latest value (NaN until stable). */
  value = NaN;

  constructor(readonly period: number) {
    checkPeriod(period);
    this.buf = new Float64Array(period);
  }

  /** True once `period` values have been seen. */
  get isStable(): boolean {
    return this.count >= this.period;
  }

  update(x: number): number {
    const p = this.period;
    this.add(x);
    this.buf[this.count % p] = x;
    this.count++;
    if (this.count < p) return (this.value = NaN);
    this.value = (this.sum + this.comp) / p;
    this.add(-this.buf[this.count % p]!);
    return this.value;
  }

  private add(x: number): void {
    const t = this.sum + x;
    this.comp += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }
}

export function checkPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`period must be a positive integer, got ${period}`);
}
