/**
 * Streaming Average True Range (Wilder, as TTR's `ATR(hlc, n)`): the first
 * true range needs a previous close, the first ATR is the mean of the first n
 * true ranges, then ATR = ATR + (TR - ATR) / n. Alerts size their stops with it.
 */
export class AtrStream {
  /** Latest value (NaN until stable). */
  value = NaN;
  private prevClose = NaN;
  private count = 0;
  private sum = 0;

  constructor(readonly period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`ATR period must be a positive integer, got ${period}`);
  }

  /** True once `period` true ranges have been seen. */
  get isStable(): boolean {
    return this.count >= this.period;
  }

  update(high: number, low: number, close: number): number {
    const pc = this.prevClose;
    this.prevClose = close;
    if (Number.isNaN(pc)) return this.value;
    const tr = Math.max(high, pc) - Math.min(low, pc);
    this.count++;
    if (this.count < this.period) this.sum += tr;
    else if (this.count === this.period) this.value = (this.sum + tr) / this.period;
    else this.value += (tr - this.value) / this.period;
    return this.value;
  }
}
