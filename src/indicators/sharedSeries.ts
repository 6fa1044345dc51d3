/** Per-columns cache of intermediate series, so indicators that share an input (log prices, log returns) compute it once. */
import { logDiffInto, logInto } from './rollingBatch.ts';
import type { Columns, SharedSeries } from './types.ts';

/**
 * Lazily computed intermediate series of `cols`. Valid only while the columns are
 * not modified; create one per batch run (the feature compiler makes one per timeframe).
 */
export class SeriesCache implements SharedSeries {
  private lp: Float64Array | undefined;
  private lr: Float64Array | undefined;
  constructor(readonly cols: Columns) {}
  logPrices(): Float64Array {
    return (this.lp ??= logInto(this.cols.close));
  }
  logReturns(): Float64Array {
    return (this.lr ??= logDiffInto(this.logPrices(), 1));
  }
}
