import type { BarSeries } from '../core/bar.ts';
import { ErrorCode, TradepilotError, isTradepilotError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import { MS_PER_DAY, systemClock, type Clock, type Timeframe } from '../core/time.ts';
import type { BarRequest, DataProvider } from './provider.ts';
import type { RateLimiter } from './rateLimiter.ts';
import { sliceByTime } from './range.ts';
import { resample } from './resample.ts';
import { isTransient, withRetry, type Sleep } from './retry.ts';

/** The way out printed with every remote failure. */
export const OFFLINE_HINT = 'use --provider sample|csv|mock to run offline';

/** What a remote adapter implements: one bounded request, bars stamped at close (intraday) or the date (daily). */
export interface BarSource {
  readonly name: string;
  /** Timeframes the remote serves natively aligned to the US session; others are resampled from the finest of these. */
  readonly native: readonly Timeframe[];
  fetchBars(req: Required<Pick<BarRequest, 'symbol' | 'timeframe' | 'start' | 'end'>>): Promise<BarSeries>;
}

/** Options of {@link RemoteProvider}. */
export interface RemoteOptions {
  retries?: number;
  baseDelayMs?: number;
  sleep?: Sleep;
  rng?: Pick<Rng, 'next'>;
  limiter?: RateLimiter;
  clock?: Clock;
}

/**
 * A remote source behind the DataProvider port: rate limited, retried with
 * exponential backoff and jitter, resampled where the remote lacks the interval,
 * and failing with DATA_UNAVAILABLE plus the offline way out.
 */
export class RemoteProvider implements DataProvider {
  readonly name: string;
  constructor(
    private readonly source: () => Promise<BarSource>,
    name: string,
    private readonly opts: RemoteOptions = {},
  ) {
    this.name = name;
  }

  async getBars(req: BarRequest): Promise<BarSeries> {
    const clock = this.opts.clock ?? systemClock;
    const end = req.end ?? clock.now();
    const start = req.start ?? end - (req.timeframe === '1d' ? 5 * 365 : 7) * MS_PER_DAY;
    let src: BarSource;
    try {
      src = await this.source();
    } catch (err) {
      if (isTradepilotError(err)) throw err;
      throw new TradepilotError(ErrorCode.DATA_UNAVAILABLE, `${this.name}: cannot load the adapter (${(err as Error).message}); ${OFFLINE_HINT}`, undefined, { cause: err });
    }
    const fetchTf: Timeframe = src.native.includes(req.timeframe) ? req.timeframe : finestDivisor(src.native, req.timeframe);
    try {
      const bars = await withRetry(
        async () => {
          await this.opts.limiter?.take();
          return src.fetchBars({ symbol: req.symbol, timeframe: fetchTf, start, end });
        },
        { retries: this.opts.retries ?? 4, baseMs: this.opts.baseDelayMs ?? 500, sleep: this.opts.sleep, rng: this.opts.rng, retryable: isTransient },
      );
      const out = fetchTf === req.timeframe ? bars : resample(bars, req.timeframe, { now: end });
      return sliceByTime(out, start, end);
    } catch (err) {
      if (isTradepilotError(err) && (err.code === ErrorCode.NETWORK || err.code === ErrorCode.RATE_LIMITED)) {
        throw new TradepilotError(ErrorCode.DATA_UNAVAILABLE, `${this.name}: ${err.message}; ${OFFLINE_HINT}`, { provider: this.name }, { cause: err });
      }
      throw err;
    }
  }
}

function finestDivisor(native: readonly Timeframe[], want: Timeframe): Timeframe {
  // Intraday timeframes the remote lacks (1h, 6h) come from 30m bars, which split the 09:30 session evenly.
  if (native.includes('30m') && want !== '1d') return '30m';
  if (native.includes('1m')) return '1m';
  throw new TradepilotError(ErrorCode.BAD_INPUT, `timeframe ${want} is not available from this provider`);
}
