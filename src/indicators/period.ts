/** Window-length validation shared by every rolling block. */

/** Throws a RangeError unless `period` is a positive integer. */
export function checkPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`period must be a positive integer, got ${period}`);
}
