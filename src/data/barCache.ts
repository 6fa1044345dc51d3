import type { BarSeries } from '../core/bar.ts';
import type { Timeframe } from '../core/time.ts';
import { ErrorCode, TradepilotError } from '../core/errors.ts';
import type { BarRequest, DataProvider } from './provider.ts';
import { sliceByTime } from './range.ts';
import { MS_PER_DAY, systemClock, type Clock } from '../core/time.ts';

/** Cache key: one series per provider, symbol and interval. */
export interface CacheKey {
  provider: string;
  symbol: string;
  timeframe: Timeframe;
}

/** What the cache holds for a key: the bars and the time range already asked of the provider. */
export interface CachedBars {
  series: BarSeries;
  coveredStart: number;
  coveredEnd: number;
}

/** Storage of cached bars (DuckDB/Parquet in adapters/data/duckdbCache.ts). */
export interface BarCache {
  read(key: CacheKey): Promise<CachedBars | undefined>;
  /** Merge `series` into what is stored (newer values win on equal times) and widen the covered range. */
  merge(key: CacheKey, series: BarSeries, coveredStart: number, coveredEnd: number): Promise<CachedBars>;
  close(): Promise<void>;
}

/** What a cached fetch did, for `data fetch` to report. */
export interface CacheStats {
  hit: boolean;
  fetchedRanges: [number, number][];
  fetchedBars: number;
}

/**
 * A provider in front of a cache with incremental update: only the parts of the
 * requested range not yet covered are fetched (older history before, new bars
 * after), merged, stored, and the request is served from the merged series.
 */
export class CachedProvider implements DataProvider {
  readonly name: string;
  lastStats: CacheStats = { hit: false, fetchedRanges: [], fetchedBars: 0 };
  constructor(
    private readonly inner: DataProvider,
    private readonly cache: () => Promise<BarCache>,
    private readonly clock: Clock = systemClock,
  ) {
    this.name = inner.name;
  }

  async getBars(req: BarRequest): Promise<BarSeries> {
    const end = req.end ?? this.clock.now();
    const start = req.start ?? end - (req.timeframe === '1d' ? 5 * 365 : 7) * MS_PER_DAY;
    if (start > end) throw new TradepilotError(ErrorCode.BAD_INPUT, `start is after end`);
    const key: CacheKey = { provider: this.inner.name, symbol: req.symbol.toUpperCase(), timeframe: req.timeframe };
    const cache = await this.cache();
    const have = await cache.read(key);
    const missing: [number, number][] = [];
    if (!have) missing.push([start, end]);
    else {
      if (start < have.coveredStart) missing.push([start, have.coveredStart]);
      if (end > have.coveredEnd) missing.push([have.coveredEnd, end]);
    }
    let current = have;
    let fetched = 0;
    for (const [a, b] of missing) {
      const bars = await this.inner.getBars({ ...req, start: a, end: b });
      fetched += bars.time.length;
      current = await cache.merge(key, bars, Math.min(a, current?.coveredStart ?? a), Math.max(b, current?.coveredEnd ?? b));
    }
    this.lastStats = { hit: missing.length === 0, fetchedRanges: missing, fetchedBars: fetched };
    return sliceByTime(current!.series, start, end);
  }

  async listSymbols(): Promise<string[]> {
    return this.inner.listSymbols ? this.inner.listSymbols() : [];
  }
}
