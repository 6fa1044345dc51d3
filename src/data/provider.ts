import type { BarSeries } from '../core/bar.ts';
import type { Timeframe } from '../core/time.ts';

/** What a caller asks a provider for. Times are epoch ms UTC, both ends inclusive. */
export interface BarRequest {
  symbol: string;
  timeframe: Timeframe;
  start?: number;
  end?: number;
}

/**
 * The market-data port. Every source (bundled samples, CSV, mock, Yahoo, Alpaca,
 * Polygon, Schwab) implements it; the rest of the system sees only this.
 */
export interface DataProvider {
  /** Short name used in flags, cache keys and events (`sample`, `csv`, `yahoo`, ...). */
  readonly name: string;
  /** Validated bars in strictly increasing time order. Throws DataError / TradepilotError. */
  getBars(req: BarRequest): Promise<BarSeries>;
  /** Symbols this provider can serve without a network, when it knows them. */
  listSymbols?(): Promise<string[]>;
}
