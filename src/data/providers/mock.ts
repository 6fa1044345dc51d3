import type { BarSeries } from '../../core/bar.ts';
import { BadInputError } from '../../core/errors.ts';
import { MS_PER_DAY, systemClock, usSession, type Clock } from '../../core/time.ts';
import { mockDailyFull, mockMinutes } from '../mock.ts';
import type { BarRequest, DataProvider } from '../provider.ts';
import { sliceByTime } from '../range.ts';
import { resample } from '../resample.ts';

/** Synthetic tickers the mock provider lists (it serves any symbol on request). */
export const MOCK_SYMBOLS = ['SPY', 'QQQ', 'AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META', 'TSLA', 'JPM'] as const;

/** Options of the mock provider. */
export interface MockProviderOptions {
  /** Seed of every series (default 42). */
  seed?: number;
  /** Default end of a request without `end` (default the wall clock). */
  clock?: Clock;
}

/**
 * Reproducible synthetic bars for any symbol, so every path runs offline:
 * daily (default 5 years back) and 1-minute within US sessions (default 7 days
 * back); coarser intraday timeframes are resampled from the minutes. Bars after
 * `end` (default now) never appear, and a forming bar is never emitted.
 */
export class MockProvider implements DataProvider {
  readonly name = 'mock';
  private readonly seed: number;
  private readonly clock: Clock;

  constructor(opts: MockProviderOptions = {}) {
    this.seed = opts.seed ?? 42;
    this.clock = opts.clock ?? systemClock;
  }

  async listSymbols(): Promise<string[]> {
    return [...MOCK_SYMBOLS];
  }

  async getBars(req: BarRequest): Promise<BarSeries> {
    const end = req.end ?? this.clock.now();
    if (req.start !== undefined && req.start > end) throw new BadInputError(`start ${new Date(req.start).toISOString()} is after end ${new Date(end).toISOString()}`);
    const symbol = req.symbol.toUpperCase();
    if (req.timeframe === '1d') {
      const start = req.start ?? end - 5 * 365 * MS_PER_DAY;
      // A daily bar is stamped at its date but complete only at that day's 16:00 close: before then, stop the day before.
      const day = new Date(end);
      const close = usSession(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()).close;
      const last = end >= close ? end : Math.floor(end / MS_PER_DAY) * MS_PER_DAY - 1;
      return sliceByTime(mockDailyFull(symbol, this.seed, last).series, start, last);
    }
    const start = req.start ?? end - 7 * MS_PER_DAY;
    if (end - start > 400 * MS_PER_DAY) throw new BadInputError(`mock intraday range is limited to 400 days (asked ${Math.round((end - start) / MS_PER_DAY)})`);
    const minutes = sliceByTime(mockMinutes(symbol, this.seed, start, end), start, end);
    return req.timeframe === '1m' ? minutes : resample(minutes, req.timeframe, { now: end });
  }
}
