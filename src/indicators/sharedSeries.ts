/** Per-columns cache of intermediate series, so indicators that share an input (log returns) compute it once. */
import { logReturnInto } from './rollingBatch.ts';
import type { Columns, SharedSeries } from './types.ts';

/**
 * Lazily computed intermediate series of `cols`. Valid only while the columns are
 * not modified; create one per batch run (the feature compiler makes one per timeframe).
 */
export class SeriesCache implements SharedSeries {
  private lr: Float64Array | undefined;
  constructor(readonly cols: Columns) {}
  logReturns(): Float64Array {
    return (this.lr ??= logReturnInto(this.cols.close, 1));
  }
}
