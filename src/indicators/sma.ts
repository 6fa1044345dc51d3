/**
 * Simple moving average (TTR `SMA`): mean of the last `period` values, NaN during
 * the first period-1 bars (after any leading NaN, which are skipped as TTR does).
 * A branch-free compensated rolling sum (TwoSum, see CompensatedSum in
 * rolling.ts) keeps it within an ulp of exact at any price level.
 */
import { checkPeriod } from './period.ts';
import { RollingMean } from './rolling.ts';
import { rollingMeanInto } from './rollingBatch.ts';

export { checkPeriod } from './period.ts';

/** Batch SMA into `out` (allocated when absent); same numbers as `SmaStream`, bit for bit. */
export function sma(src: Float64Array, period: number, out: Float64Array = new Float64Array(src.length)): Float64Array {
  checkPeriod(period);
  return rollingMeanInto(src, period, out);
}

/** Streaming SMA: `update(x)` returns the same numbers as `sma` bar by bar. */
export class SmaStream {
  private readonly m: RollingMean;
  private count = 0;
  /** Latest value (NaN until stable). */
  value = NaN;

  constructor(readonly period: number) {
    checkPeriod(period);
    this.m = new RollingMean(period);
  }

  /** True once `period` values have been seen. */
  get isStable(): boolean {
    return this.count >= this.period;
  }

  update(x: number): number {
    if (this.count > 0 || x === x) this.count++;
    return (this.value = this.m.push(x));
  }
}
